package report

import (
	"fmt"
	"slices"
	"strings"

	"stsim/sim/workload"
)

// summaryPart is what a reader needs first: how the expectations went, and
// the differences between the rule sets as sentences.
func summaryPart(r *Report) Part {
	p := Part{Title: "Summary"}
	tone := Good
	if t := r.Failed(); t.Failed > 0 {
		tone = Bad
	} else if t.Total == 0 {
		tone = Plain
	}
	p.Sections = append(p.Sections, Section{Title: "Expectations", Note: tallyText(r), Tone: tone})
	sts, dep := r.run(workload.StatefulSet), r.run(workload.Deployment)
	if sts != nil && dep != nil {
		list := lessons(r.Differences, sts, dep)
		if len(list) == 0 {
			p.Sections = append(p.Sections, Section{Title: "What differs", Note: "nothing: both rule sets gave the same on every aspect"})
		} else {
			p.Sections = append(p.Sections, Section{Title: "What differs", List: list})
		}
	}
	return p
}

// tallyText counts the expectations that passed and names the rule sets
// where one failed.
func tallyText(r *Report) string {
	t := r.Failed()
	switch {
	case t.Total == 0:
		return "none (the scenario checks nothing)"
	case t.Failed == 0:
		return fmt.Sprintf("all %d passed", t.Total)
	}
	rules := make([]string, len(t.Rules))
	for i, ru := range t.Rules {
		rules[i] = ru.Title()
	}
	return fmt.Sprintf("%d of %d FAILED, under %s: see each rule set's Expectations", t.Failed, t.Total, strings.Join(rules, " and "))
}

// lessons says the differences as short sentences, in the order of the
// aspects; related aspects (storage and data, the readiness measures)
// share one sentence, and what differs in nothing is left out.
func lessons(diffs []Difference, sts, dep *Run) []string {
	differs := map[string]Difference{}
	for _, d := range diffs {
		if !d.Same {
			differs[d.Aspect] = d
		}
	}
	has := func(aspects ...string) bool {
		for _, a := range aspects {
			if _, ok := differs[a]; ok {
				return true
			}
		}
		return false
	}
	both := func(a string) (string, string) { return differs[a].Text.StatefulSet, differs[a].Text.Deployment }
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if has(AspectPodNames) {
		add("Names: %s under StatefulSet rules; %s under Deployment rules.", namesSentence(sts), namesSentence(dep))
	}
	if has(AspectReplacement) {
		add("Replacing a deleted pod: under StatefulSet rules %s; under Deployment rules %s.",
			replacementSentence(sts), replacementSentence(dep))
	}
	if has(AspectStorage, AspectData, AspectWritesLost, AspectOtherSlotReads) {
		add("Storage: %s under StatefulSet rules; %s under Deployment rules.", dataSentence(sts), dataSentence(dep))
	}
	if has(AspectFailedOps) {
		st, dt := both(AspectFailedOps)
		add("Writes and reads that failed: %s under StatefulSet rules; %s under Deployment rules.", st, dt)
	}
	if has(AspectDNS) {
		st, dt := both(AspectDNS)
		add("DNS: %s under StatefulSet rules; %s under Deployment rules.", st, dt)
	}
	if has(AspectClaimsLeft) {
		add("Claims left at the end: %s under StatefulSet rules; %s under Deployment rules.",
			countedList(sts, claimsLeft), countedList(dep, claimsLeft))
	}
	for _, o := range []struct {
		aspect, verb string
		of           func(*Run) []Batch
	}{
		{AspectCreationOrder, "created", func(r *Run) []Batch { return r.Measures.Created }},
		{AspectDeletionOrder, "deleted", func(r *Run) []Batch { return r.Measures.Deleted }},
	} {
		if has(o.aspect) && !sameShape(o.of(sts), o.of(dep)) {
			add("Pods were %s %s under StatefulSet rules, %s under Deployment rules.", o.verb, orderSentence(o.of(sts)), orderSentence(o.of(dep)))
		}
	}
	if has(AspectFewestReady, AspectBelowDesired, AspectSlotDowntime) {
		add("Readiness after the first full rollout: %s under StatefulSet rules; %s under Deployment rules.",
			readinessSentence(sts), readinessSentence(dep))
	}
	if has(AspectTimeToScale) {
		st, dt := both(AspectTimeToScale)
		add("Scaling: %s under StatefulSet rules; %s under Deployment rules.", st, dt)
	}
	if has(AspectPeakPods) {
		st, dt := both(AspectPeakPods)
		add("At most %s pods existed at once under StatefulSet rules, %s under Deployment rules.", st, dt)
	}
	if has(AspectDuplicateSeconds) {
		st, dt := both(AspectDuplicateSeconds)
		add("Two pods of one name existed at once for %s under StatefulSet rules, %s under Deployment rules.", st, dt)
	}
	if has(AspectWriters) {
		st, dt := both(AspectWriters)
		add("Pods writing to one volume at once: at most %s under StatefulSet rules, %s under Deployment rules.", st, dt)
	}
	return out
}

