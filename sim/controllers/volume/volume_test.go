package volume_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/scheduler"
	"stsim/sim/controllers/volume"
	"stsim/sim/disks"
	"stsim/sim/simtest"
	"stsim/sim/store"
)

// cluster is an engine with the scheduler and the volume controller, one
// node in zone-a and a default StorageClass with the given binding mode and
// reclaim policy.
func cluster(t *testing.T, mode, reclaim string) (*sim.Engine, *disks.Disks) {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	d := disks.New()
	e.AddController(scheduler.New())
	e.AddController(volume.New(d))
	do(t, e, func(ctx *sim.Context) error {
		if err := ctx.Create(&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1",
			Labels: map[string]string{api.LabelZone: "zone-a"}}, Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: 10}, Conditions: []api.NodeCondition{api.KubeletReady(0)}}}); err != nil {
			return err
		}
		return ctx.Create(&api.StorageClass{ObjectMeta: api.ObjectMeta{Name: "standard",
			Annotations: map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}},
			Provisioner: "disk.csi.test", VolumeBindingMode: &mode, ReclaimPolicy: &reclaim})
	})
	return e, d
}

// allVolumes lists the PersistentVolumes in every phase.
func allVolumes(tx *store.Txn) []*api.PersistentVolume {
	var out []*api.PersistentVolume
	for _, phase := range []string{api.VolumeAvailable, api.VolumeBound, api.VolumeReleased} {
		out = append(out, tx.VolumesInPhase(phase)...)
	}
	return out
}

func do(t *testing.T, e *sim.Engine, fn func(*sim.Context) error) {
	t.Helper()
	require.NoError(t, e.Do(fn))
}

func claim(name string) *api.PersistentVolumeClaim {
	return &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: name},
		Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
			Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}
}

func podUsing(name, claimName string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PodSpec{
		Containers: []api.Container{{Name: "c", Image: "app:1"}},
		Volumes:    []api.Volume{{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: claimName}}}}}
}

// TestWaitForFirstConsumer follows the volume binding modes (StorageClass
// volumeBindingMode; the PV controller's shouldDelayBinding and the
// scheduler's VolumeBinding plugin; docs/rules.md S2, R-PVC-5): with WaitForFirstConsumer
// a claim stays Pending with no volume until a pod using it is scheduled,
// and the volume is then provisioned in the chosen node's zone; with
// Immediate it is provisioned at once.
func TestWaitForFirstConsumer(t *testing.T) {
	e, _ := cluster(t, volume.BindingWaitForFirstConsumer, api.DeletePolicy)
	do(t, e, func(ctx *sim.Context) error { return ctx.Create(claim("data")) })
	tx := e.View()
	assert.Equal(t, api.ClaimPending, tx.Claim("default/data").Status.Phase)
	assert.Empty(t, allVolumes(tx), "nothing is provisioned before a consumer exists")
	require.NoError(t, e.RunUntil(e.Now()+time.Minute))
	assert.Empty(t, allVolumes(e.View()), "waiting is not a timeout")

	// An unschedulable consumer is not enough: no node has room for it.
	do(t, e, func(ctx *sim.Context) error {
		p := podUsing("app", "data")
		p.Spec.NodeSelector = map[string]string{"disk": "none"}
		return ctx.Create(p)
	})
	assert.Empty(t, allVolumes(e.View()))
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/app", apiserver.DeleteOptions{})
	})

	do(t, e, func(ctx *sim.Context) error { return ctx.Create(podUsing("app", "data")) })
	tx = e.View()
	require.Equal(t, "node-1", tx.Pod("default/app").Spec.NodeName)
	cl := tx.Claim("default/data")
	assert.Equal(t, api.ClaimBound, cl.Status.Phase)
	require.Len(t, allVolumes(tx), 1)
	pv := allVolumes(tx)[0]
	assert.Equal(t, "pvc-"+cl.UID, pv.Name)
	assert.Equal(t, pv.Name, cl.Spec.VolumeName)
	assert.Equal(t, "zone-a", pv.Labels[api.LabelZone], "provisioned in the selected node's zone")
	assert.Equal(t, api.VolumeBound, pv.Status.Phase)
	assert.Equal(t, cl.UID, pv.Spec.ClaimRef.UID)

	imm, _ := cluster(t, volume.BindingImmediate, api.DeletePolicy)
	do(t, imm, func(ctx *sim.Context) error { return ctx.Create(claim("data")) })
	tx = imm.View()
	assert.Equal(t, api.ClaimBound, tx.Claim("default/data").Status.Phase, "Immediate binds without a consumer")
	require.Len(t, allVolumes(tx), 1)
	assert.Equal(t, "zone-a", allVolumes(tx)[0].Zone(), "in a zone of the cluster, chosen without a pod")
}

// boundClaim creates claim "data" with a scheduled pod "app" using it and a
// record on the volume's disk; it returns the volume's name.
func boundClaim(t *testing.T, e *sim.Engine, d *disks.Disks) string {
	t.Helper()
	do(t, e, func(ctx *sim.Context) error {
		if err := ctx.Create(claim("data")); err != nil {
			return err
		}
		return ctx.Create(podUsing("app", "data"))
	})
	pv := e.View().Claim("default/data").Spec.VolumeName
	require.NotEmpty(t, pv)
	d.Write(disks.ForVolume(pv), "k", disks.Record{Value: "v"})
	return pv
}

// removePod takes the pod out of the store, as its kubelet does once the
// containers are down.
func removePod(t *testing.T, e *sim.Engine, name string) {
	do(t, e, func(ctx *sim.Context) error {
		ctx.Remove(ctx.Txn().Pod("default/" + name))
		return nil
	})
}

