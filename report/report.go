// Package report turns the histories of one scenario's runs into what a
// reader gets: for each rule set the recorded history in its wire form plus
// what is computed from it (identities per slot, availability), and the
// differences between StatefulSet and Deployment rules side by side.
//
// How the pieces fit:
//
//	r := report.Build(header, runs)           // one *history.Run per rule set
//	report.Render(w, "text", []*Report{r}, opts) // any registered format
//
// Build sorts every list in a total order (time, then name with digits
// compared as numbers) and analyses the runs, so the same histories always
// give the same bytes; it never looks at live objects. The wire types
// (model.go) are the JSON contract. For reading, a report is laid out once
// as a format-neutral Document (document.go: sections of tables and lists
// whose cells keep their values) that the text renderer, and any later
// one, prints (render.go).
package report

import (
	"cmp"
	"maps"
	"slices"

	"stsim/sim/history"
	"stsim/sim/workload"
)

// APIVersion and Kind head every JSON report.
const (
	APIVersion = "stsim/v1"
	Kind       = "Report"
)

// Header describes the scenario a report is about; it is the report's
// "scenario" object (written by its MarshalJSON: an empty description is
// null).
type Header struct {
	// Name is the scenario's metadata.name.
	Name string
	// Seed is the seed of the run's random source.
	Seed int64
	// Description is the scenario's metadata.description.
	Description string
	// File is where the scenario was read from.
	File string
	// Notes are changes the scenario made to its manifests.
	Notes []string
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
	// Summary counts what a reader checks first.
	Summary Summary `json:"summary"`
	// Runs holds one analysed history per rule set, in the order given.
	Runs []*Run `json:"runs"`
	// Differences compares the StatefulSet and Deployment runs, one row
	// per aspect; empty unless both rule sets ran.
	Differences []Difference `json:"differences"`
}

// Build analyses each run and returns the report. Runs keep their order; nil
// runs are skipped. Lists are sorted: events stably by time, so causality
// within an instant is kept; pods, claims and revisions by creation time,
// then name; the other timed lists stably by time.
func Build(h Header, runs []*history.Run) *Report {
	h.Notes = clone(h.Notes)
	r := &Report{APIVersion: APIVersion, Kind: Kind, Scenario: h, Runs: []*Run{}, Differences: []Difference{}}
	for _, in := range runs {
		if in == nil {
			continue
		}
		out := run(in)
		sortRun(out)
		out.Identities = identities(out)
		out.Availability = availability(out, optSeconds(in.FullyReady))
		out.Measures = measures(out)
		r.Runs = append(r.Runs, out)
	}
	sts, dep := r.run(workload.StatefulSet), r.run(workload.Deployment)
	if sts != nil && dep != nil {
		r.Differences = differences(sts, dep)
	}
	r.Summary = r.summary(sts != nil && dep != nil)
	return r
}

// Summary counts a report's expectations, differences and findings.
type Summary struct {
	// Expectations counts the expectations of every run.
	Expectations ExpectationCounts `json:"expectations"`
	// Differences counts the aspects whose values differ between the rule
	// sets; nil when they were not compared (only one rule set ran).
	Differences *int `json:"differences"`
	// Findings counts the findings of every run.
	Findings int `json:"findings"`
}

// ExpectationCounts counts expectations: those that passed, those that
// failed, and all of them.
type ExpectationCounts struct {
	Passed int `json:"passed"`
	Failed int `json:"failed"`
	Total  int `json:"total"`
}

// summary computes the report's Summary; compared says both rule sets ran
// and Differences holds their comparison.
func (r *Report) summary(compared bool) Summary {
	t := r.Failed()
	s := Summary{Expectations: ExpectationCounts{Passed: t.Total - t.Failed, Failed: t.Failed, Total: t.Total}}
	if compared {
		n := 0
		for _, d := range r.Differences {
			if !d.Same {
				n++
			}
		}
		s.Differences = &n
	}
	for _, run := range r.Runs {
		s.Findings += len(run.Findings)
	}
	return s
}

// run returns the first run of the given rule set, or nil.
func (r *Report) run(rules workload.Rules) *Run {
	for _, run := range r.Runs {
		if run.Rules == rules {
			return run
		}
	}
	return nil
}

// Tally counts a report's expectations.
type Tally struct {
	Failed, Total int
	// Rules lists the rule sets with a failed expectation, in run order.
	Rules []workload.Rules
}

// Failed counts the expectations that failed and all of them, and names
// the rule sets where one failed.
func (r *Report) Failed() Tally {
	var t Tally
	for _, run := range r.Runs {
		failed := 0
		for _, e := range run.Expectations {
			t.Total++
			if !e.OK {
				failed++
			}
		}
		if failed > 0 {
			t.Failed += failed
			t.Rules = append(t.Rules, run.Rules)
		}
	}
	return t
}

// sortRun puts the run's lists in their total order.
func sortRun(run *Run) {
	slices.SortStableFunc(run.Events, func(a, b Event) int { return cmp.Compare(a.Time, b.Time) })
	sortStable(run.Pods, func(a, b *Pod) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})
	sortStable(run.Claims, func(a, b *Claim) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})
	sortStable(run.Volumes, func(a, b *Volume) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})
	sortStable(run.Revisions, func(a, b *Revision) int {
		return cmp.Or(cmp.Compare(a.Created, b.Created), compareNames(a.Name, b.Name))
	})
	sortByTime(run.Status, func(s Status) float64 { return s.Time })
	sortByTime(run.Rejections, func(x Rejection) float64 { return x.Time })
	sortByTime(run.Reads, func(x Read) float64 { return x.Time })
	sortByTime(run.Writes, func(x Write) float64 { return x.Time })
	sortByTime(run.Failures, func(x Failure) float64 { return x.Time })
	sortByTime(run.Lookups, func(x Lookup) float64 { return x.Time })
	sortByTime(run.Expectations, func(x Expectation) float64 { return x.Time })
	sortByTime(run.Findings, func(x Finding) float64 { return x.Time })
	sortByTime(run.ReadyOverTime, func(x ReadySample) float64 { return x.Time })
	sortByTime(run.ReconcileErrors, func(x ReconcileError) float64 { return x.Time })
}

// sortStable sorts s by compare, equal elements kept in their order, as
// slices.SortStableFunc does but with O(n log n) moves rather than its
// O(n log² n): the pods of a 150,000-pod rollout took it two seconds.
func sortStable[T any](s []T, compare func(a, b T) int) {
	type at struct {
		v T
		i int
	}
	tmp := make([]at, len(s))
	for i, v := range s {
		tmp[i] = at{v, i}
	}
	slices.SortFunc(tmp, func(a, b at) int { return cmp.Or(compare(a.v, b.v), cmp.Compare(a.i, b.i)) })
	for i, x := range tmp {
		s[i] = x.v
	}
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
