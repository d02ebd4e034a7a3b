package refmanager_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
	"stsim/sim/controllers/refmanager"
	"stsim/sim/store"
)

func replicaSet(name, uid string, selector map[string]string) *api.ReplicaSet {
	return &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: uid},
		Spec: api.ReplicaSetSpec{Selector: &api.LabelSelector{MatchLabels: selector}}}
}

// ownedPod is a pod in default with labels, controlled by owner (an orphan
// when owner is nil).
func ownedPod(name string, labels map[string]string, owner api.Object) *api.Pod {
	p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name, Labels: labels}}
	if owner != nil {
		p.OwnerReferences = []api.OwnerReference{api.NewControllerRef(owner, "apps/v1")}
	}
	return p
}

func added(p *api.Pod) store.Change   { return store.Change{Kind: api.KindPod, New: p} }
func removed(p *api.Pod) store.Change { return store.Change{Kind: api.KindPod, Old: p} }
func updated(old, n *api.Pod) store.Change {
	return store.Change{Kind: api.KindPod, Old: old, New: n}
}

// index is the index the tests use: its summary of a pod is the pod's
// name and label v, so that a summary left over from an older object of
// the pod shows.
type index = refmanager.PodIndex[string]

func summary(p *api.Pod) string { return p.Name + "/" + p.Labels["v"] }

func newIndex() *index { return refmanager.NewPodIndex(api.KindReplicaSet, summary) }

// owned lists the pods an index holds for uid, in its order, checking
// that each comes with its own summary.
func owned(ix *index, uid string) []*api.Pod {
	var out []*api.Pod
	for p, sum := range ix.Summaries(uid) {
		if *sum != summary(p) {
			panic("summary " + *sum + " of pod " + summary(p))
		}
		out = append(out, p)
	}
	return out
}

