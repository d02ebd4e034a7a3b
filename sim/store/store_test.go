package store_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
	"stsim/sim/store"
)

func pod(name, node string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name,
		Labels: map[string]string{"app": "web"}}, Spec: api.PodSpec{NodeName: node}}
}

// TestPutOfStoredObjectPanics checks the store's rule that objects are never
// changed in place (as informer caches require: objects from a lister are
// read-only): putting back the pointer that is stored panics.
func TestPutOfStoredObjectPanics(t *testing.T) {
	s := store.New()
	tx := s.Write()
	tx.Put(pod("a", ""))
	tx.Commit()

	tx = s.Write()
	defer tx.Abort()
	stored := tx.Pod("default/a")
	require.NotNil(t, stored)
	assert.PanicsWithValue(t, "store: Pod default/a put without a copy (objects are never changed in place)", func() { tx.Put(stored) })

	// A clone is fine.
	c := tx.Pod("default/a").DeepCopy()
	assert.NotPanics(t, func() { tx.Put(c) })
}

// TestCommitReturnsChangesInWriteOrder checks the change list a commit hands
// to the controllers (the informer event stream): one change per write, in
// write order, with the old and new objects.
func TestCommitReturnsChangesInWriteOrder(t *testing.T) {
	s := store.New()
	tx := s.Write()
	tx.Put(pod("b", ""))
	tx.Put(&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1", UID: "n1"}})
	tx.Put(pod("a", ""))
	first := tx.Commit()

	type row struct {
		Kind, Key string
		Old, New  bool
	}
	rows := func(cs []store.Change) []row {
		var out []row
		for _, c := range cs {
			out = append(out, row{c.Kind, c.Object().Meta().Key(), c.Old != nil, c.New != nil})
		}
		return out
	}
	want := []row{{"Pod", "default/b", false, true}, {"Node", "/node-1", false, true}, {"Pod", "default/a", false, true}}
	if diff := cmp.Diff(want, rows(first)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}

	tx = s.Write()
	old := tx.Pod("default/a")
	n := old.DeepCopy()
	n.Spec.NodeName = "node-1"
	tx.Put(n)
	tx.Remove(pod("b", ""))
	tx.Remove(pod("missing", "")) // removing nothing records nothing
	second := tx.Commit()
	want = []row{{"Pod", "default/a", true, true}, {"Pod", "default/b", true, false}}
	if diff := cmp.Diff(want, rows(second)); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	assert.Same(t, old, second[0].Old)
	assert.Same(t, n, second[0].New)
	assert.Greater(t, n.ResourceVersion, old.ResourceVersion, "every put stamps the next resourceVersion")

	// The aborted writes of a transaction are dropped.
	tx = s.Write()
	tx.Put(pod("c", ""))
	tx.Abort()
	assert.Nil(t, s.Read().Pod("default/c"))
}

// TestIndexes checks the typed queries the controllers use instead of
// scanning: pods by node, label pair, owner and mounted claim.
func TestIndexes(t *testing.T) {
	s := store.New()
	tx := s.Write()
	p := pod("a", "node-1")
	p.OwnerReferences = []api.OwnerReference{{Kind: "ReplicaSet", Name: "rs", UID: "rs-uid", Controller: true}}
	p.Spec.Volumes = []api.Volume{{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: "data-a"}}}
	tx.Put(p)
	tx.Put(pod("b", "node-2"))
	tx.Commit()

	r := s.Read()
	names := func(ps []*api.Pod) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	assert.Equal(t, []string{"a"}, names(r.PodsOnNode("node-1")))
	assert.Equal(t, []string{"a"}, names(r.PodsOwnedBy("rs-uid")))
	assert.Equal(t, []string{"a"}, names(r.PodsUsingClaim("default/data-a")))
	assert.Empty(t, r.PodsUsingClaim("default/data-b"))
	assert.Equal(t, "a", r.ByUID(api.KindPod, "uid-a").Meta().Name)
}

