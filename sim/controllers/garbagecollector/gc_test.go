package garbagecollector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/garbagecollector"
	"stsim/sim/controllers/volume"
	"stsim/sim/disks"
	"stsim/sim/simtest"
)

func engine(t *testing.T) *sim.Engine {
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(garbagecollector.New())
	e.AddController(volume.New(disks.New()))
	return e
}

func do(t *testing.T, e *sim.Engine, fn func(*sim.Context) error) {
	t.Helper()
	require.NoError(t, e.Do(fn))
}

func ownedBy(o api.Object, kind string) api.OwnerReference {
	return api.OwnerReference{APIVersion: "v1", Kind: kind, Name: o.Meta().Name, UID: o.Meta().UID, Controller: true}
}

func pod(name, node string, owners ...api.OwnerReference) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, OwnerReferences: owners},
		Spec: api.PodSpec{NodeName: node, Containers: []api.Container{{Name: "c", Image: "app:1"}}}}
}

// TestDeleteReplicaSetDeletesItsPods follows the garbage collector's
// attemptToDeleteItem (pkg/controller/garbagecollector/garbagecollector.go,
// background cascading deletion): once a ReplicaSet is gone, every pod
// whose owners are all gone is deleted (gracefully when scheduled), and a
// pod with another live owner is kept.
func TestDeleteReplicaSetDeletesItsPods(t *testing.T) {
	e := engine(t)
	var rs, other *api.ReplicaSet
	do(t, e, func(ctx *sim.Context) error {
		n := int32(2)
		rs = &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web-1"}, Spec: api.ReplicaSetSpec{Replicas: &n}}
		other = &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web-2"}, Spec: api.ReplicaSetSpec{Replicas: &n}}
		for _, o := range []api.Object{rs, other} {
			if err := ctx.Create(o); err != nil {
				return err
			}
		}
		shared := ownedBy(other, api.KindReplicaSet)
		shared.Controller = false
		for _, p := range []*api.Pod{pod("a", ""), pod("b", "node-1"), pod("c", ""), pod("d", "")} {
			p.OwnerReferences = []api.OwnerReference{ownedBy(rs, api.KindReplicaSet)}
			switch p.Name {
			case "c":
				p.OwnerReferences = append(p.OwnerReferences, shared)
			case "d":
				p.OwnerReferences = []api.OwnerReference{ownedBy(other, api.KindReplicaSet)}
			}
			if err := ctx.Create(p); err != nil {
				return err
			}
		}
		return nil
	})
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindReplicaSet, "default/web-1", apiserver.DeleteOptions{})
	})
	tx := e.View()
	assert.Nil(t, tx.ReplicaSet("default/web-1"))
	assert.Nil(t, tx.Pod("default/a"), "an unscheduled pod goes at once")
	b := tx.Pod("default/b")
	require.NotNil(t, b, "a scheduled pod terminates gracefully")
	assert.True(t, b.Terminating())
	assert.NotNil(t, tx.Pod("default/c"), "an owner is still there")
	assert.NotNil(t, tx.Pod("default/d"), "another ReplicaSet's pod")
	assert.False(t, tx.Pod("default/d").Terminating())
}

// TestClaimOfGonePodIsDeleted follows the garbage collector's
// attemptToDeleteItem with a Pod owner (as a StatefulSet's
// persistentVolumeClaimRetentionPolicy makes; docs/rules.md R-PVC-R3) and the
// pvc-protection controller: when the owning pod leaves the store the claim
// is deleted, and once no scheduled pod uses it, removed.
func TestClaimOfGonePodIsDeleted(t *testing.T) {
	e := engine(t)
	do(t, e, func(ctx *sim.Context) error {
		owner := pod("web-0", "")
		if err := ctx.Create(owner); err != nil {
			return err
		}
		free := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "free"}, Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}
		if err := ctx.Create(free); err != nil {
			return err
		}
		return ctx.Create(&api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data-web-0",
			OwnerReferences: []api.OwnerReference{ownedBy(owner, api.KindPod)}}, Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}})
	})
	require.NotNil(t, e.View().Claim("default/data-web-0"))
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/web-0", apiserver.DeleteOptions{})
	})
	tx := e.View()
	assert.Nil(t, tx.Pod("default/web-0"))
	assert.Nil(t, tx.Claim("default/data-web-0"), "the claim follows its owner")
	assert.NotNil(t, tx.Claim("default/free"), "a claim without owners stays")
}

// TestOrphanPropagation follows the garbage collector's orphanDependents
// (pkg/controller/garbagecollector/garbagecollector.go, the "orphan"
// finalizer that DeleteOptions.PropagationPolicy Orphan sets): the owner's
// references are removed from its dependents, then the finalizer, and the
// owner goes; the dependents stay and are not deleted.
func TestOrphanPropagation(t *testing.T) {
	e := engine(t)
	do(t, e, func(ctx *sim.Context) error {
		n := int32(1)
		if err := ctx.Create(&api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web-1"}, Spec: api.ReplicaSetSpec{Replicas: &n}}); err != nil {
			return err
		}
		rs := ctx.Txn().ReplicaSet("default/web-1")
		return ctx.Create(pod("a", "node-1", ownedBy(rs, api.KindReplicaSet)))
	})
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindReplicaSet, "default/web-1", apiserver.DeleteOptions{PropagationPolicy: apiserver.PropagationOrphan})
	})
	tx := e.View()
	assert.Nil(t, tx.ReplicaSet("default/web-1"), "the owner goes once its dependents are orphaned")
	a := tx.Pod("default/a")
	require.NotNil(t, a)
	assert.Empty(t, a.OwnerReferences)
	assert.False(t, a.Terminating())
}

// TestForegroundPropagation follows the garbage collector's foreground
// deletion (processDeletingDependentsItem, the "foregroundDeletion"
// finalizer): the owner stays, with a deletionTimestamp, while dependents
// whose reference has blockOwnerDeletion are deleted; it goes only once
// they are gone.
func TestForegroundPropagation(t *testing.T) {
	e := engine(t)
	do(t, e, func(ctx *sim.Context) error {
		n := int32(1)
		if err := ctx.Create(&api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web-1"}, Spec: api.ReplicaSetSpec{Replicas: &n}}); err != nil {
			return err
		}
		rs := ctx.Txn().ReplicaSet("default/web-1")
		return ctx.Create(pod("a", "node-1", api.NewControllerRef(rs, "apps/v1")))
	})
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindReplicaSet, "default/web-1", apiserver.DeleteOptions{PropagationPolicy: apiserver.PropagationForeground})
	})
	tx := e.View()
	rs := tx.ReplicaSet("default/web-1")
	require.NotNil(t, rs, "the owner waits for its blocking dependents")
	assert.True(t, rs.Terminating())
	assert.Contains(t, rs.Finalizers, apiserver.FinalizerForeground)
	a := tx.Pod("default/a")
	require.NotNil(t, a)
	assert.True(t, a.Terminating(), "the dependent is being deleted")

	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/a", apiserver.DeleteOptions{GracePeriodSeconds: new(int64)})
	})
	assert.Nil(t, e.View().ReplicaSet("default/web-1"), "gone with its last blocking dependent")
}