func names(pods []*api.Pod) []string {
	out := []string{}
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

// orphans opens a write transaction holding pods (the orphans ClaimPods
// may adopt are read from it); the test aborts it at the end.
func orphans(t *testing.T, pods ...*api.Pod) *store.Txn {
	t.Helper()
	tx := store.New().Write()
	for _, p := range pods {
		tx.Put(p)
	}
	t.Cleanup(tx.Abort)
	return tx
}

// updates records the pods ClaimPods hands to update, by name.
type updates map[string]*api.Pod

func (u updates) record(p *api.Pod) error {
	u[p.Name] = p
	return nil
}

func hasRefTo(p *api.Pod, uid string) bool {
	for _, r := range p.OwnerReferences {
		if r.UID == uid {
			return true
		}
	}
	return false
}

// TestPodIndexKeepsPodsByController pins Observe and Owned (the informer
// index by controller UID upstream controllers list their pods from): pods
// are kept per controller of the index's kind, an update replaces the pod in
// place, a removal moves the last pod into the gap, a change of controller
// moves the pod, other kinds' and non-controller references are ignored, and
// an owner left with no pods has none.
func TestPodIndexKeepsPodsByController(t *testing.T) {
	rs1 := replicaSet("rs1", "u1", nil)
	rs2 := replicaSet("rs2", "u2", nil)
	ix := newIndex()
	assert.Nil(t, owned(ix, "u1"), "an empty index")

	a := ownedPod("a", nil, rs1)
	b := ownedPod("b", nil, rs1)
	c := ownedPod("c", nil, rs1)
	for _, p := range []*api.Pod{a, b, c} {
		ix.Observe(added(p))
	}
	require.Equal(t, []*api.Pod{a, b, c}, owned(ix, "u1"))
	assert.Equal(t, owned(ix, "u1"), owned(ix, "u1"), "a repeatable order")
	assert.Nil(t, owned(ix, "u2"))

	// An update replaces the object where it was.
	b2 := b.DeepCopy()
	b2.Labels = map[string]string{"v": "2"}
	ix.Observe(updated(b, b2))
	got := owned(ix, "u1")
	require.Len(t, got, 3)
	assert.Same(t, a, got[0])
	assert.Same(t, b2, got[1], "the new object, in the old one's place")
	assert.Same(t, c, got[2])

	// Adding a pod already held (a repeated add) replaces it too.
	c2 := c.DeepCopy()
	ix.Observe(added(c2))
	got = owned(ix, "u1")
	require.Len(t, got, 3)
	assert.Same(t, c2, got[2])

	// A removal: the last pod takes the removed one's place.
	ix.Observe(removed(a))
	got = owned(ix, "u1")
	require.Len(t, got, 2)
	assert.Same(t, c2, got[0], "the last pod moved into the gap")
	assert.Same(t, b2, got[1])

	// Removing a pod the index does not hold changes nothing.
	ix.Observe(removed(ownedPod("ghost", nil, rs1)))
	assert.Equal(t, []string{"c", "b"}, names(owned(ix, "u1")))

	// A change of controller moves the pod.
	b3 := b2.DeepCopy()
	b3.OwnerReferences = []api.OwnerReference{api.NewControllerRef(rs2, "apps/v1")}
	ix.Observe(updated(b2, b3))
	assert.Equal(t, []*api.Pod{c2}, owned(ix, "u1"))
	assert.Equal(t, []*api.Pod{b3}, owned(ix, "u2"))

	// Another kind's controller with the same UID, a non-controller
	// reference of the index's kind, other kinds of change: all ignored.
	sts := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", UID: "u1"}}
	ix.Observe(added(ownedPod("sts-0", nil, sts)))
	weak := ownedPod("weak", nil, nil)
	weak.OwnerReferences = []api.OwnerReference{{APIVersion: "apps/v1", Kind: api.KindReplicaSet, Name: "rs1", UID: "u1"}}
	ix.Observe(added(weak))
	ix.Observe(store.Change{Kind: api.KindReplicaSet, New: replicaSet("rs3", "u3", nil)})
	assert.Equal(t, []*api.Pod{c2}, owned(ix, "u1"))
	assert.Nil(t, owned(ix, "u3"))

	// A pod that moves from another kind's controller to ours arrives.
	sts0 := ownedPod("sts-0", nil, sts)
	moved := sts0.DeepCopy()
	moved.OwnerReferences = []api.OwnerReference{api.NewControllerRef(rs1, "apps/v1")}
	ix.Observe(updated(sts0, moved))
	assert.Equal(t, []*api.Pod{c2, moved}, owned(ix, "u1"))

	// Orphaned (its reference removed): it leaves; adopted back: it returns.
	orphaned := moved.DeepCopy()
	orphaned.OwnerReferences = nil
	ix.Observe(updated(moved, orphaned))
	assert.Equal(t, []*api.Pod{c2}, owned(ix, "u1"))
	adopted := orphaned.DeepCopy()
	adopted.OwnerReferences = []api.OwnerReference{api.NewControllerRef(rs1, "apps/v1")}
	ix.Observe(updated(orphaned, adopted))
	assert.Equal(t, []*api.Pod{c2, adopted}, owned(ix, "u1"))

	// The last pods go: the owner has none.
	ix.Observe(removed(c2))
	ix.Observe(removed(adopted))
	assert.Nil(t, owned(ix, "u1"))
	ix.Observe(removed(b3))
	assert.Nil(t, owned(ix, "u2"))

	// And it starts over cleanly.
	d := ownedPod("d", nil, rs1)
	ix.Observe(added(d))
	assert.Equal(t, []*api.Pod{d}, owned(ix, "u1"))
}

// TestClaimPodsReleasesAndAdopts mirrors ClaimPods / ClaimObject in
// pkg/controller/controller_ref_manager.go, over the pods syncReplicaSet
// considers (FilterActivePods): owned matching pods are kept, owned pods
// that stopped matching the selector are released, and matching orphans
// of the owner's namespace adopted; pods not considered (owned or not),
// other controllers' pods, terminating and other namespaces' orphans are
// left alone.
func TestClaimPodsReleasesAndAdopts(t *testing.T) {
	rs := replicaSet("rs", "u1", map[string]string{"app": "web"})
	other := replicaSet("other", "u9", map[string]string{"app": "web"})
	web := map[string]string{"app": "web"}
	ix := newIndex()

	keep := ownedPod("keep", web, rs)
	stale := ownedPod("stale", map[string]string{"app": "old"}, rs)
	// A second, non-controller reference survives the release.
	stale.OwnerReferences = append(stale.OwnerReferences, api.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "cm", UID: "cm-uid"})
	rejectedOwned := ownedPod("rejected-owned", web, rs)
	for _, p := range []*api.Pod{keep, stale, rejectedOwned} {
		ix.Observe(added(p))
	}
	ix.Observe(added(ownedPod("foreign", web, other)))

	ts := time.Second
	dying := ownedPod("dying-orphan", web, nil)
	dying.DeletionTimestamp = &ts
	elsewhere := ownedPod("elsewhere", web, nil)
	elsewhere.Namespace = "other"
	tx := orphans(t,
		ownedPod("orphan", web, nil),
		ownedPod("unlabelled", map[string]string{"app": "db"}, nil),
		ownedPod("rejected-orphan", web, nil),
		dying, elsewhere,
		ownedPod("foreign", web, other))

	consider := func(p *api.Pod) bool {
		return p.Name != "rejected-owned" && p.Name != "rejected-orphan" && !p.Terminating()
	}
	u := updates{}
	got, err := ix.ClaimPods(tx, rs, "apps/v1", rs.Spec.Selector, consider, u.record)
	require.NoError(t, err)

	assert.Equal(t, []string{"keep", "orphan"}, names(got), "owned before adopted")
	assert.Same(t, keep, got[0], "an owned match comes back as held, uncopied")
	var claimed []*api.Pod
	for p, sum := range ix.Claimed("u1") {
		require.Equal(t, summary(p), *sum, "with its summary")
		claimed = append(claimed, p)
	}
	assert.Equal(t, got[:1], claimed, "Claimed: what the claim kept, in its order, not what it adopted")
	assert.ElementsMatch(t, []string{"stale", "orphan"}, keysOf(u))

	// Released: the owner's reference gone, the rest kept, the index's
	// object untouched.
	require.Contains(t, u, "stale")
	assert.Nil(t, u["stale"].ControllerRef())
	assert.False(t, hasRefTo(u["stale"], "u1"))
	assert.Equal(t, []api.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "cm", UID: "cm-uid"}}, u["stale"].OwnerReferences)
	assert.NotSame(t, stale, u["stale"])
	assert.Equal(t, "u1", stale.ControllerRef().UID, "the held pod is not changed in place")
	assert.NotContains(t, u, "rejected-owned", "an owned pod not considered is not released")

	// Adopted: a controller reference to the owner added.
	require.Contains(t, u, "orphan")
	assert.Equal(t, &api.OwnerReference{APIVersion: "apps/v1", Kind: api.KindReplicaSet, Name: "rs", UID: "u1", Controller: true, BlockOwnerDeletion: true},
		u["orphan"].ControllerRef())
	assert.Same(t, u["orphan"], got[1], "the adopted copy is what comes back")
	assert.Nil(t, tx.Pod("default/orphan").ControllerRef(), "the stored orphan is not changed in place")

	// An error releasing an owned pod stops the claim and is returned.
	boom := errors.New("boom")
	failStale := func(p *api.Pod) error {
		if p.Name == "stale" {
			return boom
		}
		return nil
	}
	_, err = ix.ClaimPods(tx, rs, "apps/v1", rs.Spec.Selector, consider, failStale)
	assert.ErrorIs(t, err, boom)
}

