package scheduler_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/scheduler"
	"stsim/sim/simtest"
)

// schedule creates the nodes, then each pod in its own instant, and
// returns the engine and the FailedScheduling messages by pod.
func schedule(t *testing.T, nodes []*api.Node, pods ...*api.Pod) (*sim.Engine, map[string]string) {
	t.Helper()
	e := sim.New(1)
	simtest.Check(t, e)
	failed := map[string]string{}
	e.API().WatchEvents(func(ev api.Event) {
		if ev.Reason == "FailedScheduling" {
			failed[ev.Name] = ev.Message
		}
	})
	e.AddController(scheduler.New())
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, n := range nodes {
			if err := ctx.Create(n); err != nil {
				return err
			}
		}
		return nil
	}))
	for _, p := range pods {
		require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(p) }))
	}
	return e, failed
}

func tainted(n *api.Node, taints ...api.Taint) *api.Node {
	n.Spec.Taints = taints
	return n
}

func tolerating(p *api.Pod, tolerations ...api.Toleration) *api.Pod {
	p.Spec.Tolerations = tolerations
	return p
}

func requesting(p *api.Pod, cpu, memory string) *api.Pod {
	p.Spec.Containers[0].Resources.Requests = map[string]string{}
	if cpu != "" {
		p.Spec.Containers[0].Resources.Requests["cpu"] = cpu
	}
	if memory != "" {
		p.Spec.Containers[0].Resources.Requests["memory"] = memory
	}
	return p
}

// TestTaintTolerationFilter follows the TaintToleration plugin's Filter
// (pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go):
// a NoSchedule or NoExecute taint the pod does not tolerate keeps it off
// the node ("node(s) had untolerated taint {key: value}"), a
// PreferNoSchedule one does not; so the unreachable:NoSchedule taint of a
// failed node keeps new pods off it although they tolerate its NoExecute
// taint for 300s (H3).
func TestTaintTolerationFilter(t *testing.T) {
	e, failed := schedule(t, []*api.Node{
		tainted(node("node-a", "", 10), api.Taint{Key: "dedicated", Value: "db", Effect: api.TaintNoSchedule}),
		tainted(node("node-b", "", 10), api.Taint{Key: api.TaintNodeUnreachable, Effect: api.TaintNoSchedule}, api.Taint{Key: api.TaintNodeUnreachable, Effect: api.TaintNoExecute}),
	},
		pod("plain", ""),
		tolerating(pod("db", ""), api.Toleration{Key: "dedicated", Operator: api.TolerationOpEqual, Value: "db", Effect: api.TaintNoSchedule}),
		tolerating(pod("wrong-value", ""), api.Toleration{Key: "dedicated", Value: "web", Effect: api.TaintNoSchedule}),
		tolerating(pod("anything", ""), api.Toleration{Operator: api.TolerationOpExists}),
	)
	assert.Equal(t, "", nodeOf(e, "plain"))
	assert.Equal(t, "0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. "+
		"preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.", failed["plain"])
	assert.Equal(t, "node-a", nodeOf(e, "db"))
	assert.Equal(t, "", nodeOf(e, "wrong-value"))
	assert.Equal(t, "node-b", nodeOf(e, "anything"), "it tolerates every taint and node-b has fewer pods")
}

// TestPreferNoScheduleScore follows the TaintToleration plugin's Score:
// a node with PreferNoSchedule taints the pod does not tolerate is chosen
// only when no other fits, even if it runs fewer pods.
func TestPreferNoScheduleScore(t *testing.T) {
	e, _ := schedule(t, []*api.Node{
		tainted(node("node-a", "", 10), api.Taint{Key: "spot", Effect: api.TaintPreferNoSchedule}),
		node("node-b", "", 10),
	}, pod("first", ""), pod("second", ""), tolerating(pod("tolerant", ""), api.Toleration{Key: "spot", Operator: api.TolerationOpExists}))
	assert.Equal(t, "node-b", nodeOf(e, "first"))
	assert.Equal(t, "node-b", nodeOf(e, "second"), "node-a is avoided although it has fewer pods")
	assert.Equal(t, "node-a", nodeOf(e, "tolerant"))
}

// TestNodeResourcesFit follows the NodeResourcesFit plugin's
// fitsRequest (pkg/scheduler/framework/plugins/noderesources/fit.go): a
// pod's cpu and memory requests (the sum over its containers) must fit in
// what the node has left, and the pod count under its pods capacity;
// every shortage is a reason, and preemption finds no victim among pods
// of the same priority. A node whose cpu or memory the scenario does not
// give is not checked for it.
func TestNodeResourcesFit(t *testing.T) {
	small := node("small", "", 1)
	small.Status.Capacity.MilliCPU, small.Status.Capacity.Memory = 1000, 1<<30
	big := node("big", "", 10)
	big.Status.Capacity.MilliCPU, big.Status.Capacity.Memory = 2000, 4<<30
	e, failed := schedule(t, []*api.Node{small, big},
		requesting(pod("a", ""), "1500m", "1Gi"),
		requesting(pod("b", ""), "600m", "512Mi"),
		requesting(pod("c", ""), "500m", "4Gi"),
	)
	assert.Equal(t, "big", nodeOf(e, "a"))
	assert.Equal(t, "small", nodeOf(e, "b"), "500m left on big is too little")
	assert.Equal(t, "", nodeOf(e, "c"))
	assert.Equal(t, "0/2 nodes are available: 1 Insufficient cpu, 1 Too many pods, 2 Insufficient memory. "+
		"preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.", failed["c"])

	unlimited, _ := schedule(t, []*api.Node{node("n", "", 10)}, requesting(pod("huge", ""), "64", "1Ti"))
	assert.Equal(t, "n", nodeOf(unlimited, "huge"))
}

// TestCordonedNode follows the NodeUnschedulable plugin: a cordoned node
// takes only pods that tolerate node.kubernetes.io/unschedulable:NoSchedule.
func TestCordonedNode(t *testing.T) {
	n := node("n", "", 10)
	n.Spec.Unschedulable = true
	e, failed := schedule(t, []*api.Node{n}, pod("plain", ""),
		tolerating(pod("tolerant", ""), api.Toleration{Key: api.TaintNodeUnschedulable, Operator: api.TolerationOpExists, Effect: api.TaintNoSchedule}))
	assert.Equal(t, "", nodeOf(e, "plain"))
	assert.Equal(t, "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.", failed["plain"])
	assert.Equal(t, "n", nodeOf(e, "tolerant"))
}

// TestTaintRemovalRetries follows the scheduling queue's node events
// (TaintToleration's isSchedulableAfterNodeChange): a pod kept off by a
// taint is tried again when the node changes, and bound once the taint
// is gone.
func TestTaintRemovalRetries(t *testing.T) {
	e, _ := schedule(t, []*api.Node{tainted(node("n", "", 10), api.Taint{Key: api.TaintNodeUnreachable, Effect: api.TaintNoSchedule})}, pod("p", ""))
	require.Equal(t, "", nodeOf(e, "p"))
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		n := ctx.Txn().Node("n").DeepCopy()
		n.Spec.Taints = nil
		return ctx.Update(n)
	}))
	assert.Equal(t, "n", nodeOf(e, "p"))
}