// TestChangeControllerKeys follows the informer update handlers of the
// workload controllers (updatePod in replica_set.go and stateful_set.go): a
// change wakes the controller before and after it, each once.
func TestChangeControllerKeys(t *testing.T) {
	pod := func(owner string) *api.Pod {
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "p", Namespace: "default"}}
		if owner != "" {
			p.OwnerReferences = []api.OwnerReference{{Kind: api.KindReplicaSet, Name: owner, UID: owner, Controller: true}}
		}
		return p
	}
	assert.Equal(t, []string{"default/a", "default/b"}, store.Change{Kind: api.KindPod, Old: pod("a"), New: pod("b")}.ControllerKeys(api.KindReplicaSet))
	assert.Equal(t, []string{"default/a"}, store.Change{Kind: api.KindPod, Old: pod("a"), New: pod("a")}.ControllerKeys(api.KindReplicaSet))
	assert.Equal(t, []string{"default/a"}, store.Change{Kind: api.KindPod, Old: pod("a")}.ControllerKeys(api.KindReplicaSet), "a removal")
	assert.Empty(t, store.Change{Kind: api.KindPod, New: pod("")}.ControllerKeys(api.KindReplicaSet), "an orphan")
	assert.Empty(t, store.Change{Kind: api.KindPod, New: pod("a")}.ControllerKeys(api.KindStatefulSet), "another kind")
}

// TestByKeyReadsInAWriteTransaction: a write transaction reads its own
// writes by key (through Store.latest, not go-memdb), no read transaction
// opens beside it, and Abort takes the writes back.
func TestByKeyReadsInAWriteTransaction(t *testing.T) {
	s := store.New()
	tx := s.Write()
	tx.Put(&api.Pod{ObjectMeta: api.ObjectMeta{Name: "a", Namespace: "default", UID: "a"}})
	require.NotNil(t, tx.Pod("default/a"), "a write transaction sees its own write")
	require.PanicsWithValue(t, "store: read transaction opened during a write transaction", func() { s.Read() })
	tx.Commit()
	require.NotNil(t, s.Read().Pod("default/a"))

	tx = s.Write()
	b := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "b", Namespace: "default", UID: "b"}}
	tx.Put(b)
	a2 := tx.Pod("default/a").DeepCopy()
	a2.Labels = map[string]string{"v": "2"}
	tx.Put(a2)
	tx.Remove(tx.Pod("default/a"))
	require.Nil(t, tx.Pod("default/a"))
	tx.Abort()
	tx = s.Write()
	defer tx.Abort()
	require.Nil(t, tx.Pod("default/b"), "Abort took the create back")
	got := tx.Pod("default/a")
	require.NotNil(t, got, "Abort took the update and the removal back")
	require.Nil(t, got.Labels)
}

// TestLargeTransactionsFlush checks that a write transaction of more than
// a thousand writes, which commits its go-memdb transaction as it goes,
// reads and commits like any other, by key, by index and by UID, and cannot
// be aborted; a small one still can, and Abort after Commit does nothing.
func TestLargeTransactionsFlush(t *testing.T) {
	s := store.New()
	tx := s.Write()
	for i := range 2500 {
		tx.Put(pod(fmt.Sprintf("p%04d", i), "node-1"))
	}
	assert.Len(t, tx.PodsOnNode("node-1"), 2500)
	assert.Equal(t, "p1234", tx.ByUID(api.KindPod, "uid-p1234").Meta().Name)
	assert.Panics(t, func() { tx.Abort() }, "part of it is committed already")
	tx.Commit()
	assert.NotPanics(t, func() { tx.Abort() })
	r := s.Read()
	assert.Len(t, r.Pods(), 2500)
	assert.Equal(t, "p0042", r.ByUID(api.KindPod, "uid-p0042").Meta().Name)

	small := s.Write()
	small.Remove(pod("p0000", ""))
	small.Abort()
	assert.NotNil(t, s.Read().Pod("default/p0000"), "a small transaction aborts")
	w := s.Write()
	defer w.Abort()
	assert.NotNil(t, w.Pod("default/p0000"), "and its by-key view is undone")
}

// TestIndexesFollowWrites checks the indexes beyond the id: after a status
// write they give the object as it is now, a move to another node moves
// the pod in the node index, and a removal takes it out of every index.
func TestIndexesFollowWrites(t *testing.T) {
	s := store.New()
	tx := s.Write()
	p := pod("a", "node-1")
	p.Spec.Volumes = []api.Volume{{Name: "d", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: "data-a"}}}
	tx.Put(p)
	tx.Commit()

	tx = s.Write()
	status := tx.Pod("default/a").DeepCopy()
	status.Status.Phase = api.PodRunning
	tx.Put(status)
	got := tx.PodsOnNode("node-1")
	require.Len(t, got, 1)
	assert.Same(t, status, got[0], "the index gives the object as it is now")
	moved := status.DeepCopy()
	moved.Spec.NodeName = "node-2"
	tx.Put(moved)
	assert.Empty(t, tx.PodsOnNode("node-1"))
	assert.Len(t, tx.PodsOnNode("node-2"), 1)
	tx.Remove(moved)
	assert.Empty(t, tx.PodsOnNode("node-2"))
	assert.Empty(t, tx.PodsUsingClaim("default/data-a"))
	tx.Commit()
	assert.Empty(t, s.Read().PodsUsingClaim("default/data-a"))
}

