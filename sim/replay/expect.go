package replay

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"stsim/scenarios"
	"stsim/sim/history"
	"stsim/sim/workload"
)

func init() {
	register(runExpect)
	registerCheck(checkPods)
	registerCheck(checkPodNames)
	registerCheck(checkReady)
	registerCheck(checkPVCs)
	registerCheck(checkRead)
	registerCheck(checkResolve)
	registerCheck(checkTerminating)
	registerCheck(checkStatus)
	registerCheck(checkRejected)
}

// runExpect runs each check of an expect step against the cluster now,
// under the rule sets it names. Each check becomes one Expectation with
// what was wanted and what was seen.
func runExpect(r *replay, st scenarios.Step, e *scenarios.Expect) error {
	defer func() { r.rejectionsSeen = len(r.rec.Run().Rejections) }()
	if !e.AppliesTo(r.rules) {
		return nil
	}
	for _, c := range e.Checks {
		check, ok := checkers[reflect.TypeOf(c)]
		if !ok {
			return fmt.Errorf("%s: no checker for check %s", st, c.CheckName())
		}
		if err := check(r, st, c); err != nil {
			return err
		}
	}
	return nil
}

// expectation records one check's outcome.
func (r *replay) expectation(st scenarios.Step, check string, ok bool, want, got outcome) {
	r.rec.Expectation(history.Expectation{Step: st.Index, Time: r.eng.Now(), Check: check, OK: ok,
		Want: want.text, Got: got.text, WantValue: want.value, GotValue: got.value})
}

// outcome is what a check wanted or saw: the value for machines (as
// history.Expectation's WantValue and GotValue say) and its text for people.
type outcome struct {
	value any
	text  string
}

// count is an outcome of a number of things.
func count(n int) outcome { return outcome{n, strconv.Itoa(n)} }

// integer is an outcome of a status number.
func integer(n int64) outcome { return outcome{n, strconv.FormatInt(n, 10)} }

// nameList is an outcome of names, "[a, b]"; its value is never nil.
func nameList(names []string) outcome { return outcome{append([]string{}, names...), list(names)} }