func keysOf(u updates) []string {
	out := []string{}
	for k := range u {
		out = append(out, k)
	}
	return out
}

// TestClaimPodsTerminatingOwnerNeitherReleasesNorAdopts mirrors ClaimObject
// in pkg/controller/controller_ref_manager.go: an owner being deleted keeps
// returning its matching pods but neither releases the ones that stopped
// matching nor adopts orphans.
func TestClaimPodsTerminatingOwnerNeitherReleasesNorAdopts(t *testing.T) {
	rs := replicaSet("rs", "u1", map[string]string{"app": "web"})
	ix := newIndex()
	keep := ownedPod("keep", map[string]string{"app": "web"}, rs)
	stale := ownedPod("stale", map[string]string{"app": "old"}, rs)
	ix.Observe(added(keep))
	ix.Observe(added(stale))
	tx := orphans(t, ownedPod("orphan", map[string]string{"app": "web"}, nil))

	// Claim once while live so the match flags are cached, then delete.
	u := updates{}
	_, err := ix.ClaimPods(tx, rs, "apps/v1", rs.Spec.Selector, all, u.record)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"stale", "orphan"}, keysOf(u), "live, it releases and adopts")

	dying := rs.DeepCopy()
	ts := time.Second
	dying.DeletionTimestamp = &ts
	require.True(t, dying.Terminating())
	u = updates{}
	got, err := ix.ClaimPods(tx, dying, "apps/v1", dying.Spec.Selector, all, u.record)
	require.NoError(t, err)
	assert.Equal(t, []*api.Pod{keep}, got, "its matching pod, not the stale one, not the orphan")
	assert.Empty(t, u, "nothing released or adopted")

	// The same with a fresh index (flags not yet cached).
	fresh := newIndex()
	fresh.Observe(added(keep))
	fresh.Observe(added(stale))
	got, err = fresh.ClaimPods(tx, dying, "apps/v1", dying.Spec.Selector, all, u.record)
	require.NoError(t, err)
	assert.Equal(t, []*api.Pod{keep}, got)
	assert.Empty(t, u)
}

