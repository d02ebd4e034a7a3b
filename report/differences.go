package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"stsim/sim/history"
)

// Aspects compared between the rule sets, in the order of the Differences.
const (
	AspectPodNames         = "pod names"
	AspectReplacement      = "replacement of deleted pod"
	AspectStorage          = "storage per pod"
	AspectData             = "data after replacement"
	AspectDNS              = "DNS"
	AspectClaimsLeft       = "claims left at the end"
	AspectPeakPods         = "peak pods"
	AspectMinReady         = "min ready after rollout"
	AspectDuplicateSeconds = "duplicate identity seconds"
)

// aspects lists every aspect with how one run describes it.
var aspects = []struct {
	name     string
	describe func(*history.Run) string
}{
	{AspectPodNames, describePodNames},
	{AspectReplacement, describeReplacements},
	{AspectStorage, describeStorage},
	{AspectData, describeData},
	{AspectDNS, describeDNS},
	{AspectClaimsLeft, describeClaimsLeft},
	{AspectPeakPods, func(r *history.Run) string { return strconv.Itoa(r.Availability.MaxPods) }},
	{AspectMinReady, func(r *history.Run) string { return strconv.Itoa(r.Availability.MinReady) }},
	{AspectDuplicateSeconds, func(r *history.Run) string { return formatSeconds(r.Availability.DuplicateIdentitySeconds) }},
}

// differences compares two analysed runs, one row per aspect in a fixed order.
func differences(sts, dep *history.Run) []Difference {
	out := make([]Difference, 0, len(aspects))
	for _, a := range aspects {
		out = append(out, Difference{Aspect: a.name, StatefulSet: a.describe(sts), Deployment: a.describe(dep)})
	}
	return out
}

// maxListed is how many items a difference value names before "… and N more".
const maxListed = 4

// describePodNames gives the names each slot had, "a → b" when a slot's pod
// came back under another name.
func describePodNames(run *history.Run) string {
	if len(run.Identities) == 0 {
		return "no pods"
	}
	var slots []string
	replaced, stable := false, true
	for _, id := range run.Identities {
		names := slices.Compact(slices.Clone(id.Names))
		slots = append(slots, chain(names))
		if len(id.Names) > 1 {
			replaced = true
			stable = stable && id.StableName
		}
	}
	note := "(never replaced)"
	switch {
	case replaced && stable:
		note = "(stable)"
	case replaced:
		note = "(new name per pod)"
	}
	return joinLimit(slots, ", ", maxListed) + " " + note
}

// chain joins names with arrows, eliding the middle of long chains.
func chain(names []string) string {
	if len(names) > 3 {
		return fmt.Sprintf("%s → … → %s (%d pods)", names[0], names[len(names)-1], len(names))
	}
	return strings.Join(names, " → ")
}

// describeReplacements says which pod replaced which, and whether the new one
// waited for the old one to be gone.
func describeReplacements(run *history.Run) string {
	var items []string
	for i, p := range run.Pods {
		if p.Replaced == "" {
			continue
		}
		items = append(items, replacement(run.Pods[:i], p))
	}
	if len(items) == 0 {
		return "no pod was replaced"
	}
	return joinLimit(items, "; ", 3)
}

// replacement describes how p replaced the pod named p.Replaced, looked up
// among the pods created before it.
func replacement(before []*history.Pod, p *history.Pod) string {
	var old *history.Pod
	for _, q := range before {
		if q.Name == p.Replaced && (old == nil || q.Slot == p.Slot) {
			old = q
		}
	}
	notes := []string{"new name"}
	if p.Replaced == p.Name {
		notes[0] = "same name"
	}
	if old != nil && old.Deleted != nil {
		if d := p.Created - *old.Deleted; d > 0 {
			notes = append(notes, formatSeconds(roundMillis(d))+" after delete")
		} else {
			notes = append(notes, "at once")
		}
	}
	if old != nil {
		if old.Gone != nil && *old.Gone <= p.Created {
			notes = append(notes, "old pod gone first")
		} else {
			notes = append(notes, "old pod still there")
		}
	}
	return fmt.Sprintf("%s → %s (%s)", p.Replaced, p.Name, strings.Join(notes, ", "))
}

