package report

import (
	"fmt"
	"slices"
)

// The Markdown gantt chart and the HTML timeline draw the same thing: each
// pod incarnation as a bar in its slot, from its creation until it was gone
// or the run ended. This file holds what they share.

// podEnd is when the pod left the store, or the end of the run while it
// still existed.
func podEnd(run *Run, p *Pod) float64 {
	if p.Gone != nil {
		return *p.Gone
	}
	return max(run.EndTime, p.Created)
}

// timelineSlots lists the slots of the runs' pods in ascending order;
// unless opt.Full, only the first MaxRows of them, and omitted counts the
// others.
func timelineSlots(runs []*Run, opt Options) (slots []int, omitted int) {
	for _, run := range runs {
		for _, p := range run.Pods {
			slots = append(slots, p.Slot)
		}
	}
	slices.Sort(slots)
	slots = slices.Compact(slots)
	if n := len(slots); !opt.Full && n > MaxRows {
		return slots[:MaxRows], n - MaxRows
	}
	return slots, 0
}

// omittedSlots says how many slots a timeline left out, or "".
func omittedSlots(omitted int) string {
	if omitted == 0 {
		return ""
	}
	return fmt.Sprintf("only the first %d slots are drawn; --full draws the other %d", MaxRows, omitted)
}

// podIndex finds a run's pods by slot and by name.
type podIndex struct {
	run    *Run
	bySlot map[int][]*Pod
	byName map[string][]*Pod
}

// indexPods indexes the run's pods, each list in the run's order.
func indexPods(run *Run) *podIndex {
	ix := &podIndex{run: run, bySlot: map[int][]*Pod{}, byName: map[string][]*Pod{}}
	for _, p := range run.Pods {
		ix.bySlot[p.Slot] = append(ix.bySlot[p.Slot], p)
		ix.byName[p.Name] = append(ix.byName[p.Name], p)
	}
	return ix
}

// at is the incarnation of the named pod that existed at t (the latest
// one, when one ended as the next began), or nil.
func (ix *podIndex) at(name string, t float64) *Pod {
	var found *Pod
	for _, p := range ix.byName[name] {
		if p.Created <= t && t <= podEnd(ix.run, p) {
			found = p
		}
	}
	return found
}

// lostData says why a read lost data ("" if it did not): the key was not
// found, or the value read was written by a pod of another slot.
func (ix *podIndex) lostData(rd Read) string {
	if !rd.Found {
		return fmt.Sprintf("%s read %s: not found", rd.Pod, rd.Key)
	}
	if reader, writer, other := otherSlotRead(ix.run, rd); other {
		return fmt.Sprintf("%s (slot %d) read %s written by %s (slot %d)", rd.Pod, reader.Slot, rd.Key, writer.Name, writer.Slot)
	}
	return ""
}
