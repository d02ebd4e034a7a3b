package podgc_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/podgc"
	"stsim/sim/simtest"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func pod(name, node string, created time.Duration) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name, CreationTimestamp: created},
		Spec:   api.PodSpec{NodeName: node, Containers: []api.Container{{Name: "c", Image: "app:1"}}},
		Status: api.PodStatus{Phase: api.PodRunning}}
}

// TestGCTerminated follows H6 and gcTerminated
// (pkg/controller/podgc/gc_controller.go): terminated pods are deleted
// only above --terminated-pod-gc-threshold (12500 by default, so never in a
// scenario), evicted ones first, then the oldest, at the next 20s tick.
func TestGCTerminated(t *testing.T) {
	assert.Equal(t, 12500, podgc.New().TerminatedPodThreshold)
	e := sim.New(1)
	simtest.Check(t, e)
	gc := podgc.New()
	gc.TerminatedPodThreshold = 2
	e.AddController(gc)
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for i, phase := range []string{api.PodSucceeded, api.PodFailed, api.PodFailed, api.PodRunning} {
			p := pod(fmt.Sprintf("p%d", i), "node-1", sec(float64(10-i)))
			p.Status.Phase = phase
			if i == 2 {
				p.Status.Reason = "Evicted"
			}
			ctx.Txn().Put(p)
		}
		return nil
	}))
	require.NoError(t, e.RunUntil(sec(19)))
	assert.NotNil(t, e.View().Pod("default/p2"))
	require.NoError(t, e.RunUntil(sec(20)))
	assert.Nil(t, e.View().Pod("default/p2"), "the evicted pod goes first")
	assert.NotNil(t, e.View().Pod("default/p0"))
	assert.NotNil(t, e.View().Pod("default/p1"))
	assert.NotNil(t, e.View().Pod("default/p3"), "a running pod is not terminated")
}

// TestGCUnscheduledTerminating follows H6 and gcUnscheduledTerminating: a
// terminating pod bound to no node is marked Failed and force-deleted at
// the next tick. (The API server removes an unscheduled pod at once, so
// the pod is put in the store directly.)
func TestGCUnscheduledTerminating(t *testing.T) {
	e := sim.New(1)
	e.AddController(podgc.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		p := pod("p", "", 0)
		p.Status.Phase = api.PodPending
		at := sec(3)
		p.DeletionTimestamp = &at
		ctx.Txn().Put(p)
		return nil
	}))
	require.NoError(t, e.RunUntil(sec(19)))
	assert.NotNil(t, e.View().Pod("default/p"))
	require.NoError(t, e.RunUntil(sec(20)))
	assert.Nil(t, e.View().Pod("default/p"))
}

const scenario = `apiVersion: stsim/v1
kind: Scenario
metadata: {name: gc}
spec:
  rules: [statefulset]
  cluster: {nodes: 3}
  manifests:
  - inline:
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
STEPS`

// TestGCOrphaned follows H6 and gcOrphaned: pods bound to a Node that was
// deleted are marked Failed and force-deleted once the node has been
// missing for the 40s quarantine, counted from the first 20s tick that saw
// it missing: a node deleted at 200s loses its pods at 220s + 40s.
func TestGCOrphaned(t *testing.T) {
	run, w := simtest.RunWatched(t, strings.Replace(scenario, "STEPS", `  - deleteNode: {node: node-2}
    at: 200s
`, 1), "statefulset")
	old := run.Pods[1]
	require.Equal(t, "node-2", old.Node)
	require.NotNil(t, old.Gone)
	assert.Equal(t, sec(260), *old.Gone)
	assert.Equal(t, api.PodFailed, old.Phase, "marked Failed before the deletion")
	assert.Nil(t, w.Pod("web-1", sec(260)-time.Millisecond).DeletionTimestamp, "not deleted gracefully first")
	require.Len(t, run.Pods, 3)
	assert.Equal(t, sec(260), run.Pods[2].Created, "the StatefulSet makes web-1 again once the old one is gone")
}

// TestGCTerminatingOutOfService follows H6 and gcTerminating (non-graceful
// node shutdown): on a node that is not Ready and has the
// node.kubernetes.io/out-of-service taint, terminating pods are
// force-deleted at the next tick. With effect NoExecute the taint also
// makes the taint eviction controller delete the pods at once; with
// NoSchedule only the pods already terminating go. A Ready node with the
// taint keeps its pods.
func TestGCTerminatingOutOfService(t *testing.T) {
	for _, c := range []struct {
		name, steps string
		gone        float64 // 0: stays
	}{
		{"NoExecute on a crashed node", `  - nodeFail: {node: node-2, mode: crash}
    at: 100s
  - taintNode: {node: node-2, key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoExecute}
    at: 170s
`, 180},
		{"NoSchedule after the eviction", `  - nodeFail: {node: node-2, mode: crash}
    at: 100s
  - taintNode: {node: node-2, key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoSchedule}
    at: 470s
`, 480},
		{"NoSchedule before the eviction", `  - nodeFail: {node: node-2, mode: crash}
    at: 100s
  - taintNode: {node: node-2, key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoSchedule}
    at: 170s
`, 480},
		{"Ready node", `  - taintNode: {node: node-2, key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoSchedule}
    at: 170s
`, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := simtest.Run(t, strings.Replace(scenario, "STEPS", c.steps, 1), "statefulset")
			old := run.Pods[1]
			require.Equal(t, "node-2", old.Node)
			if c.gone == 0 {
				assert.Nil(t, old.Gone)
				return
			}
			require.NotNil(t, old.Gone)
			assert.Equal(t, sec(c.gone), *old.Gone)
		})
	}
}
