package report

import (
	"cmp"
	"math"
	"slices"
)

// identities computes one Identity per slot, sorted by slot, from the pods of
// a sorted run (so the incarnations of a slot are in creation order).
//
// A slot has a stable name when every pod that held it had the same name. It
// has stable storage when the pods that held it and mounted volumes all
// mounted the same non-empty set of claimed volumes (their disks, from what
// the kubelet mounted) and no pod of another slot mounted any of them: a
// claim shared by all pods is storage, but not a per-pod identity. A pod
// that never got as far as mounting its volumes is left out. It has stable
// DNS when the name is stable and every pod had its own record, that is
// hostname = name and a subdomain (<name>.<serviceName> for StatefulSet
// pods; Deployment pods have none).
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
			if m.Claim != "" {
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
		id := Identity{Slot: slot, Names: []string{}, Claims: []string{}}
		id.StableName, id.StableDNS = true, true
		var first []string
		mounted := false
		for _, p := range pods {
			id.Names = append(id.Names, p.Name)
			for _, c := range p.Claims {
				if !slices.Contains(id.Claims, c) {
					id.Claims = append(id.Claims, c)
				}
			}
			if p.Name != pods[0].Name {
				id.StableName = false
			}
			if hostname(p) != p.Name || p.Subdomain == "" {
				id.StableDNS = false
			}
			if len(p.Mounts) == 0 {
				continue
			}
			if !mounted {
				first, mounted = disks[p], true
				id.StableStorage = len(first) > 0
				for _, d := range first {
					if len(slotsOfDisk[d]) > 1 {
						id.StableStorage = false
					}
				}
			}
			if !slices.Equal(disks[p], first) {
				id.StableStorage = false
			}
		}
		id.StableDNS = id.StableDNS && id.StableName
		out = append(out, id)
	}
	return out
}

// hostname is the pod's hostname: spec.hostname, else its name.
func hostname(p *Pod) string {
	if p.Hostname == "" {
		return p.Name
	}
	return p.Hostname
}

// availability sums up readiness over a sorted run.
//
// MinReady is the lowest Ready count from the moment the workload was first
// fully ready (the first sample with Ready >= Desired > 0; with no Desired
// recorded, the first sample reaching the run's highest Ready), or over the
// whole run when it never was. MaxPods is the highest count of existing pods.
// DuplicateIdentitySeconds is the time, summed over pod names, during which
// two pods of that name existed at once.
func availability(run *Run) Availability {
	a := Availability{DuplicateIdentitySeconds: duplicateIdentitySeconds(run), MaxConcurrentWriters: maxConcurrentWriters(run)}
	samples := run.ReadyOverTime
	if len(samples) == 0 {
		return a
	}
	useDesired, maxReady := false, 0
	for _, s := range samples {
		useDesired = useDesired || s.Desired > 0
		maxReady = max(maxReady, s.Ready)
	}
	start := 0
	for i, s := range samples {
		target := maxReady
		if useDesired {
			target = s.Desired
		}
		if target > 0 && s.Ready >= target {
			start = i
			break
		}
	}
	a.MinReady = samples[start].Ready
	for _, s := range samples[start:] {
		a.MinReady = min(a.MinReady, s.Ready)
	}
	for _, s := range samples {
		a.MaxPods = max(a.MaxPods, s.Pods)
	}
	return a
}

// duplicateIdentitySeconds sums, over pod names, the time during which two or
// more pods of that name existed (from created to gone, or to the end of the
// run while they still exist). A pod whose containers outlived its object
// (its node was cut off) exists until they stopped, or to the end.
func duplicateIdentitySeconds(run *Run) float64 {
	var names []string
	byName := map[string][]*Pod{}
	for _, p := range run.Pods {
		if _, ok := byName[p.Name]; !ok {
			names = append(names, p.Name)
		}
		byName[p.Name] = append(byName[p.Name], p)
	}
	type edge struct {
		t     float64
		delta int
	}
	total := 0.0
	for _, name := range names {
		pods := byName[name]
		if len(pods) < 2 {
			continue
		}
		var edges []edge
		for _, p := range pods {
			end := runEnd(run, p)
			if end <= p.Created {
				continue
			}
			edges = append(edges, edge{p.Created, +1}, edge{end, -1})
		}
		// Ends before starts at one instant: a pod gone at t and one
		// created at t never coexisted.
		slices.SortFunc(edges, func(a, b edge) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.delta, b.delta)) })
		n, since := 0, 0.0
		for _, e := range edges {
			if n >= 2 {
				total += e.t - since
			}
			n += e.delta
			since = e.t
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

// maxConcurrentWriters is, over the disks, the most pod incarnations that
// wrote to one disk and ran at the same time. A write is the pod of its
// name that ran on its node at its time.
func maxConcurrentWriters(run *Run) int {
	writers := map[string][]*Pod{}
	var disks []string
	for _, w := range run.Writes {
		for _, p := range run.Pods {
			if p.Name != w.Pod || (w.Node != "" && p.Node != w.Node) || p.Created > w.Time || runEnd(run, p) < w.Time {
				continue
			}
			if _, seen := writers[w.Disk]; !seen {
				disks = append(disks, w.Disk)
			}
			if !slices.Contains(writers[w.Disk], p) {
				writers[w.Disk] = append(writers[w.Disk], p)
			}
			break
		}
	}
	most := 0
	for _, d := range disks {
		for _, p := range writers[d] {
			n := 0
			for _, q := range writers[d] {
				// q ran when p started.
				if q.Created <= p.Created && runEnd(run, q) > p.Created {
					n++
				}
			}
			most = max(most, n)
		}
	}
	return most
}

// roundMillis rounds seconds to milliseconds, so sums of times print cleanly.
func roundMillis(s float64) float64 {
	return math.Round(s*1000) / 1000
}