// TestReadTransactionIsAViewUntilTheNextWrite: a read transaction shows
// the objects as they are (an update that changes no index puts the new
// object in place), so one used after a write panics rather than show a
// mix of before and after.
func TestReadTransactionIsAViewUntilTheNextWrite(t *testing.T) {
	s := store.New()
	tx := s.Write()
	tx.Put(pod("a", "node-1"))
	tx.Commit()
	r := s.Read()
	require.Len(t, r.PodsOnNode("node-1"), 1)
	tx = s.Write()
	running := tx.Pod("default/a").DeepCopy()
	running.Status.Phase = api.PodRunning
	tx.Put(running)
	tx.Commit()
	assert.PanicsWithValue(t, "store: read transaction used after a write", func() { r.PodsOnNode("node-1") })
	assert.PanicsWithValue(t, "store: read transaction used after a write", func() { r.Pod("default/a") })
	assert.Equal(t, api.PodRunning, s.Read().PodsOnNode("node-1")[0].Status.Phase)
	assert.PanicsWithValue(t, "store: put in a read transaction", func() { s.Read().Put(running.DeepCopy()) })
}

// TestIndexesMatchAModel writes random pods (moved between nodes, owners
// and claims, or given a new status, which changes no index) in small
// transactions, some aborted, and checks every index query against the
// pods as a plain map holds them.
func TestIndexesMatchAModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := store.New()
	model := map[string]*api.Pod{}
	nodes, owners, claims := []string{"", "n1", "n2"}, []string{"", "o1", "o2"}, []string{"", "c1", "c2"}
	pick := func(vs []string) string { return vs[rng.IntN(len(vs))] }
	for round := range 400 {
		tx := s.Write()
		next := maps.Clone(model)
		for range 1 + rng.IntN(4) {
			name := fmt.Sprintf("p%d", rng.IntN(8))
			old := tx.Pod("default/" + name)
			require.Equal(t, next[name], old, "round %d: by key", round)
			switch op := rng.IntN(4); {
			case old != nil && op == 0:
				tx.Remove(old)
				delete(next, name)
			case old != nil && op == 1:
				p := old.DeepCopy()
				p.Status.Phase = pick([]string{api.PodPending, api.PodRunning, api.PodSucceeded})
				tx.Put(p)
				next[name] = p
			default:
				p := pod(name, pick(nodes))
				if o := pick(owners); o != "" {
					p.OwnerReferences = []api.OwnerReference{{Kind: api.KindReplicaSet, Name: o, UID: o, Controller: rng.IntN(2) == 0}}
				}
				if c := pick(claims); c != "" {
					p.Spec.Volumes = []api.Volume{{Name: "d", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: c}}}
				}
				tx.Put(p)
				next[name] = p
			}
		}
		if rng.IntN(4) == 0 {
			tx.Abort()
		} else {
			tx.Commit()
			model = next
		}
		r := s.Read()
		want := func(keep func(*api.Pod) bool) []string {
			var out []string
			for _, name := range slices.Sorted(maps.Keys(model)) {
				if keep(model[name]) {
					out = append(out, name)
				}
			}
			return out
		}
		got := func(ps []*api.Pod) []string {
			var out []string
			for _, p := range ps {
				require.Same(t, model[p.Name], p, "round %d: %s is not the object last written", round, p.Name)
				out = append(out, p.Name)
			}
			return out
		}
		require.Equal(t, want(func(*api.Pod) bool { return true }), got(r.Pods()), "round %d: every pod", round)
		require.Equal(t, want(func(p *api.Pod) bool { return p.ControllerRef() == nil }), got(r.OrphanPods("default")), "round %d: orphans", round)
		for _, n := range nodes[1:] {
			require.Equal(t, want(func(p *api.Pod) bool { return p.Spec.NodeName == n }), got(r.PodsOnNode(n)), "round %d: on %s", round, n)
		}
		for _, o := range owners[1:] {
			require.Equal(t, want(func(p *api.Pod) bool { return len(p.OwnerReferences) > 0 && p.OwnerReferences[0].UID == o }), got(r.PodsOwnedBy(o)), "round %d: owned by %s", round, o)
		}
		for _, c := range claims[1:] {
			require.Equal(t, want(func(p *api.Pod) bool { return slices.Contains(p.ClaimNames(), c) }), got(r.PodsUsingClaim("default/"+c)), "round %d: using %s", round, c)
		}
	}
}
