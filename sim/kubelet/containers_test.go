package kubelet_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/disks"
	"stsim/sim/kubelet"
	"stsim/sim/simtest"
)

// engineWith is one node whose kubelet runs images as b says.
func engineWith(t *testing.T, b kubelet.Behavior) (*sim.Engine, *kubelet.Controller, *[]api.Event) {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	k := kubelet.New(func(string) kubelet.Behavior { return b }, disks.New())
	e.AddController(k)
	var events []api.Event
	e.API().WatchEvents(func(ev api.Event) { events = append(events, ev) })
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		return ctx.Create(&api.Node{ObjectMeta: api.ObjectMeta{Name: "node-1"}, Status: api.NodeStatus{Capacity: api.NodeCapacity{Pods: 10}, Conditions: []api.NodeCondition{api.KubeletReady(0)}}})
	}))
	return e, k, &events
}

// restartsAt runs the engine second by second until limit and lists the
// times at which the pod's restart count went up from what it is now.
func restartsAt(t *testing.T, e *sim.Engine, key string, limit time.Duration) []time.Duration {
	t.Helper()
	var out []time.Duration
	last := e.View().Pod(key).MaxContainerRestarts()
	for now := e.Now(); now <= limit; now += time.Second {
		require.NoError(t, e.RunUntil(now))
		p := e.View().Pod(key)
		if n := p.MaxContainerRestarts(); n > last {
			out = append(out, now)
			last = n
		}
	}
	return out
}

// TestRestartBackOff follows K2 (kuberuntime doBackOff with
// flowcontrol.Backoff; backOffPeriod 10s and MaxContainerBackOff 300s in
// pkg/kubelet/kubelet.go): a container that exits right after every start
// is restarted at once the first time, then after 10s, 20s, 40s, … up to
// 300s; meanwhile it waits in CrashLoopBackOff, the pod stays Running and
// unready, and keeps its UID and IP (K1, K5).
func TestRestartBackOff(t *testing.T) {
	e, _, events := engineWith(t, kubelet.Behavior{Start: 2 * time.Second, CrashLoop: true})
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(boundPod("a")) }))
	ip := e.View().Pod("default/a").Status.PodIP
	got := restartsAt(t, e, "default/a", 15*time.Minute)
	s := time.Second
	assert.Equal(t, []time.Duration{2 * s, 12 * s, 32 * s, 72 * s, 152 * s, 312 * s, 612 * s}, got)

	require.NoError(t, e.RunUntil(e.Now()+5*time.Second))
	p := e.View().Pod("default/a")
	assert.Equal(t, api.PodRunning, p.Status.Phase)
	assert.False(t, p.Status.Ready)
	assert.Equal(t, "CrashLoopBackOff", p.WaitingReason())
	assert.Equal(t, ip, p.Status.PodIP, "a restart in place keeps the sandbox and its IP")
	last := p.Status.ContainerStatuses[0].LastTerminationState.Terminated
	require.NotNil(t, last)
	assert.Equal(t, int32(1), last.ExitCode)
	assert.Equal(t, "Error", last.Reason)
	backOffs := 0
	for _, ev := range *events {
		if ev.Reason == "BackOff" {
			backOffs++
			assert.Equal(t, "Back-off restarting failed container c in pod a_default("+p.UID+")", ev.Message)
		}
	}
	assert.Equal(t, 7, backOffs, "one BackOff per wait, the last one until 912s")
}

// TestCrashRestartsInPlace follows K2: a container that crashes once is
// restarted at once in the same pod (same UID, IP and emptyDir), with its
// restart count raised; a second crash within the back-off entry's life
// waits 10s; after 600s without a crash (twice the maximum) the entry has
// expired and the next crash restarts at once again.
func TestCrashRestartsInPlace(t *testing.T) {
	e, k, _ := engineWith(t, kubelet.Behavior{Start: 2 * time.Second})
	vol := api.Volume{Name: "cache", EmptyDir: &api.EmptyDirVolumeSource{}}
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(boundPod("a", vol)) }))
	require.NoError(t, e.RunUntil(10*time.Second))
	before := e.View().Pod("default/a")
	_, err := k.Write(before, "cache", "key", "kept", e.Now())
	require.NoError(t, err)
	crash := func() {
		require.NoError(t, e.Do(func(ctx *sim.Context) error { return k.Crash(ctx, ctx.Txn().Pod("default/a")) }))
	}
	crash()
	p := e.View().Pod("default/a")
	assert.Equal(t, int32(1), p.MaxContainerRestarts(), "restarted at once")
	assert.True(t, p.Status.Ready, "no readinessProbe: Ready again as soon as it runs")
	assert.Equal(t, before.UID, p.UID)
	assert.Equal(t, before.Status.PodIP, p.Status.PodIP)
	_, rec, found, err := k.Read(p, "cache", "key")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "kept", rec.Value, "emptyDir survives a container restart")

	require.NoError(t, e.RunUntil(20*time.Second))
	crash()
	assert.Equal(t, "CrashLoopBackOff", e.View().Pod("default/a").WaitingReason())
	assert.Equal(t, restartsAt(t, e, "default/a", 40*time.Second)[0], 30*time.Second, "10s back-off after the second crash")

	require.NoError(t, e.RunUntil(30*time.Second+601*time.Second))
	crash()
	assert.Equal(t, int32(3), e.View().Pod("default/a").MaxContainerRestarts(), "the back-off entry expired: at once")
}

