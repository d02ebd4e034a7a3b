// Package report turns the histories of one scenario's runs into the report
// a reader gets: for each rule set, the recorded history plus what is
// computed from it (identities per slot, availability), and the differences
// between StatefulSet and Deployment rules side by side.
//
// How the pieces fit:
//
//	runs := []*history.Run{...}       // one per rule set, from the recorder
//	r := report.Build(header, runs)   // copy, normalise, sort, analyse
//	r.Text(os.Stdout)                 // what a terminal user reads
//	r.JSON(os.Stdout)                 // the machine contract (-o json)
//
// Build works on copies: the runs passed in are not modified. Everything is
// computed from the history alone, and every list is put in a total order
// (time, then name, with digits compared as numbers), so the same runs always
// give the same bytes.
package report

import (
	"cmp"
	"maps"
	"slices"

	"stsim/sim/history"
)

// APIVersion and Kind head every JSON report.
const (
	APIVersion = "stsim/v1"
	Kind       = "Report"
)

// Rule set names, as in history.Run.Rules.
const (
	RulesStatefulSet = "statefulset"
	RulesDeployment  = "deployment"
)

// Header describes the scenario a report is about; it is the report's
// "scenario" object.
type Header struct {
	// Name is the scenario's metadata.name.
	Name string `json:"name"`
	// Seed is the seed of the run's random source.
	Seed int64 `json:"seed"`
	// Description is the scenario's metadata.description.
	Description string `json:"description"`
	// File is where the scenario was read from.
	File string `json:"file"`
	// Notes are changes the scenario made to its manifests.
	Notes []string `json:"notes"`
}

// Report is a whole report: the scenario, one analysed history per rule set
// and, when both rule sets ran, their differences.
type Report struct {
	// APIVersion is always APIVersion ("stsim/v1").
	APIVersion string `json:"apiVersion"`
	// Kind is always Kind ("Report").
	Kind string `json:"kind"`
	// Scenario is the scenario the runs played.
	Scenario Header `json:"scenario"`
	// Runs holds one analysed history per rule set, in the order given.
	Runs []*history.Run `json:"runs"`
	// Differences compares the StatefulSet and Deployment runs, one row
	// per aspect; empty unless both rule sets ran.
	Differences []Difference `json:"differences"`
}

// Difference is one aspect compared between the two rule sets, as short
// human-readable values.
type Difference struct {
	// Aspect is one of the Aspect constants.
	Aspect string `json:"aspect"`
	// StatefulSet is the value under StatefulSet rules.
	StatefulSet string `json:"statefulset"`
	// Deployment is the value under Deployment rules.
	Deployment string `json:"deployment"`
}

// Equal reports whether both rule sets gave the same value.
func (d Difference) Equal() bool { return d.StatefulSet == d.Deployment }

// Build analyses each run and returns the report. Runs keep their order; nil
// runs are skipped. Each run is copied, its nil lists become empty ones, its
// lists are sorted (events stably by time so causality within an instant is
// kept; pods, claims and revisions by creation time, then name; the other
// timed lists stably by time), and its Identities and Availability are
// computed.
func Build(h Header, runs []*history.Run) *Report {
	h.Notes = clone(h.Notes)
	r := &Report{
		APIVersion:  APIVersion,
		Kind:        Kind,
		Scenario:    h,
		Runs:        []*history.Run{},
		Differences: []Difference{},
	}
	for _, in := range runs {
		if in == nil {
			continue
		}
		run := normalise(in)
		run.Identities = identities(run)
		run.Availability = availability(run)
		r.Runs = append(r.Runs, run)
	}
	sts, dep := r.run(RulesStatefulSet), r.run(RulesDeployment)
	if sts != nil && dep != nil {
		r.Differences = differences(sts, dep)
	}
	return r
}

// run returns the first run of the given rule set, or nil.
func (r *Report) run(rules string) *history.Run {
	for _, run := range r.Runs {
		if run.Rules == rules {
			return run
		}
	}
	return nil
}

// normalise returns a sorted copy of in whose lists and maps are never nil.
// Rows held by pointer are copied too, so the input is left untouched.
func normalise(in *history.Run) *history.Run {
	run := *in
	run.Conversions = clone(in.Conversions)
	run.Ignored = clone(in.Ignored)

	run.Events = clone(in.Events)
	slices.SortStableFunc(run.Events, func(a, b history.Event) int { return cmp.Compare(a.Time, b.Time) })

	run.Pods = make([]*history.Pod, 0, len(in.Pods))
	for _, p := range in.Pods {
		if p == nil {
			continue
		}
		c := *p
		c.Labels = cloneMap(p.Labels)
		c.Claims = clone(p.Claims)
		run.Pods = append(run.Pods, &c)
	}
	slices.SortStableFunc(run.Pods, func(a, b *history.Pod) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})

	run.Claims = make([]*history.Claim, 0, len(in.Claims))
	for _, c := range in.Claims {
		if c == nil {
			continue
		}
		cc := *c
		cc.OwnerReferences = clone(c.OwnerReferences)
		run.Claims = append(run.Claims, &cc)
	}
	slices.SortStableFunc(run.Claims, func(a, b *history.Claim) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})

	run.Revisions = make([]*history.Revision, 0, len(in.Revisions))
	for _, rv := range in.Revisions {
		if rv == nil {
			continue
		}
		c := *rv
		run.Revisions = append(run.Revisions, &c)
	}
	slices.SortStableFunc(run.Revisions, func(a, b *history.Revision) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})

	run.Status = clone(in.Status)
	for i := range run.Status {
		run.Status[i].Conditions = cloneMap(in.Status[i].Conditions)
	}
	sortByTime(run.Status, func(s history.Status) float64 { return s.Time })

	run.Rejections = clone(in.Rejections)
	sortByTime(run.Rejections, func(x history.Rejection) float64 { return x.Time })
	run.Reads = clone(in.Reads)
	sortByTime(run.Reads, func(x history.Read) float64 { return x.Time })
	run.Writes = clone(in.Writes)
	sortByTime(run.Writes, func(x history.Write) float64 { return x.Time })

	run.Lookups = clone(in.Lookups)
	for i := range run.Lookups {
		run.Lookups[i].Answers = clone(in.Lookups[i].Answers)
		run.Lookups[i].Pods = clone(in.Lookups[i].Pods)
	}
	sortByTime(run.Lookups, func(x history.Lookup) float64 { return x.Time })

	run.Expectations = clone(in.Expectations)
	sortByTime(run.Expectations, func(x history.Expectation) float64 { return x.Time })
	run.Findings = clone(in.Findings)
	sortByTime(run.Findings, func(x history.Finding) float64 { return x.Time })
	run.ReadyOverTime = clone(in.ReadyOverTime)
	sortByTime(run.ReadyOverTime, func(x history.ReadySample) float64 { return x.Time })

	run.Identities = nil // computed by Build
	return &run
}

// sortByTime sorts s stably by the time key returns.
func sortByTime[T any](s []T, key func(T) float64) {
	slices.SortStableFunc(s, func(a, b T) int { return cmp.Compare(key(a), key(b)) })
}

// clone returns a copy of s that is never nil.
func clone[T any](s []T) []T {
	return append(make([]T, 0, len(s)), s...)
}

// cloneMap returns a copy of m that is never nil.
func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	c := make(map[K]V, len(m))
	maps.Copy(c, m)
	return c
}