// liveNames lists the names of the non-terminating workload pods, sorted.
func (r *replay) liveNames() []string {
	var names []string
	for _, p := range r.targets(scenarios.Target{All: true}, false) {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	return names
}

func list(names []string) string { return "[" + strings.Join(names, ", ") + "]" }

func checkPods(r *replay, st scenarios.Step, c scenarios.PodsCheck) error {
	n := len(r.liveNames())
	r.expectation(st, c.CheckName(), n == c.Want, count(c.Want), count(n))
	return nil
}

func checkPodNames(r *replay, st scenarios.Step, c scenarios.PodNamesCheck) error {
	names, want := r.liveNames(), slices.Sorted(slices.Values(c.Want))
	r.expectation(st, c.CheckName(), globsMatch(want, names), nameList(want), nameList(names))
	return nil
}

func checkReady(r *replay, st scenarios.Step, c scenarios.ReadyCheck) error {
	n := r.readyCount()
	r.expectation(st, c.CheckName(), n == c.Want, count(c.Want), count(n))
	return nil
}

func checkPVCs(r *replay, st scenarios.Step, c scenarios.PVCsCheck) error {
	var claims []string
	for _, cl := range r.eng.View().Claims() {
		if cl.Namespace == r.w.Namespace() {
			claims = append(claims, cl.Name)
		}
	}
	want := slices.Sorted(slices.Values(c.Want))
	r.expectation(st, c.CheckName(), slices.Equal(want, claims), nameList(want), nameList(claims))
	return nil
}

func checkRead(r *replay, st scenarios.Step, c scenarios.ReadCheck) error {
	reads, failures := r.read(c.Target, c.Volume, c.Key, false)
	want := outcome{text: "missing"}
	if c.Value != nil {
		want = outcome{*c.Value, strconv.Quote(*c.Value)}
	}
	got, ok := outcome{text: "no pod read it"}, false
	if len(failures) > 0 {
		got.text = "failed: " + failures[0].Reason
	}
	if len(reads) > 0 {
		rd := reads[0]
		got.text = "missing"
		if rd.Found {
			got = outcome{rd.Value, fmt.Sprintf("%q (written by %s)", rd.Value, rd.WrittenBy)}
		}
		ok = len(reads) == 1 && ((c.Missing && !rd.Found) || (c.Value != nil && rd.Found && rd.Value == *c.Value))
	}
	r.expectation(st, fmt.Sprintf("read %s %s/%s", c.Target, c.Volume, c.Key), ok, want, got)
	return nil
}

func checkResolve(r *replay, st scenarios.Step, c scenarios.ResolveCheck) error {
	l := r.resolve(c.Name, c.Type)
	got := outcome{text: answerText(l)}
	name := "resolve " + c.Name
	found := !l.Outside && !l.NXDomain
	switch {
	case c.NXDomain:
		got.value = l.NXDomain
		r.expectation(st, name, l.NXDomain, outcome{true, "NXDOMAIN"}, got)
	case c.Addresses != nil:
		if found {
			got.value = len(l.Answers)
		}
		r.expectation(st, name, found && len(l.Answers) == *c.Addresses, outcome{*c.Addresses, strconv.Itoa(*c.Addresses) + " addresses"}, got)
	default:
		if found {
			got.value = append([]string{}, l.Answers...)
		}
		t := scenarios.Target{Pod: c.Pod, Ordinal: c.Ordinal}
		pods := r.targets(t, false)
		want, ok := outcome{text: t.String() + " (no such pod)"}, false
		if len(pods) == 1 {
			ip := pods[0].Status.PodIP
			want = outcome{[]string{ip}, ip + " (" + pods[0].Name + ")"}
			ok = len(l.Answers) == 1 && l.Answers[0] == ip
		}
		r.expectation(st, name, ok, want, got)
	}
	return nil
}

// answerText lists answers with the pod behind each, or says why there is
// none.
func answerText(l history.Lookup) string {
	switch {
	case l.Outside:
		return "outside the simulation (not a cluster name; forwarded upstream)"
	case l.NXDomain:
		return "NXDOMAIN"
	case len(l.Answers) == 0:
		return "no answer"
	}
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
// globs allowed): whether some pairing gives every pattern its own name
// (a bipartite matching, found by augmenting paths), so a literal name and
// a glob that also matches it can be given in any order.
func globsMatch(patterns, names []string) bool {
	if len(patterns) != len(names) {
		return false
	}
	owner := make([]int, len(names)) // the pattern that holds each name, or -1
	for i := range owner {
		owner[i] = -1
	}
	var assign func(p int, seen []bool) bool
	assign = func(p int, seen []bool) bool {
		for i, n := range names {
			if ok, _ := path.Match(patterns[p], n); !ok || seen[i] {
				continue
			}
			seen[i] = true
			if owner[i] < 0 || assign(owner[i], seen) {
				owner[i] = p
				return true
			}
		}
		return false
	}
	for p := range patterns {
		if !assign(p, make([]bool, len(names))) {
			return false
		}
	}
	return true
}

func checkTerminating(r *replay, st scenarios.Step, c scenarios.TerminatingCheck) error {
	var names []string
	for _, p := range r.targets(scenarios.Target{All: true}, true) {
		if p.Terminating() {
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	want := slices.Sorted(slices.Values(c.Want))
	r.expectation(st, c.CheckName(), globsMatch(want, names), nameList(want), nameList(names))
	return nil
}

// checkStatus compares the named fields and conditions of the workload's
// status; a revision given as a number is compared with the number of the
// revision the status names.
func checkStatus(r *replay, st scenarios.Step, c scenarios.StatusCheck) error {
	tx := r.eng.View()
	obj := r.w.Get(tx)
	if obj == nil {
		r.expectation(st, "status", false, outcome{text: "a status"}, outcome{text: "no " + r.w.Kind() + " " + r.w.Name()})
		return nil
	}
	s := r.w.Status(obj)
	revisions := map[string]int64{}
	for _, o := range r.w.Revisions(tx, obj) {
		revisions[o.Meta().Name] = r.w.RevisionNumber(o)
	}
	for _, f := range c.Fields {
		got, want, ok := statusField(s, f, revisions)
		r.expectation(st, "status."+f.Name, ok, want, got)
	}
	for _, w := range c.Conditions {
		got := outcome{text: "none"}
		cond, has := s.Conditions[w.Type]
		if has {
			got = outcome{condition(cond.Status, cond.Reason), cond.Status + " (" + cond.Reason + ")"}
		}
		want := outcome{condition(w.Status, w.Reason), w.Status}
		if w.Reason != "" {
			want.text += " (" + w.Reason + ")"
		}
		ok := has && cond.Status == w.Status && (w.Reason == "" || cond.Reason == w.Reason)
		r.expectation(st, "status.conditions."+w.Type, ok, want, got)
	}
	return nil
}

// condition is the value of a condition's outcome: its status and its
// reason (nil: none, or for a wanted condition any).
func condition(status, reason string) map[string]any {
	v := map[string]any{"status": status, "reason": nil}
	if reason != "" {
		v["reason"] = reason
	}
	return v
}

// statusField reads one status field and says whether it has the wanted
// value; a field the status lacks is got as nil.
func statusField(s workload.Status, f scenarios.StatusField, revisions map[string]int64) (got, want outcome, ok bool) {
	number := func(n int64) (outcome, outcome, bool) {
		return integer(n), integer(*f.Number), n == *f.Number
	}
	optional := func(p *int32) (outcome, outcome, bool) {
		if p == nil {
			return outcome{text: "none"}, integer(*f.Number), false
		}
		return number(int64(*p))
	}
	switch f.Name {
	case "observedGeneration":
		return number(s.ObservedGeneration)
	case "replicas":
		return number(int64(s.Replicas))
	case "readyReplicas":
		return number(int64(s.ReadyReplicas))
	case "currentReplicas":
		return optional(s.CurrentReplicas)
	case "updatedReplicas":
		return number(int64(s.UpdatedReplicas))
	case "availableReplicas":
		return number(int64(s.AvailableReplicas))
	case "unavailableReplicas":
		return optional(s.UnavailableReplicas)
	case "terminatingReplicas":
		return optional(s.TerminatingReplicas)
	case "collisionCount":
		return optional(s.CollisionCount)
	}
	name := s.CurrentRevision
	if f.Name == "updateRevision" {
		name = s.UpdateRevision
	}
	if f.Text != nil {
		got = outcome{text: name}
		if name != "" {
			got.value = name
		}
		return got, outcome{*f.Text, *f.Text}, name == *f.Text
	}
	n, found := revisions[name]
	got = outcome{text: "none"}
	if found {
		got = outcome{n, fmt.Sprintf("%d (%s)", n, name)}
	}
	return got, integer(*f.Number), found && n == *f.Number
}

// checkRejected looks at the rejections recorded since the previous expect
// step.
func checkRejected(r *replay, st scenarios.Step, c scenarios.RejectedCheck) error {
	since := r.rec.Run().Rejections[r.rejectionsSeen:]
	messages := []string{}
	for _, rj := range since {
		messages = append(messages, rj.Message)
	}
	got := outcome{len(since) > 0, "none"}
	if len(messages) > 0 {
		got.text = strings.Join(messages, "; ")
	}
	want, ok := outcome{false, "none"}, len(since) == 0
	switch {
	case c.Message != "":
		want, got.value = outcome{c.Message, "a rejection saying " + strconv.Quote(c.Message)}, messages
		ok = slices.ContainsFunc(messages, func(m string) bool { return strings.Contains(m, c.Message) })
	case c.Want:
		want.value, want.text, ok = true, "a rejection", len(since) > 0
	}
	r.expectation(st, c.CheckName(), ok, want, got)
	return nil
}