// TestClaimPodsRematchesAfterSelectorChange pins ClaimPods' cache of match
// results against the selector they were computed for: a selector with
// other content (a new object, or the same one changed in place) makes it
// match every pod again, so a pod that matched and no longer does is
// released (ClaimPods in pkg/controller/controller_ref_manager.go matches on
// every call).
func TestClaimPodsRematchesAfterSelectorChange(t *testing.T) {
	rs := replicaSet("rs", "u1", map[string]string{"app": "web"})
	ix := newIndex()
	front := ownedPod("front", map[string]string{"app": "web", "tier": "front"}, rs)
	back := ownedPod("back", map[string]string{"app": "web", "tier": "back"}, rs)
	ix.Observe(added(front))
	ix.Observe(added(back))
	tx := orphans(t)

	u := updates{}
	got, err := ix.ClaimPods(tx, rs, "apps/v1", rs.Spec.Selector, all, u.record)
	require.NoError(t, err)
	assert.Equal(t, []*api.Pod{front, back}, got)
	assert.Empty(t, u)

	// A different selector object: back no longer matches.
	narrower := &api.LabelSelector{MatchLabels: map[string]string{"app": "web", "tier": "front"}}
	got, err = ix.ClaimPods(tx, rs, "apps/v1", narrower, all, u.record)
	require.NoError(t, err)
	assert.Equal(t, []*api.Pod{front}, got)
	assert.Equal(t, []string{"back"}, keysOf(u), "back released")
	assert.Nil(t, u["back"].ControllerRef())

	// The same selector object changed in place: front no longer matches,
	// back does again.
	u = updates{}
	narrower.MatchLabels["tier"] = "back"
	got, err = ix.ClaimPods(tx, rs, "apps/v1", narrower, all, u.record)
	require.NoError(t, err)
	assert.Equal(t, []*api.Pod{back}, got)
	assert.Equal(t, []string{"front"}, keysOf(u), "front released")

	// Match expressions count as content too.
	u = updates{}
	notBack := &api.LabelSelector{MatchLabels: map[string]string{"app": "web"},
		MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: "NotIn", Values: []string{"back"}}}}
	got, err = ix.ClaimPods(tx, rs, "apps/v1", notBack, all, u.record)
	require.NoError(t, err)
	assert.Equal(t, []*api.Pod{front}, got)
	assert.Equal(t, []string{"back"}, keysOf(u))
}