// namesSentence says whether a run's pods kept their names, with the first
// and last name.
func namesSentence(run *Run) string {
	v, _ := podNames(run)
	names := v.(PodNames)
	var all []string
	for _, s := range names.Slots {
		all = append(all, s.Names...)
	}
	if len(all) == 0 {
		return "no pods"
	}
	span := all[0]
	if len(all) > 1 {
		span += " … " + all[len(all)-1]
	}
	switch names.Summary {
	case "stable":
		return "a replaced pod keeps its name (" + span + ")"
	case "new name per pod":
		return "every pod gets a new random name (" + span + ")"
	}
	return "no pod was replaced (" + span + ")"
}

// dataSentence tells how a run's pods stored their data and what came of
// it: own claims, one shared claim or none; writes lost; reads of another
// slot's data.
func dataSentence(run *Run) string {
	v, _ := storage(run)
	st := v.(Storage)
	var s string
	switch {
	case len(st.Claims) == 0:
		s = "no claims, so nothing outlives a pod"
	case st.OwnClaimEach && len(st.NewVolumeFor) == 0:
		s = "each slot keeps its own claim"
	case st.OwnClaimEach:
		s = fmt.Sprintf("each pod has its own claim, but %d slot(s) got a new volume when replaced", len(st.NewVolumeFor))
	case st.SharedByAll:
		s = "all pods share one claim (" + st.Claims[0].Claim + ")"
	default:
		s = fmt.Sprintf("%d claims shared between slots", len(st.Claims))
	}
	if len(run.Reads) > 0 || len(run.Writes) > 0 {
		s += fmt.Sprintf(", %s lost, %s of another slot's data", plural(run.Measures.WritesLost, "write", "writes"),
			plural(run.Measures.ReadsOfOtherSlots, "read", "reads"))
	}
	return s
}

// countedList is a list aspect's count and its first items.
func countedList(run *Run, aspect func(*Run) (any, string)) string {
	v, t := aspect(run)
	list := v.([]string)
	if len(list) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", len(list), t)
}

// readinessSentence sums up the readiness measures of a run.
func readinessSentence(run *Run) string {
	a := run.Availability
	if a.MinReady == nil {
		return "n/a (" + notFullyReady(run) + ")"
	}
	s := fmt.Sprintf("fewest Ready %d for %s, %s below the desired count", *a.MinReady, FormatSeconds(*a.MinReadySeconds),
		FormatSeconds(*a.BelowDesiredSeconds))
	_, down := slotDowntime(run)
	return s + ", slot downtime: " + down
}

// replacementSentence tells how the first replaced pod of a run was
// replaced: name kept or new, when, and whether the old pod was gone.
func replacementSentence(run *Run) string {
	for i, p := range run.Pods {
		if p.Replaced == nil {
			continue
		}
		rp := replacement(run.Pods[:i], p)
		s := fmt.Sprintf("the replacement for slot %d got a new name (%s)", p.Slot, p.Name)
		if rp.SameName {
			s = fmt.Sprintf("the replacement for slot %d kept its name (%s)", p.Slot, p.Name)
		}
		if rp.AfterDelete != nil {
			if *rp.AfterDelete > 0 {
				s += ", created " + FormatSeconds(*rp.AfterDelete) + " after the delete"
			} else {
				s += " at once"
			}
		}
		if rp.OldGoneFirst != nil {
			if *rp.OldGoneFirst {
				s += ", once the old pod was gone"
			} else {
				s += ", while the old pod was still terminating"
			}
		}
		return s
	}
	return "no pod was replaced"
}

// orderSentence says how batches happened, shortly: "one at a time
// (3 pods, 20.0s to 30.0s)", "all 3 together at 30.0s" or "in 2 batches
// (the largest 2 pods at 0.0s)".
func orderSentence(batches []Batch) string {
	n, largest := 0, 0
	for i, b := range batches {
		n += len(b.Pods)
		if len(b.Pods) > len(batches[largest].Pods) {
			largest = i
		}
	}
	switch {
	case n == 0:
		return "never"
	case len(batches) == 1 && n == 1:
		return "once, at " + formatTime(batches[0].Time)
	case len(batches) == 1:
		return fmt.Sprintf("all %d together at %s", n, formatTime(batches[0].Time))
	case len(batches) == n:
		return fmt.Sprintf("one at a time (%d pods, %s to %s)", n, formatTime(batches[0].Time), formatTime(batches[len(batches)-1].Time))
	}
	return fmt.Sprintf("in %d batches (the largest %d pods at %s)", len(batches), len(batches[largest].Pods), formatTime(batches[largest].Time))
}

// sameShape says two orders had batches of the same sizes at the same
// times, whatever the pods' names.
func sameShape(a, b []Batch) bool {
	return slices.EqualFunc(a, b, func(x, y Batch) bool { return x.Time == y.Time && len(x.Pods) == len(y.Pods) })
}
