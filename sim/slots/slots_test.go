package slots_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
	"stsim/sim/slots"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// TestLowestFreeSlot follows the slots of docs/scenarios.md: under
// Deployment rules a new pod takes the lowest slot no live pod holds, and a
// pod being deleted no longer holds one, so a replacement takes the slot of
// the pod it replaces and names it as the one it replaced.
func TestLowestFreeSlot(t *testing.T) {
	s := store.New()
	tx := s.Write()
	defer tx.Abort()
	rs := &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web-abc", Namespace: "default", UID: "rs-uid",
		OwnerReferences: []api.OwnerReference{{Kind: api.KindDeployment, Name: "web", UID: "d-uid", Controller: true}}}}
	tx.Put(rs)
	tr := slots.New(workload.New(workload.Deployment, "default", "web"))
	pods := map[string]*api.Pod{}
	observe := func(old, new *api.Pod) {
		c := store.Change{Kind: api.KindPod}
		if old != nil {
			c.Old = old
		}
		if new != nil {
			c.New = new
		}
		tr.Observe(tx, time.Second, []store.Change{c})
	}
	create := func(name string) int {
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name,
			OwnerReferences: []api.OwnerReference{{Kind: api.KindReplicaSet, Name: rs.Name, UID: rs.UID, Controller: true}}}}
		pods[name] = p
		observe(nil, p)
		row, ok := tr.Pod(p.UID)
		if !ok {
			t.Fatalf("%s is not tracked", name)
		}
		return row.Slot
	}
	terminate := func(name string) {
		n := pods[name].DeepCopy()
		now := time.Second
		n.DeletionTimestamp = &now
		observe(pods[name], n)
		pods[name] = n
	}
	gone := func(name string) { observe(pods[name], nil) }

	assert.Equal(t, []int{0, 1, 2}, []int{create("a"), create("b"), create("c")})
	terminate("b")
	assert.Equal(t, 1, create("d"), "the replacement takes the slot of the pod being deleted")
	row, _ := tr.Pod("uid-d")
	assert.Equal(t, "b", row.Replaced)
	terminate("a")
	terminate("c")
	assert.Equal(t, 0, create("e"))
	assert.Equal(t, 2, create("f"))
	assert.Equal(t, 3, create("g"))
	gone("b")
	var live []string
	for _, p := range tr.Live() {
		live = append(live, p.Name)
	}
	assert.Equal(t, "[a c d e f g]", fmt.Sprint(live), "pods that exist, terminating or not, in creation order")

	other := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "x", Namespace: "default", UID: "uid-x"}}
	observe(nil, other)
	_, ok := tr.Pod("uid-x")
	assert.False(t, ok, "a pod the workload does not own takes no slot")
}

// TestReleasedPodLeavesAndAdoptedPodReturns: a pod whose controller
// reference is removed (released by the controller, or orphaned by
// `kubectl delete --cascade=orphan`) is no longer the workload's pod; when a
// workload of that name adopts it again it is back in its slot. Under
// Deployment rules the same happens when its ReplicaSet is orphaned and
// adopted.
func TestReleasedPodLeavesAndAdoptedPodReturns(t *testing.T) {
	live := func(tr *slots.Tracker) string {
		var names []string
		for _, p := range tr.Live() {
			names = append(names, fmt.Sprintf("%s@%d", p.Name, p.Slot))
		}
		return fmt.Sprint(names)
	}
	setRef := []api.OwnerReference{{Kind: api.KindStatefulSet, Name: "web", UID: "s-uid", Controller: true}}
	t.Run("StatefulSet", func(t *testing.T) {
		s := store.New()
		tx := s.Write()
		defer tx.Abort()
		tr := slots.New(workload.New(workload.StatefulSet, "default", "web"))
		var pods []*api.Pod
		for i := range 2 {
			p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("web-%d", i), Namespace: "default", UID: fmt.Sprint("uid-", i), OwnerReferences: setRef}}
			pods = append(pods, p)
			tr.Observe(tx, 0, []store.Change{{Kind: api.KindPod, New: p}})
		}
		orphan := pods[1].DeepCopy()
		orphan.OwnerReferences = nil
		tr.Observe(tx, time.Second, []store.Change{{Kind: api.KindPod, Old: pods[1], New: orphan}})
		assert.Equal(t, "[web-0@0]", live(tr))
		adopted := orphan.DeepCopy()
		adopted.OwnerReferences = []api.OwnerReference{{Kind: api.KindStatefulSet, Name: "web", UID: "s-uid-2", Controller: true}}
		tr.Observe(tx, 2*time.Second, []store.Change{{Kind: api.KindPod, Old: orphan, New: adopted}})
		assert.Equal(t, "[web-0@0 web-1@1]", live(tr))
	})
	t.Run("Deployment", func(t *testing.T) {
		s := store.New()
		tx := s.Write()
		defer tx.Abort()
		rs := &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web-abc", Namespace: "default", UID: "rs-uid",
			OwnerReferences: []api.OwnerReference{{Kind: api.KindDeployment, Name: "web", UID: "d-uid", Controller: true}}}}
		tx.Put(rs)
		tr := slots.New(workload.New(workload.Deployment, "default", "web"))
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web-abc-x", Namespace: "default", UID: "uid-x",
			OwnerReferences: []api.OwnerReference{{Kind: api.KindReplicaSet, Name: rs.Name, UID: rs.UID, Controller: true}}}}
		tx.Put(p)
		tr.Observe(tx, 0, []store.Change{{Kind: api.KindPod, New: p}})
		assert.Equal(t, "[web-abc-x@0]", live(tr))

		orphaned := rs.DeepCopy()
		orphaned.OwnerReferences = nil
		tx.Put(orphaned)
		tr.Observe(tx, time.Second, []store.Change{{Kind: api.KindReplicaSet, Old: rs, New: orphaned}})
		assert.Equal(t, "[]", live(tr), "the orphaned ReplicaSet's pods are no longer the Deployment's")

		tx.Put(rs)
		tr.Observe(tx, 2*time.Second, []store.Change{{Kind: api.KindReplicaSet, Old: orphaned, New: rs}})
		assert.Equal(t, "[web-abc-x@0]", live(tr))
	})
}
