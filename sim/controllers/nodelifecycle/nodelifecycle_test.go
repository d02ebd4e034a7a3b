package nodelifecycle_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/nodelifecycle"
	"stsim/sim/simtest"
)

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func taints(n *api.Node) []string {
	var out []string
	for _, t := range n.Spec.Taints {
		out = append(out, t.Key+":"+t.Effect)
	}
	return out
}

// TestNotReadyTaintsAndSwap follows H2 and doNoScheduleTaintingPass /
// processTaintBaseEviction: a node whose kubelet reports Ready False gets
// node.kubernetes.io/not-ready:NoSchedule at once and
// not-ready:NoExecute at the next check; when its Ready condition turns
// Unknown, the unreachable taints replace the not-ready ones (the
// NoExecute one at the next check, at once since one is there already).
// Another node is Ready, or the zone would be fully disrupted.
func TestNotReadyTaintsAndSwap(t *testing.T) {
	e := sim.New(1)
	simtest.Check(t, e)
	e.AddController(nodelifecycle.New())
	n := &api.Node{ObjectMeta: api.ObjectMeta{Name: "n"}, Status: api.NodeStatus{Conditions: api.KubeletConditions(0)}}
	n.Condition(api.NodeReady).Status = api.ConditionFalse
	healthy := &api.Node{ObjectMeta: api.ObjectMeta{Name: "m"}, Status: api.NodeStatus{Conditions: api.KubeletConditions(0)}}
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		if err := ctx.Create(healthy); err != nil {
			return err
		}
		return ctx.Create(n)
	}))
	assert.Equal(t, []string{"node.kubernetes.io/not-ready:NoSchedule"}, taints(e.View().Node("n")))
	require.NoError(t, e.RunUntil(sec(5)))
	assert.Equal(t, []string{"node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"}, taints(e.View().Node("n")))
	require.NoError(t, e.RunUntil(sec(7)))
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		nn := ctx.Txn().Node("n").DeepCopy()
		nn.Condition(api.NodeReady).Status = api.ConditionUnknown
		return ctx.Update(nn)
	}))
	assert.Equal(t, []string{"node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"}, taints(e.View().Node("n")))
	require.NoError(t, e.RunUntil(sec(10)))
	assert.Equal(t, []string{"node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"}, taints(e.View().Node("n")))
}

// TestPartialDisruptionStopsTaintingInASmallCluster follows H2 and
// handleDisruption / ReducedQPSFunc: with more than 2 and at least 55% of
// a zone's nodes not Ready, the zone is partially disrupted; in a cluster
// of at most 50 nodes its NoExecute tainting stops, so the pods of the
// failed nodes are not evicted.
func TestPartialDisruptionStopsTaintingInASmallCluster(t *testing.T) {
	steps := ""
	for _, n := range []string{"node-1", "node-2", "node-3"} {
		steps += fmt.Sprintf("  - nodeFail: {node: %s, mode: crash}\n", n)
	}
	run, w := simtest.RunWatched(t, strings.Replace(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: partial}
spec:
  rules: [deployment]
  cluster: {nodes: 5}
  manifests:
  - inline:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 5
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
STEPS  - waitFor: {ready: 0, timeout: 20m}
`, "STEPS", steps, 1), "deployment")
	for _, name := range []string{"node-1", "node-2", "node-3"} {
		n := w.Node(name, time.Hour)
		assert.Equal(t, api.ConditionUnknown, n.ReadyStatus(), name)
		assert.Equal(t, []string{"node.kubernetes.io/unreachable:NoSchedule"}, taints(n), name)
	}
	for _, p := range run.Pods {
		assert.Nil(t, p.Deleted, p.Name)
	}
}
