package report

import (
	"cmp"
	"math"
	"slices"
)

// identities computes one Identity per slot, sorted by slot, from the pods of
// a sorted run (so the incarnations of a slot are in creation order).
//
// A slot replaced at least once has a stable name when every pod that held
// it had the same name. It has stable storage when the pods that held it
// and mounted volumes all mounted the same non-empty set of claimed volumes
// (their disks, from what the kubelet mounted) and no pod of another slot
// mounted any of them: a claim shared by all pods is storage, but not a
// per-pod identity. A pod that never got as far as mounting its volumes is
// left out; a slot none of whose pods mounted a claimed volume has no
// storage to keep (null). It has stable DNS when the name is stable and
// every pod had its own record: cluster DNS answered hostname.subdomain
// with its address (Pod.Record), which needs hostname = name and a
// Service of the subdomain's name (<name>.<serviceName> for StatefulSet
// pods; Deployment pods have no subdomain).
func identities(run *Run) []Identity {
	var slots []int
	bySlot := map[int][]*Pod{}
	for _, p := range run.Pods {
		if _, ok := bySlot[p.Slot]; !ok {
			slots = append(slots, p.Slot)
		}
		bySlot[p.Slot] = append(bySlot[p.Slot], p)
	}
	slices.Sort(slots)

	disks := map[*Pod][]string{}
	slotsOfDisk := map[string][]int{}
	for _, p := range run.Pods {
		var ds []string
		for _, m := range p.Mounts {
			if m.Claim != nil {
				ds = append(ds, m.Disk)
			}
		}
		slices.Sort(ds)
		ds = slices.Compact(ds)
		disks[p] = ds
		for _, d := range ds {
			if !slices.Contains(slotsOfDisk[d], p.Slot) {
				slotsOfDisk[d] = append(slotsOfDisk[d], p.Slot)
			}
		}
	}

	out := make([]Identity, 0, len(slots))
	for _, slot := range slots {
		pods := bySlot[slot]
		id := Identity{Slot: slot, Names: []string{}, Claims: []string{}, StableDNS: true}
		stableName := true
		var first []string
		mounted := false
		for _, p := range pods {
			id.Names = append(id.Names, p.Name)
			for _, c := range p.Claims {
				if !slices.Contains(id.Claims, c) {
					id.Claims = append(id.Claims, c)
				}
			}
			stableName = stableName && p.Name == pods[0].Name
			id.StableDNS = id.StableDNS && p.Record && hostname(p) == p.Name
			if len(disks[p]) == 0 {
				continue
			}
			if !mounted {
				first, mounted = disks[p], true
				stable := true
				for _, d := range first {
					stable = stable && len(slotsOfDisk[d]) == 1
				}
				id.StableStorage = &stable
			}
			if !slices.Equal(disks[p], first) {
				id.StableStorage = ptr(false)
			}
		}
		if len(pods) > 1 {
			id.StableName = &stableName
		}
		id.StableDNS = id.StableDNS && stableName
		id.Downtime, id.Recovery = downtime(run, pods)
		out = append(out, id)
	}
	return out
}

// downtime is how long a slot had no Ready pod, from its first Ready pod
// until the end of the run, or until its last pod was deleted (the slot was
// scaled away or the workload deleted), and the longest such stretch; both
// nil for a slot never Ready, the longest nil for one never down.
func downtime(run *Run, pods []*Pod) (total, longest *float64) {
	var spans [][2]float64
	for _, p := range pods {
		for _, s := range p.ReadySpans {
			to := run.EndTime
			if s.To != nil {
				to = *s.To
			}
			spans = append(spans, [2]float64{s.From, to})
		}
	}
	if len(spans) == 0 {
		return nil, nil
	}
	slices.SortFunc(spans, func(a, b [2]float64) int { return cmp.Compare(a[0], b[0]) })
	end := run.EndTime
	if last := pods[len(pods)-1]; last.Deleted != nil {
		end = *last.Deleted
	}
	down, worst := 0.0, 0.0
	covered := spans[0][0]
	for _, s := range spans {
		if s[0] > covered && s[0] <= end {
			gap := s[0] - covered
			down += gap
			worst = max(worst, gap)
		}
		covered = max(covered, s[1])
	}
	if end > covered {
		down += end - covered
		worst = max(worst, end-covered)
	}
	total = ptr(roundMillis(down))
	if worst > 0 {
		longest = ptr(roundMillis(worst))
	}
	return total, longest
}

// hostname is the pod's hostname: spec.hostname, else its name.
func hostname(p *Pod) string {
	if p.Hostname == "" {
		return p.Name
	}
	return p.Hostname
}

