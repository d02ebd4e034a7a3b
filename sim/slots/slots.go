// Package slots tracks the slot each of the workload's pods holds, so that
// a pod can be compared with the one it replaced under either rule set. A
// StatefulSet pod's slot is its ordinal. Under Deployment rules a new pod
// takes the lowest slot that no live pod holds (a pod that is being deleted
// no longer holds one), so a replacement takes the slot of the pod it
// replaces. Scenario targets ({ordinal: N}) and the history recorder both
// read slots from one Tracker, which observes the store's changes.
package slots

import (
	"container/heap"
	"slices"
	"time"

	"stsim/sim/api"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// Pod is one workload pod incarnation (one UID) and its slot.
type Pod struct {
	UID  string
	Name string
	Slot int
	// Replaced names the pod that held the slot before this one, if any.
	Replaced string
	// Created is when the pod was created.
	Created time.Duration
	// live is false while the pod is not the workload's (released or
	// orphaned) or after it is gone.
	live bool
}

// Tracker assigns and frees slots as workload pods come and go. Register
// its Observe before any observer that reads it.
type Tracker struct {
	w     workload.Workload
	byUID map[string]*Pod
	// live lists the pods that exist, in creation order, and stale
	// counts the rows in it of pods that left since (Live drops them:
	// taking each out as it leaves cost the square of the pods).
	live  []*Pod
	stale int
	// holder maps a slot to the UID of the live, non-terminating pod in it;
	// last to the name of the last pod that held it.
	holder map[int]string
	last   map[int]string
	// free holds released slots below next, the lowest slot never
	// handed out by allocation (stale entries are skipped when popped).
	free slotHeap
	next int
}

// New returns a tracker of w's pods.
func New(w workload.Workload) *Tracker {
	return &Tracker{w: w, byUID: map[string]*Pod{}, holder: map[int]string{}, last: map[int]string{}}
}

// Pod returns the workload pod with a UID, and whether there is one.
func (t *Tracker) Pod(uid string) (*Pod, bool) {
	p, ok := t.byUID[uid]
	return p, ok
}

// Live lists the workload's pods that exist (terminating ones included), in
// creation order. The slice is the tracker's: do not change it.
func (t *Tracker) Live() []*Pod {
	if t.stale > 0 {
		t.live = slices.DeleteFunc(t.live, func(row *Pod) bool { return !row.live })
		t.stale = 0
	}
	return t.live
}

// Observe follows pod changes: a new workload pod takes its slot, a pod
// being deleted or gone frees it. A pod that stops being the workload's
// (released, or orphaned with its owner) leaves the live pods until it is
// adopted again. Under Deployment rules ownership goes through a
// ReplicaSet, so a ReplicaSet whose controller changes moves its pods.
func (t *Tracker) Observe(tx *store.Txn, now time.Duration, changes []store.Change) {
	for _, c := range changes {
		switch c.Kind {
		case api.KindPod:
			t.follow(tx, now, c.Object().(*api.Pod), c.New == nil)
		case api.KindReplicaSet:
			if c.Old == nil || c.New == nil || controllerUID(c.Old) == controllerUID(c.New) {
				continue
			}
			for _, p := range tx.PodsOwnedBy(c.New.Meta().UID) {
				t.follow(tx, now, p, false)
			}
		}
	}
}

// controllerUID is the UID of obj's controller, or "".
func controllerUID(obj api.Object) string {
	if ref := obj.Meta().ControllerRef(); ref != nil {
		return ref.UID
	}
	return ""
}

// follow updates the tracker for one pod's new state.
func (t *Tracker) follow(tx *store.Txn, now time.Duration, p *api.Pod, gone bool) {
	row := t.byUID[p.UID]
	owned := !gone && t.w.OwnsPod(tx, p)
	if row == nil {
		if !owned {
			return
		}
		row = t.add(p, now)
	}
	switch {
	case gone:
		t.leave(row)
	case p.Terminating() || p.IsTerminal():
		// Being deleted, or Failed/Succeeded (evicted): its controller
		// counts it no more, and a replacement takes its slot.
		t.release(row)
	case !owned:
		// Released, orphaned, or its ReplicaSet is gone.
		t.leave(row)
	case !row.live:
		t.rejoin(row)
	}
}

// leave frees the pod's slot and removes it from the live pods.
func (t *Tracker) leave(row *Pod) {
	t.release(row)
	row.live = false
	t.stale++
}

// rejoin puts an adopted pod back among the live pods, in its old slot if
// no other pod took it.
func (t *Tracker) rejoin(row *Pod) {
	if t.holder[row.Slot] != "" {
		row.Slot = t.lowestFree()
	}
	t.holder[row.Slot] = row.UID
	t.Live() // its old place goes
	t.live = append(t.live, row)
	row.live = true
}

func (t *Tracker) add(p *api.Pod, now time.Duration) *Pod {
	slot, fixed := t.w.Slot(p)
	if !fixed {
		slot = t.lowestFree()
	}
	row := &Pod{UID: p.UID, Name: p.Name, Slot: slot, Replaced: t.last[slot], Created: now, live: true}
	t.byUID[p.UID] = row
	t.live = append(t.live, row)
	t.holder[slot] = p.UID
	t.last[slot] = p.Name
	return row
}

// lowestFree is the lowest slot no live pod holds.
func (t *Tracker) lowestFree() int {
	for t.free.Len() > 0 {
		if s := heap.Pop(&t.free).(int); t.holder[s] == "" {
			return s
		}
	}
	for t.holder[t.next] != "" {
		t.next++
	}
	t.next++
	return t.next - 1
}

// release frees the pod's slot if it still holds it.
func (t *Tracker) release(row *Pod) {
	if t.holder[row.Slot] != row.UID {
		return
	}
	delete(t.holder, row.Slot)
	if row.Slot < t.next {
		heap.Push(&t.free, row.Slot)
	}
}

// slotHeap is a min-heap of slots.
type slotHeap []int

func (h slotHeap) Len() int           { return len(h) }
func (h slotHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h slotHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *slotHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *slotHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
