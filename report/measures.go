package report

import (
	"cmp"
	"slices"
)

// Measures are the orderings and data outcomes of a run.
type Measures struct {
	// Created is the order pods were created in, and Deleted the order
	// their deletion was asked for: one batch per instant.
	Created []Batch `json:"created"`
	Deleted []Batch `json:"deleted"`
	// WritesLost counts the writes whose value did not survive: a pod of
	// another slot wrote the same key to the same disk after it, or a later
	// read of the key by a pod of the writer's slot did not return it.
	WritesLost int `json:"writesLost"`
	// ReadsOfOtherSlots counts the reads that returned what a pod of
	// another slot wrote.
	ReadsOfOtherSlots int `json:"readsOfOtherSlots"`
}

// Batch is the pods something happened to at one instant.
type Batch struct {
	Time float64  `json:"time"`
	Pods []string `json:"pods"`
}

// measures computes the run's orderings and data outcomes from a sorted run.
func measures(run *Run) Measures {
	m := Measures{Created: []Batch{}, Deleted: []Batch{}}
	for _, p := range run.Pods {
		m.Created = addToBatch(m.Created, p.Created, p.Name)
	}
	deleted := slices.Clone(run.Pods)
	deleted = slices.DeleteFunc(deleted, func(p *Pod) bool { return p.Deleted == nil })
	slices.SortStableFunc(deleted, func(a, b *Pod) int { return cmp.Compare(*a.Deleted, *b.Deleted) })
	for _, p := range deleted {
		m.Deleted = addToBatch(m.Deleted, *p.Deleted, p.Name)
	}
	m.WritesLost = writesLost(run)
	for _, rd := range run.Reads {
		if _, _, other := otherSlotRead(run, rd); other {
			m.ReadsOfOtherSlots++
		}
	}
	return m
}

// otherSlotRead says whether a read returned what a pod of another slot
// wrote, and names the reading and the writing pod incarnations.
func otherSlotRead(run *Run, rd Read) (reader, writer *Pod, other bool) {
	if !rd.Found {
		return nil, nil, false
	}
	reader, writer = podAt(run, rd.Pod, nil, rd.Time), writerOf(run, rd)
	return reader, writer, reader != nil && writer != nil && writer.Slot != reader.Slot
}

// addToBatch adds a pod to the last batch when it is of the same instant,
// else starts a batch.
func addToBatch(batches []Batch, t float64, pod string) []Batch {
	if n := len(batches); n > 0 && batches[n-1].Time == t {
		batches[n-1].Pods = append(batches[n-1].Pods, pod)
		return batches
	}
	return append(batches, Batch{Time: t, Pods: []string{pod}})
}

// writesLost counts the writes overwritten by another slot's pod on the same
// disk and key, or not returned by a later read of their slot.
func writesLost(run *Run) int {
	lost := 0
	for i, w := range run.Writes {
		writer := podAt(run, w.Pod, w.Node, w.Time)
		if writer == nil {
			continue
		}
		gone := false
		for _, later := range run.Writes[i+1:] {
			if later.Disk != w.Disk || later.Key != w.Key || later.Time < w.Time {
				continue
			}
			if p := podAt(run, later.Pod, later.Node, later.Time); p != nil && p.Slot != writer.Slot {
				gone = true
				break
			}
		}
		for _, rd := range run.Reads {
			if gone || rd.Time < w.Time || rd.Key != w.Key {
				continue
			}
			reader := podAt(run, rd.Pod, nil, rd.Time)
			if reader == nil || reader.Slot != writer.Slot || rewritten(run, writer.Slot, w, rd.Time) {
				continue
			}
			gone = !rd.Found || deref(rd.Value) != w.Value || deref(rd.WrittenBy) != w.Pod
		}
		if gone {
			lost++
		}
	}
	return lost
}

// rewritten says a pod of the slot wrote the key again after w and by t.
func rewritten(run *Run, slot int, w Write, t float64) bool {
	for _, later := range run.Writes {
		if later.Key == w.Key && later.Time >= w.Time && later.Time <= t && later != w {
			if p := podAt(run, later.Pod, later.Node, later.Time); p != nil && p.Slot == slot {
				return true
			}
		}
	}
	return false
}

// writerOf is the pod incarnation that wrote what a read returned: the
// latest write of that pod name, key and disk at or before the read.
func writerOf(run *Run, rd Read) *Pod {
	if rd.WrittenBy == nil {
		return nil
	}
	var found *Pod
	for _, w := range run.Writes {
		if w.Pod == *rd.WrittenBy && w.Key == rd.Key && w.Disk == rd.Disk && w.Time <= rd.Time {
			found = podAt(run, w.Pod, w.Node, w.Time)
		}
	}
	return found
}

// podAt is the pod incarnation of that name (and node, if given) that
// existed at t.
func podAt(run *Run, name string, node *string, t float64) *Pod {
	for _, p := range run.Pods {
		if p.Name == name && (node == nil || deref(p.Node) == *node) && p.Created <= t && runEnd(run, p) >= t {
			return p
		}
	}
	return nil
}
