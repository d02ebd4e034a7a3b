package replay

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/history"
)

// expect checks an expect step's conditions against the cluster now. Each
// check becomes one Expectation with what was wanted and what was seen.
func (r *replay) expect(e *scenarios.Expect) error {
	if len(e.Rules) > 0 && !slices.Contains(e.Rules, r.rules) {
		return nil
	}
	check := func(name string, ok bool, want, got string) {
		run := r.rec.Run()
		run.Expectations = append(run.Expectations, history.Expectation{Step: r.step.Index, Time: history.Seconds(r.eng.Now()),
			Check: name, OK: ok, Want: want, Got: got})
	}
	live := r.targets(scenarios.Target{All: true}, false)
	var names []string
	for _, p := range live {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	if e.Pods != nil {
		check("pods", len(live) == *e.Pods, strconv.Itoa(*e.Pods), strconv.Itoa(len(live)))
	}
	if e.PodNames != nil {
		want := slices.Sorted(slices.Values(*e.PodNames))
		check("podNames", globsMatch(want, names), "["+strings.Join(want, ", ")+"]", "["+strings.Join(names, ", ")+"]")
	}
	if e.Ready != nil {
		n := r.readyCount()
		check("ready", n == *e.Ready, strconv.Itoa(*e.Ready), strconv.Itoa(n))
	}
	if e.PVCs != nil {
		var claims []string
		for _, c := range r.eng.View().Claims() {
			if c.Namespace == r.ns {
				claims = append(claims, c.Name)
			}
		}
		want := slices.Sorted(slices.Values(*e.PVCs))
		check("pvcs", slices.Equal(want, claims), "["+strings.Join(want, ", ")+"]", "["+strings.Join(claims, ", ")+"]")
	}
	if er := e.Read; er != nil {
		var reads []history.Read
		err := r.write(func(ctx *sim.Context) error {
			reads = r.appRead(ctx, er.Target, er.Volume, er.Key, false)
			return nil
		})
		if err != nil {
			return err
		}
		name := fmt.Sprintf("read %s %s/%s", describe(er.Target), er.Volume, er.Key)
		want := "missing"
		if er.Value != nil {
			want = strconv.Quote(*er.Value)
		}
		got, ok := "no pod read it", false
		if len(reads) > 0 {
			rd := reads[0]
			got = "missing"
			if rd.Found {
				got = fmt.Sprintf("%q (written by %s)", rd.Value, rd.WrittenBy)
			}
			ok = len(reads) == 1 && ((er.Missing && !rd.Found) || (er.Value != nil && rd.Found && rd.Value == *er.Value))
		}
		check(name, ok, want, got)
	}
	if es := e.Resolve; es != nil {
		l := r.resolve(es.Name, es.Type, false)
		got := "NXDOMAIN"
		if !l.NXDomain {
			got = answerText(l)
		}
		name := "resolve " + es.Name
		switch {
		case es.NXDomain:
			check(name, l.NXDomain, "NXDOMAIN", got)
		case es.Addresses != nil:
			check(name, len(l.Answers) == *es.Addresses, strconv.Itoa(*es.Addresses)+" addresses", got)
		case es.Pod != "" || es.Ordinal != nil:
			t := scenarios.Target{Pod: es.Pod, Ordinal: es.Ordinal}
			pods := r.targets(t, false)
			want, ok := describe(t)+" (no such pod)", false
			if len(pods) == 1 {
				want = pods[0].Status.PodIP + " (" + pods[0].Name + ")"
				ok = len(l.Answers) == 1 && l.Answers[0] == pods[0].Status.PodIP
			}
			check(name, ok, want, got)
		}
	}
	return nil
}

// answerText lists answers with the pod behind each.
func answerText(l history.Lookup) string {
	parts := make([]string, len(l.Answers))
	for i, a := range l.Answers {
		parts[i] = a
		if i < len(l.Pods) && l.Pods[i] != "" {
			parts[i] += " (" + l.Pods[i] + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// globsMatch reports whether names, one for one, match the patterns ("*"
// globs allowed), each pattern taking the first unmatched name it fits.
func globsMatch(patterns, names []string) bool {
	if len(patterns) != len(names) {
		return false
	}
	used := make([]bool, len(names))
	for _, pat := range patterns {
		found := false
		for i, n := range names {
			if ok, _ := path.Match(pat, n); ok && !used[i] {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
