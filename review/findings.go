package review

import (
	"fmt"
	"math"
	"slices"
	"strings"

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
		out = append(out, fmt.Sprintf("Under %s %s keeps a replica down until the node comes back: the workload recovered %s after it.", under, title, human(*r.Recovery)))
	}
	if r.DuplicateIdentitySeconds > 0 {
		out = append(out, fmt.Sprintf("Under %s %s leaves two pods of one name for %s.", under, title, human(r.DuplicateIdentitySeconds)))
	}
	if r.ConcurrentWriters >= 2 {
		if r.ConcurrentWriters == 2 {
			out = append(out, fmt.Sprintf("Under %s %s leaves two pods writing to one volume for %s.", under, title, human(r.ConcurrentWriterSeconds)))
		} else {
			out = append(out, fmt.Sprintf("Under %s %s leaves up to %s pods writing to one volume at once, two or more for %s.", under, title, count(r.ConcurrentWriters), human(r.ConcurrentWriterSeconds)))
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

// human writes seconds as 5m40s, 2.5s or 0s.
func human(s float64) string {
	if s < 60 {
		return trimFloat(s) + "s"
	}
	m := math.Floor(s / 60)
	rest := roundMillis(s - m*60)
	if m >= 60 {
		h := math.Floor(m / 60)
		m -= h * 60
		return fmt.Sprintf("%dh%dm%s", int(h), int(m), restSeconds(rest))
	}
	return fmt.Sprintf("%dm%s", int(m), restSeconds(rest))
}

// restSeconds writes the seconds after the minutes ("" for none).
func restSeconds(s float64) string {
	if s == 0 {
		return ""
	}
	return trimFloat(s) + "s"
}

// trimFloat writes a number of seconds without trailing zeros.
func trimFloat(s float64) string {
	t := strings.TrimRight(fmt.Sprintf("%.3f", s), "0")
	return strings.TrimSuffix(t, ".")
}
