package replay

import (
	"stsim/scenarios"
	"stsim/sim/api"
)

// targets lists the workload's pods a target names, by creation order (a
// {dns: NAME} target names none: reach resolves it).
// Terminating pods count only when terminating is set. A {random: N}
// target draws from the run's seeded source.
func (r *replay) targets(t scenarios.Target, terminating bool) []*api.Pod {
	tx := r.eng.View()
	var out []*api.Pod
	for _, row := range r.slots.Live() {
		p := tx.Pod(r.w.Namespace() + "/" + row.Name)
		if p == nil || p.UID != row.UID || ((p.Terminating() || p.IsTerminal()) && !terminating) {
			continue
		}
		switch {
		case t.All, t.Random != nil,
			t.Pod != "" && p.Name == t.Pod,
			t.Ordinal != nil && row.Slot == *t.Ordinal,
			t.Node != "" && p.Spec.NodeName == t.Node,
			t.Role != "" && r.sc.Role(t.Role).Holds(row.Slot, r.sc.Roles):
			out = append(out, p)
		}
	}
	if t.Random != nil {
		// A seeded choice of N pods: a partial Fisher-Yates shuffle.
		n := min(*t.Random, len(out))
		for i := 0; i < n; i++ {
			j := i + r.eng.Rand().IntN(len(out)-i)
			out[i], out[j] = out[j], out[i]
		}
		out = out[:n]
	}
	return out
}

// readyCount is the number of Ready, non-terminating workload pods.
func (r *replay) readyCount() int {
	n := 0
	for _, p := range r.targets(scenarios.Target{All: true}, false) {
		if p.Status.Ready {
			n++
		}
	}
	return n
}
