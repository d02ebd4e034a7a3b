package kubelet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/disks"
	"stsim/sim/kubelet"
	"stsim/sim/simtest"
)

// node engine: one node, the kubelet with 2s start, 3s ready, 4s shutdown.
func nodeEngine(t *testing.T) (*sim.Engine, *kubelet.Controller, *disks.Disks) {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	d := disks.New()
	k := kubelet.New(func(string) kubelet.Behavior {
		return kubelet.Behavior{Start: 2 * time.Second, Ready: 3 * time.Second, Shutdown: 4 * time.Second}
	}, d)
	e.AddController(k)
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Create(&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1"}, Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: 10}, Conditions: []api.NodeCondition{api.KubeletReady(0)}}})
	}))
	return e, k, d
}

func boundPod(name string, volumes ...api.Volume) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PodSpec{NodeName: "node-1", Volumes: volumes,
		Containers: []api.Container{{Name: "c", Image: "app:1"}}}}
}

// TestPodLifecycle follows the pod phases of the kubelet (pod-lifecycle
// docs; docs/rules.md K1, K3, K5): a bound pod gets its IP with the
// sandbox, is Pending until its containers start and Running at start;
// with no readinessProbe it is Ready at once, as the kubelet does, however
// long the image's ready time; when the scenario gives the application's
// readiness (AssumeProbe) Ready comes after the ready time. The IP stays
// for the pod's life.
func TestPodLifecycle(t *testing.T) {
	for _, assume := range []bool{false, true} {
		e, k, _ := nodeEngine(t)
		k.AssumeProbe = assume
		require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(boundPod("a")) }))
		get := func() *api.Pod { return e.View().Pod("default/a") }
		p := get()
		assert.Equal(t, api.PodPending, p.Status.Phase)
		ip := p.Status.PodIP
		assert.Regexp(t, `^10\.244\.\d+\.\d+$`, ip, "the sandbox has an address at once")

		require.NoError(t, e.RunUntil(2*time.Second-time.Millisecond))
		assert.Equal(t, api.PodPending, get().Status.Phase)
		require.NoError(t, e.RunUntil(2*time.Second))
		assert.Equal(t, api.PodRunning, get().Status.Phase)
		if !assume {
			assert.True(t, get().Status.Ready, "no readinessProbe: Ready as soon as it runs")
			assert.Equal(t, 2*time.Second, get().Status.ReadySince)
			continue
		}
		assert.False(t, get().Status.Ready)
		require.NoError(t, e.RunUntil(5*time.Second))
		assert.True(t, get().Status.Ready)
		assert.Equal(t, 5*time.Second, get().Status.ReadySince)
		assert.Equal(t, ip, get().Status.PodIP)
	}
}

// TestVolumesBlockStart follows the kubelet's volume manager
// (WaitForAttachAndMount; docs/rules.md K1): a pod whose claim is missing or
// not bound stays Pending in ContainerCreating with a FailedMount event.
func TestVolumesBlockStart(t *testing.T) {
	e, _, _ := nodeEngine(t)
	var events []api.Event
	e.API().WatchEvents(func(ev api.Event) { events = append(events, ev) })
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Create(boundPod("a", api.Volume{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}))
	}))
	require.NoError(t, e.RunUntil(time.Minute))
	p := e.View().Pod("default/a")
	assert.Equal(t, api.PodPending, p.Status.Phase)
	assert.Equal(t, "ContainerCreating", p.WaitingReason())
	assert.Empty(t, p.Status.PodIP)
	var reasons []string
	for _, ev := range events {
		reasons = append(reasons, ev.Reason)
	}
	assert.Contains(t, reasons, "FailedMount")

	// Once the claim is bound the pod starts (an NFS volume: nothing to attach).
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		cl := &api.PersistentVolumeClaim{ObjectMeta: api.ObjectMeta{Name: "data"},
			Spec: api.PersistentVolumeClaimSpec{VolumeName: "pv-1", AccessModes: []string{"ReadWriteOnce"},
				Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}, Status: api.PersistentVolumeClaimStatus{Phase: api.ClaimBound}}
		if err := ctx.Create(cl); err != nil {
			return err
		}
		return ctx.Create(&api.PersistentVolume{ObjectMeta: api.ObjectMeta{Name: "pv-1"}, Spec: api.PersistentVolumeSpec{
			AccessModes: []string{"ReadWriteOnce"}, Capacity: map[string]string{"storage": "1Gi"},
			NFS:      &api.NFSVolumeSource{Server: "nfs", Path: "/data"},
			ClaimRef: &api.ObjectReference{Kind: api.KindPersistentVolumeClaim, Namespace: "default", Name: "data", UID: cl.UID}},
			Status: api.PersistentVolumeStatus{Phase: api.VolumeBound}})
	}))
	require.NoError(t, e.RunUntil(e.Now()+2*time.Second))
	assert.Equal(t, api.PodRunning, e.View().Pod("default/a").Status.Phase)
}

// TestEmptyDirDeletedWithPod follows the emptyDir volume plugin's TearDown
// (volumes docs "emptyDir"; docs/rules.md S9): the directory survives while the
// pod exists, even terminating, and is deleted when the pod leaves the node.
func TestEmptyDirDeletedWithPod(t *testing.T) {
	e, k, d := nodeEngine(t)
	vol := api.Volume{Name: "cache", EmptyDir: &api.EmptyDirVolumeSource{}}
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(boundPod("a", vol)) }))
	require.NoError(t, e.RunUntil(5*time.Second))
	p := e.View().Pod("default/a")
	disk, err := k.Write(p, "cache", "k", "v", e.Now())
	require.NoError(t, err)
	assert.Equal(t, disks.ForEmptyDir(p.UID, "cache"), disk)

	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Delete(api.KindPod, "default/a", apiserver.DeleteOptions{})
	}))
	require.NoError(t, e.RunUntil(e.Now()+4*time.Second-time.Millisecond))
	require.NotNil(t, e.View().Pod("default/a"), "still terminating")
	_, found := d.Read(disk, "k")
	assert.True(t, found, "kept while the pod is terminating")
	require.NoError(t, e.RunUntil(e.Now()+time.Millisecond))
	assert.Nil(t, e.View().Pod("default/a"), "gone after the 4s shutdown")
	_, found = d.Read(disk, "k")
	assert.False(t, found, "deleted with the pod")
}