// TestPVCProtection follows the pvc-protection controller
// (pkg/controller/volume/pvcprotection/pvc_protection_controller.go
// podUsesPVC; docs/rules.md S5): a deleted claim keeps its
// kubernetes.io/pvc-protection finalizer and stays Terminating while a
// scheduled pod names it, and goes once that pod is gone.
func TestPVCProtection(t *testing.T) {
	e, d := cluster(t, volume.BindingWaitForFirstConsumer, api.DeletePolicy)
	boundClaim(t, e, d)
	assert.Contains(t, e.View().Claim("default/data").Finalizers, apiserver.PVCProtectionFinalizer, "added on create")

	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
	})
	require.NoError(t, e.RunUntil(e.Now()+10*time.Minute))
	cl := e.View().Claim("default/data")
	require.NotNil(t, cl, "the claim stays while its pod is scheduled")
	assert.True(t, cl.Terminating())
	assert.Equal(t, api.ClaimBound, cl.Status.Phase)

	removePod(t, e, "app")
	assert.Nil(t, e.View().Claim("default/data"), "the claim goes with its last pod")
}

// TestPVCProtectionIgnoresUnscheduledPods follows podUsesPVC in
// pkg/controller/volume/pvcprotection/pvc_protection_controller.go (docs/rules.md
// S5): a pod that is not bound to a node does not keep a claim.
func TestPVCProtectionIgnoresUnscheduledPods(t *testing.T) {
	e, _ := cluster(t, volume.BindingImmediate, api.DeletePolicy)
	do(t, e, func(ctx *sim.Context) error {
		if err := ctx.Create(claim("data")); err != nil {
			return err
		}
		p := podUsing("app", "data")
		p.Spec.NodeSelector = map[string]string{"disk": "none"} // never scheduled
		return ctx.Create(p)
	})
	require.NotNil(t, e.View().Pod("default/app"))
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
	})
	assert.Nil(t, e.View().Claim("default/data"))
}

// TestReclaimPolicy follows the PV controller's reclaimVolume
// (pkg/controller/volume/persistentvolume/pv_controller.go; docs/rules.md S4,
// R-PVC-5): once its claim is gone, a Delete volume is removed with its data, and a
// Retain volume is Released with its data kept.
func TestReclaimPolicy(t *testing.T) {
	e, d := cluster(t, volume.BindingWaitForFirstConsumer, api.DeletePolicy)
	pv := boundClaim(t, e, d)
	removePod(t, e, "app")
	require.NotNil(t, e.View().Volume(pv), "the volume stays while its claim exists")
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
	})
	assert.Nil(t, e.View().Claim("default/data"))
	assert.Nil(t, e.View().Volume(pv), "reclaim policy Delete removes the volume")
	_, found := d.Read(disks.ForVolume(pv), "k")
	assert.False(t, found, "and its disk")

	e, d = cluster(t, volume.BindingWaitForFirstConsumer, api.RetainPolicy)
	pv = boundClaim(t, e, d)
	removePod(t, e, "app")
	do(t, e, func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPersistentVolumeClaim, "default/data", apiserver.DeleteOptions{})
	})
	v := e.View().Volume(pv)
	require.NotNil(t, v, "reclaim policy Retain keeps the volume")
	assert.Equal(t, api.VolumeReleased, v.Status.Phase)
	r, found := d.Read(disks.ForVolume(pv), "k")
	assert.True(t, found)
	assert.Equal(t, "v", r.Value)

	// A Released volume is not bound again by a new claim of the same name.
	do(t, e, func(ctx *sim.Context) error { return ctx.Create(claim("data")) })
	do(t, e, func(ctx *sim.Context) error { return ctx.Create(podUsing("app2", "data")) })
	cl := e.View().Claim("default/data")
	assert.NotEqual(t, pv, cl.Spec.VolumeName, "the new claim gets a new volume")
}

// TestAttachDetachWakesOnWhatDesiredNodesReads checks the attach/detach
// controller's wake-ups (its pod handlers, which requeue a pod's volumes
// when the desired state of the world may have changed): a pod's binding
// to a node, its termination and its claims wake its volume; a status
// write of a running pod does not.
func TestAttachDetachWakesOnWhatDesiredNodesReads(t *testing.T) {
	s := store.New()
	tx := s.Write()
	defer tx.Abort()
	tx.Put(&api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data", Namespace: "default"},
		Spec: api.PersistentVolumeClaimSpec{VolumeName: "pv-1"}})
	c := volume.NewAttachDetach()
	pending := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "p", Namespace: "default", UID: "u"},
		Spec:   api.PodSpec{Volumes: []api.Volume{{Name: "d", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}},
		Status: api.PodStatus{Phase: api.PodPending}}
	bound := pending.DeepCopy()
	bound.Spec.NodeName = "node-1"
	running := bound.DeepCopy()
	running.Status.Phase = api.PodRunning
	ready := running.DeepCopy()
	ready.Status.Ready = true
	done := ready.DeepCopy()
	done.Status.Phase = api.PodSucceeded
	keys := func(old, cur *api.Pod) []string {
		ch := store.Change{Kind: api.KindPod, Old: old}
		if cur != nil {
			ch.New = cur
		}
		return c.Keys(tx, ch)
	}
	assert.Equal(t, []string{"attach:pv-1"}, keys(pending, bound), "bound to a node")
	assert.Empty(t, keys(bound, running), "a status write")
	assert.Empty(t, keys(running, ready), "a status write")
	assert.Equal(t, []string{"attach:pv-1"}, keys(ready, done), "terminated")
	assert.Equal(t, []string{"attach:pv-1"}, keys(done, nil), "gone")
}
