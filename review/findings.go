package review

import (
	"fmt"
	"slices"

	"stsim/report"
	"stsim/sim/workload"
)

// findings says in sentences what the rows show: per rule set, every fault
// that cost a name, a record or availability, or left two pods of one name
// or two writers of one volume; or that none did.
func findings(rv *Review) []string {
	out := []string{}
	for _, rules := range workload.AllRules {
		if i := slices.IndexFunc(rv.Stuck, func(s Stuck) bool { return s.Rules == rules }); i >= 0 {
			out = append(out, fmt.Sprintf("Under %s the workload never finishes its first rollout, so no fault can be measured against it: %s",
				rulesName(rules), rv.Stuck[i].Message))
			continue
		}
		var said []string
		for _, r := range rv.Rows {
			if r.Rules == rules {
				said = append(said, rowFindings(r)...)
			}
		}
		if len(said) == 0 {
			said = append(said, fmt.Sprintf("Under %s every fault kept each pod's name and data, and the workload recovered.", rulesName(rules)))
		}
		out = append(out, said...)
	}
	return out
}

// rowFindings are the sentences of one row.
func rowFindings(r Row) []string {
	var out []string
	under, title := rulesName(r.Rules), faultTitle(r.Fault)
	if len(r.Renamed) > 0 {
		out = append(out, fmt.Sprintf("Under %s %s gives a replaced pod a new name (%s): clients that address it by name lose it.", under, title, r.Renamed[0]))
	}
	if r.DataKept != nil && !*r.DataKept {
		out = append(out, fmt.Sprintf("Under %s, after %s a pod did not read back the record its slot wrote (%s).", under, title, r.DataLost[0]))
	}
	switch {
	case r.Recovery == nil:
		low := "-"
		if r.MinReady != nil {
			low = fmt.Sprintf("%d of %d", *r.MinReady, r.Desired)
		}
		out = append(out, fmt.Sprintf("Under %s the workload had not recovered from %s when its timeline ended (fewest Ready %s).", under, title, low))
	case r.RecoveredAfterNode:
		out = append(out, fmt.Sprintf("Under %s %s keeps a replica down until the node comes back: the workload recovered %s after it.", under, title, report.FormatSeconds(*r.Recovery)))
	}
	if r.DuplicateIdentitySeconds > 0 {
		out = append(out, fmt.Sprintf("Under %s %s leaves two pods of one name for %s.", under, title, report.FormatSeconds(r.DuplicateIdentitySeconds)))
	}
	if r.ConcurrentWriters >= 2 {
		if r.ConcurrentWriters == 2 {
			out = append(out, fmt.Sprintf("Under %s %s leaves two pods writing to one volume for %s.", under, title, report.FormatSeconds(r.ConcurrentWriterSeconds)))
		} else {
			out = append(out, fmt.Sprintf("Under %s %s leaves up to %s pods writing to one volume at once, two or more for %s.", under, title, count(r.ConcurrentWriters), report.FormatSeconds(r.ConcurrentWriterSeconds)))
		}
	}
	return out
}

// rulesName names a rule set in a sentence.
func rulesName(r workload.Rules) string {
	if r == workload.StatefulSet {
		return "StatefulSet rules"
	}
	return "Deployment rules"
}

// faultTitle is how a sentence names the fault of that name.
func faultTitle(name string) string {
	for _, f := range Faults {
		if f.Name == name {
			return f.Title
		}
	}
	return name
}

// count writes a small number as a word.
func count(n int) string {
	words := []string{"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return itoa(n)
}