// describeStorage says whether each slot had its own claims or shared them.
func describeStorage(run *history.Run) string {
	var claims []string
	slotsOf := map[string][]int{}
	for _, id := range run.Identities {
		for _, c := range id.Claims {
			if _, ok := slotsOf[c]; !ok {
				claims = append(claims, c)
			}
			if !slices.Contains(slotsOf[c], id.Slot) {
				slotsOf[c] = append(slotsOf[c], id.Slot)
			}
		}
	}
	if len(claims) == 0 {
		return "no claims (nothing outlives a pod)"
	}
	own := true
	for _, c := range claims {
		own = own && len(slotsOf[c]) == 1
	}
	if own {
		s := "own claim per pod: " + joinLimit(claims, ", ", maxListed)
		var lost []string
		for _, id := range run.Identities {
			if len(id.Claims) > 0 && !id.StableStorage {
				lost = append(lost, strconv.Itoa(id.Slot))
			}
		}
		if len(lost) > 0 {
			s += " (new volume for slot " + strings.Join(lost, ", ") + ")"
		}
		return s
	}
	if len(claims) == 1 && len(slotsOf[claims[0]]) == len(run.Identities) {
		return "one claim shared by all pods: " + claims[0]
	}
	var items []string
	for _, c := range claims {
		items = append(items, fmt.Sprintf("%s (slots %s)", c, joinInts(slotsOf[c])))
	}
	return joinLimit(items, "; ", maxListed)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// describeData says what each read returned and who wrote it.
func describeData(run *history.Run) string {
	if len(run.Reads) == 0 {
		return "no reads"
	}
	items := make([]string, len(run.Reads))
	for i, rd := range run.Reads {
		items[i] = rd.Pod + " read " + readResult(rd)
	}
	return joinLimit(items, "; ", maxListed)
}

// readResult is `key "value" (written by pod)` or `key: missing`.
func readResult(rd history.Read) string {
	if !rd.Found {
		return rd.Key + ": missing"
	}
	s := fmt.Sprintf("%s=%q", rd.Key, rd.Value)
	if rd.WrittenBy != "" {
		s += " (written by " + rd.WrittenBy + ")"
	}
	return s
}

// describeDNS says what each look-up answered, or, with none, which per-pod
// records the pods had.
func describeDNS(run *history.Run) string {
	if len(run.Lookups) == 0 {
		var records []string
		for _, p := range run.Pods {
			if p.Subdomain == "" {
				continue
			}
			if r := hostname(p) + "." + p.Subdomain; !slices.Contains(records, r) {
				records = append(records, r)
			}
		}
		if len(records) == 0 {
			return "no look-ups; no per-pod records"
		}
		return "no look-ups; per-pod records " + joinLimit(records, ", ", maxListed)
	}
	items := make([]string, len(run.Lookups))
	for i, l := range run.Lookups {
		items[i] = l.Name + " → " + lookupResult(run, l, false)
	}
	return joinLimit(items, "; ", maxListed)
}

// lookupResult is NXDOMAIN, "no answer" or the answers, each named by the
// pod that has the address (with the address too when withIP is set).
func lookupResult(run *history.Run, l history.Lookup, withIP bool) string {
	if l.NXDomain {
		return "NXDOMAIN"
	}
	if len(l.Answers) == 0 {
		return "no answer"
	}
	pods := answerPods(run, l)
	items := make([]string, len(l.Answers))
	for i, a := range l.Answers {
		switch {
		case pods[i] == "":
			items[i] = a
		case withIP:
			items[i] = pods[i] + " (" + a + ")"
		default:
			items[i] = pods[i]
		}
	}
	return strings.Join(items, ", ")
}

// answerPods names, for each answer of a look-up, the pod it points at: from
// the look-up's own Pods when they pair with the answers, else the workload
// pod that had that IP at the time; "" when unknown.
func answerPods(run *history.Run, l history.Lookup) []string {
	if len(l.Pods) == len(l.Answers) {
		return l.Pods
	}
	out := make([]string, len(l.Answers))
	for i, a := range l.Answers {
		for _, p := range run.Pods {
			if p.IP == a && p.Created <= l.Time && (p.Gone == nil || *p.Gone > l.Time) {
				out[i] = p.Name
			}
		}
	}
	return out
}

// describeClaimsLeft names the claims that still exist at the end of the run.
func describeClaimsLeft(run *history.Run) string {
	var left []string
	for _, c := range run.Claims {
		if c.Gone == nil {
			left = append(left, c.Name)
		}
	}
	if len(left) == 0 {
		return "none"
	}
	return joinLimit(left, ", ", maxListed)
}