// TestClaimPodsMatchesEachPodObjectOnce pins what PodIndex adds over
// ClaimPods in pkg/controller/controller_ref_manager.go (which matches every
// pod on every call): whether an owned pod is considered and matches is
// worked out once per pod object, again only for a changed pod or a
// changed selector.
func TestClaimPodsMatchesEachPodObjectOnce(t *testing.T) {
	rs := replicaSet("rs", "u1", map[string]string{"app": "web"})
	ix := newIndex()
	web := map[string]string{"app": "web"}
	a, b, c := ownedPod("a", web, rs), ownedPod("b", web, rs), ownedPod("c", web, rs)
	for _, p := range []*api.Pod{a, b, c} {
		ix.Observe(added(p))
	}
	tx := orphans(t) // no orphans: every call of consider is for an owned pod

	calls := map[string]int{}
	consider := func(p *api.Pod) bool {
		calls[p.Name]++
		return p.Labels["skip"] == ""
	}
	total := func() int {
		n := 0
		for _, v := range calls {
			n += v
		}
		return n
	}
	u := updates{}
	claim := func(sel *api.LabelSelector) []*api.Pod {
		t.Helper()
		got, err := ix.ClaimPods(tx, rs, "apps/v1", sel, consider, u.record)
		require.NoError(t, err)
		return got
	}

	assert.Equal(t, []*api.Pod{a, b, c}, claim(rs.Spec.Selector))
	assert.Equal(t, map[string]int{"a": 1, "b": 1, "c": 1}, calls, "the first claim looks at every pod")

	assert.Equal(t, []*api.Pod{a, b, c}, claim(rs.Spec.Selector))
	assert.Equal(t, 3, total(), "no change: the filter does not run again")

	// An equal selector in a new object is no change.
	assert.Equal(t, []*api.Pod{a, b, c}, claim(rs.Spec.Selector.DeepCopy()))
	assert.Equal(t, 3, total())

	// One pod updated: only it is looked at again, and its new result holds.
	b2 := b.DeepCopy()
	b2.Labels = map[string]string{"app": "web", "skip": "yes"}
	ix.Observe(updated(b, b2))
	assert.Equal(t, []*api.Pod{a, c}, claim(rs.Spec.Selector))
	assert.Equal(t, map[string]int{"a": 1, "b": 2, "c": 1}, calls)
	assert.NotContains(t, u, "b", "b2 is not considered: neither kept nor released")
	assert.Equal(t, []*api.Pod{a, c}, claim(rs.Spec.Selector))
	assert.Equal(t, 4, total(), "and not looked at again")

	// A pod that comes under the owner is looked at once.
	d := ownedPod("d", web, rs)
	ix.Observe(added(d))
	assert.Equal(t, []*api.Pod{a, c, d}, claim(rs.Spec.Selector))
	assert.Equal(t, 1, calls["d"])
	claim(rs.Spec.Selector)
	assert.Equal(t, 1, calls["d"])

	// A changed selector: every pod is looked at again, once.
	before := total()
	claim(&api.LabelSelector{MatchLabels: map[string]string{"app": "web", "x": "y"}})
	assert.Equal(t, before+4, total(), "a new selector: every pod again")
	claim(rs.Spec.Selector)
	assert.Equal(t, before+8, total(), "back to the old selector: every pod again")
	claim(rs.Spec.Selector)
	assert.Equal(t, before+8, total())
}

// all considers every pod.
func all(*api.Pod) bool { return true }

// TestControlledCountsAsTheIndexIs pins Controlled (FilterClaimedPods in
// pkg/controller/replicaset/replica_set.go, over the pods a sync claimed):
// it counts the pods the owner controls that match the selector and that
// count admits by their summary, whether or not a claim looked at them
// first, with the selector it is given, and a pod that changed is looked
// at again.
func TestControlledCountsAsTheIndexIs(t *testing.T) {
	rs := replicaSet("rs", "u1", map[string]string{"app": "web"})
	ts := time.Second
	terminating := func(p *api.Pod) *api.Pod { p.DeletionTimestamp = &ts; return p }
	// The summary of a pod here is whether it is terminating.
	isTerminating := func(terminating *bool) bool { return *terminating }
	ix := refmanager.NewPodIndex(api.KindReplicaSet, (*api.Pod).Terminating)
	a := terminating(ownedPod("a", map[string]string{"app": "web"}, rs))
	b := terminating(ownedPod("b", map[string]string{"app": "old"}, rs))
	c := ownedPod("c", map[string]string{"app": "web"}, rs)
	for _, p := range []*api.Pod{a, b, c} {
		ix.Observe(added(p))
	}
	assert.Equal(t, 1, ix.Controlled(rs, rs.Spec.Selector, isTerminating), "before any claim: a")
	tx := orphans(t)
	u := updates{}
	_, err := ix.ClaimPods(tx, rs, "apps/v1", rs.Spec.Selector, func(p *api.Pod) bool { return !p.Terminating() }, u.record)
	require.NoError(t, err)
	assert.Equal(t, 1, ix.Controlled(rs, rs.Spec.Selector, isTerminating), "after a claim: a")
	wider := &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{{Key: "app", Operator: "Exists"}}}
	assert.Equal(t, 2, ix.Controlled(rs, wider, isTerminating), "another selector: a and b")
	c2 := terminating(c.DeepCopy())
	ix.Observe(updated(c, c2))
	assert.Equal(t, 2, ix.Controlled(rs, rs.Spec.Selector, isTerminating), "c changed: a and c")
	ix.Observe(removed(a))
	assert.Equal(t, 1, ix.Controlled(rs, rs.Spec.Selector, isTerminating), "a gone: c")
	assert.Equal(t, 0, ix.Controlled(replicaSet("other", "u2", nil), rs.Spec.Selector, isTerminating), "an owner with no pods")
}