// TestCrashLoopUntil: a crashLoop step makes the container exit after every
// start until the given time; the restart after that runs on (R-POD-8: the
// pod is never Failed, it only waits).
func TestCrashLoopUntil(t *testing.T) {
	e, k, _ := engineWith(t, kubelet.Behavior{Start: 2 * time.Second})
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(boundPod("a")) }))
	require.NoError(t, e.RunUntil(10*time.Second))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return k.CrashLoop(ctx, ctx.Txn().Pod("default/a"), 45*time.Second) }))
	s := time.Second
	assert.Equal(t, int32(1), e.View().Pod("default/a").MaxContainerRestarts(), "exited and restarted at once at 10s")
	assert.Equal(t, []time.Duration{20 * s, 40 * s, 80 * s}, restartsAt(t, e, "default/a", 5*time.Minute))
	p := e.View().Pod("default/a")
	assert.Equal(t, int32(4), p.MaxContainerRestarts(), "the restart at 80s, past 45s, runs on")
	assert.True(t, p.Status.Ready)
	assert.Equal(t, api.PodRunning, p.Status.Phase)
}

// probeCommand is a probe's handler: the API server requires one
// (validateHandler), and the kubelet does not run it.
var probeCommand = &api.ExecAction{Command: []string{"true"}}

// TestReadinessProbeTiming follows K3 (pkg/kubelet/prober worker with the
// Probe defaults of SetDefaults_Probe): the probe first runs
// initialDelaySeconds after the container starts, then every
// periodSeconds; one success makes the pod Ready, failureThreshold (3)
// failures in a row unready, and the container is not restarted.
func TestReadinessProbeTiming(t *testing.T) {
	e, k, _ := engineWith(t, kubelet.Behavior{Start: 2 * time.Second, Ready: 3 * time.Second})
	pod := boundPod("a")
	pod.Spec.Containers[0].ReadinessProbe = &api.Probe{Exec: probeCommand, InitialDelaySeconds: 5}
	api.SetDefaultsPodSpec(&pod.Spec)
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod) }))
	ready := func(at time.Duration) bool {
		require.NoError(t, e.RunUntil(at))
		return e.View().Pod("default/a").Status.Ready
	}
	s := time.Second
	assert.False(t, ready(6*s), "the app answers at 5s; the first probe runs at 2s + 5s")
	assert.True(t, ready(7*s))
	assert.Equal(t, 7*s, e.View().Pod("default/a").Status.ReadySince)

	require.NoError(t, e.RunUntil(20*s))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return k.SetReadiness(ctx, ctx.Txn().Pod("default/a"), false) }))
	assert.True(t, ready(46*s), "failures at 27s and 37s are not yet 3")
	assert.False(t, ready(47*s), "the third failure, at 47s")
	assert.Zero(t, e.View().Pod("default/a").MaxContainerRestarts(), "a failing readiness probe restarts nothing")

	require.NoError(t, e.RunUntil(50*s))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return k.SetReadiness(ctx, ctx.Txn().Pod("default/a"), true) }))
	assert.False(t, ready(56*s))
	assert.True(t, ready(57*s), "the next probe, at 57s, succeeds")
}

// TestStartupProbeHoldsReadiness follows K3: while a startupProbe has not
// succeeded the readiness probe's results are not used.
func TestStartupProbeHoldsReadiness(t *testing.T) {
	e, _, _ := engineWith(t, kubelet.Behavior{Start: 2 * time.Second})
	pod := boundPod("a")
	pod.Spec.Containers[0].ReadinessProbe = &api.Probe{Exec: probeCommand, PeriodSeconds: 1}
	pod.Spec.Containers[0].StartupProbe = &api.Probe{Exec: probeCommand, InitialDelaySeconds: 30}
	api.SetDefaultsPodSpec(&pod.Spec)
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(pod) }))
	require.NoError(t, e.RunUntil(31*time.Second))
	assert.False(t, e.View().Pod("default/a").Status.Ready)
	require.NoError(t, e.RunUntil(32*time.Second))
	assert.True(t, e.View().Pod("default/a").Status.Ready, "startup succeeds at 32s, the readiness probe runs at 32s")
}

// TestEvictedPodIsFailed follows the kubelet's eviction manager
// (evictPod in pkg/kubelet/eviction/eviction_manager.go; K1): the pod is
// Failed with reason Evicted, its containers stop, an Evicted event says
// why, and the object stays.
func TestEvictedPodIsFailed(t *testing.T) {
	e, k, events := engineWith(t, kubelet.Behavior{Start: 2 * time.Second})
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(boundPod("a")) }))
	require.NoError(t, e.RunUntil(5*time.Second))
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return k.Evict(ctx, ctx.Txn().Pod("default/a")) }))
	require.NoError(t, e.RunUntil(time.Hour))
	p := e.View().Pod("default/a")
	require.NotNil(t, p, "an evicted pod's object stays")
	assert.Equal(t, api.PodFailed, p.Status.Phase)
	assert.Equal(t, "Evicted", p.Status.Reason)
	assert.False(t, p.Status.Ready)
	require.NotNil(t, p.Status.ContainerStatuses[0].State.Terminated)
	last := (*events)[len(*events)-1]
	assert.Equal(t, "Evicted", last.Reason)
	assert.Equal(t, kubelet.EvictionMessage, last.Message)
}