// availability sums up readiness over a sorted run and the history's
// FullyReady: the fewest Ready pods from then on and how long, the time
// below the desired count, the most Ready and existing pods, pods of one
// name at once, writers of one disk at once, and each later change of the
// desired count with how long the workload took to match it.
func availability(run *Run, fullyReady *float64) Availability {
	a := Availability{FullyReady: fullyReady, DuplicateIdentitySeconds: duplicateIdentitySeconds(run), Scalings: scalings(run.ReadyOverTime)}
	a.MaxConcurrentWriters, a.ConcurrentWriterSeconds = concurrentWriters(run)
	samples := run.ReadyOverTime
	for _, s := range samples {
		a.MaxPods = max(a.MaxPods, s.Pods)
		a.MaxReady = max(a.MaxReady, s.Ready)
	}
	if fullyReady == nil {
		return a
	}
	// The samples from the one in force at FullyReady on, each lasting
	// until the next (the last until the end of the run).
	start := 0
	for i, s := range samples {
		if s.Time <= *fullyReady {
			start = i
		}
	}
	from := samples[start:]
	low := from[0].Ready
	for _, s := range from {
		low = min(low, s.Ready)
	}
	atLow, below := 0.0, 0.0
	for i, s := range from {
		begin, end := max(s.Time, *fullyReady), run.EndTime
		if i+1 < len(from) {
			end = from[i+1].Time
		}
		if s.Ready == low {
			atLow += end - begin
		}
		if s.Ready < s.Desired {
			below += end - begin
		}
	}
	a.MinReady, a.MinReadySeconds, a.BelowDesiredSeconds = &low, ptr(roundMillis(atLow)), ptr(roundMillis(below))
	return a
}

// scalings lists each change of the desired count after the first sample
// and how long until that many pods existed, all Ready.
func scalings(samples []ReadySample) []Scaling {
	out := []Scaling{}
	for i := 1; i < len(samples); i++ {
		prev, s := samples[i-1], samples[i]
		if s.Desired == prev.Desired {
			continue
		}
		sc := Scaling{Time: s.Time, From: prev.Desired, To: s.Desired}
		for _, t := range samples[i:] {
			if t.Desired != s.Desired {
				break
			}
			if t.Ready == s.Desired && t.Pods == s.Desired {
				sc.Took = ptr(roundMillis(t.Time - s.Time))
				break
			}
		}
		out = append(out, sc)
	}
	return out
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// duplicateIdentitySeconds sums, over pod names, the time during which two or
// more pods of that name ran (runSpans).
func duplicateIdentitySeconds(run *Run) float64 {
	var names []string
	byName := map[string][]*Pod{}
	for _, p := range run.Pods {
		if _, ok := byName[p.Name]; !ok {
			names = append(names, p.Name)
		}
		byName[p.Name] = append(byName[p.Name], p)
	}
	total := 0.0
	for _, name := range names {
		if pods := byName[name]; len(pods) > 1 {
			_, twoOrMore := overlap(run, pods)
			total += twoOrMore
		}
	}
	return roundMillis(total)
}

// runEnd is when a pod's containers stopped running: when its object went,
// or, for a pod that outlived its object on a node cut off, when they
// stopped; the end of the run while they still run.
func runEnd(run *Run, p *Pod) float64 {
	switch {
	case p.Outlived && p.Stopped != nil:
		return *p.Stopped
	case p.Outlived:
	case p.Gone != nil:
		return *p.Gone
	}
	return run.EndTime
}

// runSpans are the times a pod's containers ran: from its creation to
// runEnd, less the times a node crash had stopped them (Halted).
func runSpans(run *Run, p *Pod) [][2]float64 {
	var out [][2]float64
	from, end := p.Created, runEnd(run, p)
	for _, h := range p.Halted {
		if h.From > from {
			out = append(out, [2]float64{from, min(h.From, end)})
		}
		if h.To == nil {
			return out
		}
		from = *h.To
	}
	if end > from {
		out = append(out, [2]float64{from, end})
	}
	return out
}

// overlap is the most of the pods that ran at once, and how long two or
// more of them did.
func overlap(run *Run, pods []*Pod) (most int, twoOrMore float64) {
	type edge struct {
		t     float64
		delta int
	}
	var edges []edge
	for _, p := range pods {
		for _, s := range runSpans(run, p) {
			edges = append(edges, edge{s[0], +1}, edge{s[1], -1})
		}
	}
	// Ends before starts at one instant: a pod gone at t and one created
	// at t never ran together.
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.delta, b.delta)) })
	n, since := 0, 0.0
	for _, e := range edges {
		if n >= 2 {
			twoOrMore += e.t - since
		}
		n += e.delta
		most = max(most, n)
		since = e.t
	}
	return most, twoOrMore
}

// concurrentWriters is, over the disks, the most pod incarnations that
// wrote to one disk and ran at the same time, and the longest time two or
// more of them did. A write is the pod of its name that ran on its node
// at its time.
func concurrentWriters(run *Run) (most int, seconds float64) {
	writers := map[string][]*Pod{}
	var disks []string
	for _, w := range run.Writes {
		p := podAt(run, w.Pod, w.Node, w.Time)
		if p == nil {
			continue
		}
		if _, seen := writers[w.Disk]; !seen {
			disks = append(disks, w.Disk)
		}
		if !slices.Contains(writers[w.Disk], p) {
			writers[w.Disk] = append(writers[w.Disk], p)
		}
	}
	for _, d := range disks {
		m, s := overlap(run, writers[d])
		most, seconds = max(most, m), max(seconds, s)
	}
	return most, roundMillis(seconds)
}

// roundMillis rounds seconds to milliseconds, so sums of times print cleanly.
func roundMillis(s float64) float64 {
	return math.Round(s*1000) / 1000
}
