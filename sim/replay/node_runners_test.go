package replay_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/report"
	"stsim/sim/api"
	"stsim/sim/history"
	"stsim/sim/simtest"
	"stsim/sim/workload"
)

// nodesWeb is a 2-replica workload without volumes on NODES nodes: pod 0
// (or the first Deployment pod) lands on node-1, pod 1 on node-2.
const nodesWeb = `apiVersion: stsim/v1
kind: Scenario
metadata: {name: nodes}
spec:
  rules: [RULES]
  cluster: {nodes: NODES}
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
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
          spec:
            TEMPLATE
            containers: [{name: nginx, image: "nginx:1.27", volumeMounts: [{name: scratch, mountPath: /data}]}]
            volumes: [{name: scratch, emptyDir: {}}]
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
STEPS`

func nodesScenario(rules string, nodes int, template, steps string) string {
	return strings.NewReplacer("RULES", rules, "NODES", fmt.Sprint(nodes), "TEMPLATE", template, "STEPS", steps).Replace(nodesWeb)
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// events lists "time reason name: message" for the events of a reason.
func events(run *history.Run, reason string) []string {
	var out []string
	for _, e := range run.Events {
		if e.Reason == reason {
			out = append(out, fmt.Sprintf("%v %s/%s: %s", e.Time, e.Kind, e.Name, e.Message))
		}
	}
	return out
}

// podRow is the history row of the pod on a node (the first one).
func podOn(t *testing.T, run *history.Run, node string) *history.Pod {
	t.Helper()
	for _, p := range run.Pods {
		if p.Node == node {
			return p
		}
	}
	t.Fatalf("no pod on %s", node)
	return nil
}

// TestNodeUnknownAfterMonitorGracePeriod follows H1 and monitorNodeHealth
// / tryUpdateNodeHealth (pkg/controller/nodelifecycle/
// node_lifecycle_controller.go): the node lifecycle controller checks every
// 5s (--node-monitor-period) and, at the first check more than 50s
// (--node-monitor-grace-period) after the last heartbeat, sets Ready,
// MemoryPressure, DiskPressure and PIDPressure to Unknown with reason
// NodeStatusUnknown and "Kubelet stopped posting node status.", and records
// NodeNotReady. A failure at 100s is seen at 155s; one at 105s at 160s
// (155s is not after 155s).
func TestNodeUnknownAfterMonitorGracePeriod(t *testing.T) {
	for _, c := range []struct {
		failAt, seenAt float64
	}{{100, 155}, {104, 155}, {105, 160}} {
		t.Run(fmt.Sprint(c.failAt), func(t *testing.T) {
			run, w := simtest.RunWatched(t, nodesScenario("statefulset", 3, "", fmt.Sprintf(`  - nodeFail: {node: node-2, mode: crash}
    at: %vs
`, c.failAt)), "statefulset")
			before, after := w.Node("node-2", sec(c.seenAt)-time.Millisecond), w.Node("node-2", sec(c.seenAt))
			require.NotNil(t, before)
			assert.Equal(t, api.ConditionTrue, before.ReadyStatus())
			assert.True(t, before.Status.Lease.Stopped)
			assert.Equal(t, sec(c.failAt), before.Status.Lease.RenewTime, "the last heartbeat")
			for _, typ := range []string{api.NodeReady, api.NodeMemoryPressure, api.NodeDiskPressure, api.NodePIDPressure} {
				cond := after.Condition(typ)
				require.NotNil(t, cond, typ)
				assert.Equal(t, api.ConditionUnknown, cond.Status, typ)
				assert.Equal(t, "NodeStatusUnknown", cond.Reason, typ)
				assert.Equal(t, "Kubelet stopped posting node status.", cond.Message, typ)
				assert.Equal(t, sec(c.seenAt), cond.LastTransitionTime, typ)
			}
			assert.Equal(t, []string{fmt.Sprintf("%v Node/node-2: Node node-2 status is now: NodeNotReady", sec(c.seenAt))}, filterKind(events(run, "NodeNotReady"), "Node/"))
		})
	}
}

func filterKind(lines []string, kind string) []string {
	var out []string
	for _, l := range lines {
		if strings.Contains(l, " "+kind) {
			out = append(out, l)
		}
	}
	return out
}

// TestUnreachableTaintsAndPodsNotReady follows H2: on the transition,
// MarkPodsNotReady (pkg/controller/util/node/controller_utils.go) sets
// the Ready condition of every Ready pod on the node to False, with a
// NodeNotReady warning, and leaves its phase Running (K1);
// doNoScheduleTaintingPass adds node.kubernetes.io/unreachable:NoSchedule
// at once; processTaintBaseEviction, run with the condition as the next
// check finds it, adds node.kubernetes.io/unreachable:NoExecute 5s later,
// with TimeAdded.
func TestUnreachableTaintsAndPodsNotReady(t *testing.T) {
	run, w := simtest.RunWatched(t, nodesScenario("statefulset", 3, "", `  - nodeFail: {node: node-2, mode: partition}
    at: 100s
`), "statefulset")
	p := w.Pod("web-1", sec(154))
	require.Equal(t, "node-2", p.Spec.NodeName)
	assert.True(t, p.Status.Ready)
	p = w.Pod("web-1", sec(155))
	assert.False(t, p.Status.Ready)
	assert.Equal(t, sec(155), p.Status.ReadySince)
	assert.Equal(t, api.PodRunning, p.Status.Phase, "K1: a pod on an unreachable node keeps its phase")
	assert.Equal(t, []string{"2m35s Pod/web-1: Node is not ready"}, filterKind(events(run, "NodeNotReady"), "Pod/"))

	taints := func(at float64) []string {
		var out []string
		for _, t := range w.Node("node-2", sec(at)).Spec.Taints {
			added := "-"
			if t.TimeAdded != nil {
				added = t.TimeAdded.String()
			}
			out = append(out, fmt.Sprintf("%s:%s@%s", t.Key, t.Effect, added))
		}
		return out
	}
	assert.Empty(t, taints(154))
	assert.Equal(t, []string{"node.kubernetes.io/unreachable:NoSchedule@2m35s"}, taints(155))
	assert.Equal(t, []string{"node.kubernetes.io/unreachable:NoSchedule@2m35s", "node.kubernetes.io/unreachable:NoExecute@2m40s"}, taints(160))
}

// TestFullDisruptionStopsTaintEviction follows H2 and handleDisruption /
// ComputeZoneState: when every zone has no Ready node (here the only
// node), the controller enters master disruption mode: it removes the
// NoExecute taints and adds none, so no pod is evicted however long the
// node stays down.
func TestFullDisruptionStopsTaintEviction(t *testing.T) {
	run, w := simtest.RunWatched(t, nodesScenario("deployment", 1, "", `  - nodeFail: {node: node-1, mode: crash}
    at: 100s
  - waitFor: {ready: 0, timeout: 30m}
`), "deployment")
	n := w.Node("node-1", sec(100+30*60))
	assert.Equal(t, api.ConditionUnknown, n.ReadyStatus())
	assert.True(t, n.HasTaint(api.TaintNodeUnreachable, api.TaintNoSchedule))
	assert.False(t, n.HasTaint(api.TaintNodeUnreachable, api.TaintNoExecute))
	assert.Empty(t, events(run, "TaintManagerEviction"))
	for _, p := range run.Pods {
		assert.Nil(t, p.Deleted, p.Name)
	}
}

// TestNoExecuteTaintingIsRateLimitedPerZone follows H2 and
// doNoExecuteTaintingPass (a RateLimitedTimedQueue per zone at
// --node-eviction-rate 0.1 nodes/s, burst 1): two nodes of one zone that
// fail together get their NoExecute taints 10s apart. Two of four nodes
// not Ready is not a partial disruption (that needs more than 2 and 55%).
func TestNoExecuteTaintingIsRateLimitedPerZone(t *testing.T) {
	_, w := simtest.RunWatched(t, nodesScenario("statefulset", 4, "", `  - nodeFail: {node: node-1, mode: crash}
    at: 100s
  - nodeFail: {node: node-3, mode: partition}
`), "statefulset")
	tainted := func(node string) time.Duration {
		for _, tt := range w.Node(node, time.Hour).Spec.Taints {
			if tt.Key == api.TaintNodeUnreachable && tt.Effect == api.TaintNoExecute {
				return *tt.TimeAdded
			}
		}
		t.Fatalf("%s has no NoExecute taint", node)
		return 0
	}
	assert.Equal(t, sec(160), tainted("node-1"))
	assert.Equal(t, sec(170), tainted("node-3"))
}

// TestTaintBasedEviction follows H4 and the taint eviction controller's
// getPodEvictionDecision / processPodOnNode / getMinTolerationTime
// (pkg/controller/tainteviction/taint_eviction.go): a pod tolerating the
// unreachable NoExecute taint for tolerationSeconds (300 by default, H3)
// is deleted that long after the taint (TaintManagerEviction, "Marking for
// deletion Pod"), gracefully, so it stays Terminating while the node is
// cut off; a pod tolerating it for ever is never deleted; a NoExecute
// taint it does not tolerate deletes it at once.
func TestTaintBasedEviction(t *testing.T) {
	for _, c := range []struct {
		name, template, steps string
		deleted               float64 // 0: never
	}{
		{"default 300s", "", "", 460},
		{"tolerationSeconds 30", "tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}]", "", 190},
		{"tolerated for ever", "tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute}]", "", 0},
		{"untolerated taint", "", `  - taintNode: {node: node-2, key: dedicated, value: other, effect: NoExecute}
    at: 120s
`, 120},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, w := simtest.RunWatched(t, nodesScenario("deployment", 3, c.template, `  - nodeFail: {node: node-2, mode: partition}
    at: 100s
`+c.steps), "deployment")
			p := podOn(t, run, "node-2")
			evictions := events(run, "TaintManagerEviction")
			if c.deleted == 0 {
				assert.Nil(t, p.Deleted)
				assert.Empty(t, evictions)
				return
			}
			require.NotNil(t, p.Deleted)
			assert.Equal(t, sec(c.deleted), *p.Deleted)
			assert.Contains(t, evictions, fmt.Sprintf("%v Pod/%s: Marking for deletion Pod default/%s", sec(c.deleted), p.Name, p.Name))
			assert.Nil(t, p.Gone, "the kubelet of the cut-off node never confirms the deletion")
			obj := w.Pod(p.Name, time.Hour)
			require.NotNil(t, obj)
			assert.Equal(t, int64(30), *obj.DeletionGracePeriodSeconds, "an ordinary graceful delete")
		})
	}
}

// TestNodeLossReplicaSetVersusStatefulSet follows H5 (issue #54368: by
// design): after the taint eviction the ReplicaSet creates a replacement
// with a new name at once (the evicted pod no longer counts), while the
// old object stays Terminating on the cut-off node; the StatefulSet
// creates nothing while a web-1 object exists.
func TestNodeLossReplicaSetVersusStatefulSet(t *testing.T) {
	steps := `  - nodeFail: {node: node-2, mode: partition}
    at: 100s
  - expect: {pods: 2, ready: 1}
    at: 460s
`
	// Each scenario runs one rule set, and a step limited to the other
	// one is a load error.
	only := map[string]string{
		"statefulset": "  - expect: {rules: statefulset, podNames: [web-0], terminating: [web-1]}\n",
		"deployment":  "  - expect: {rules: deployment, pods: 2, terminating: [\"web-*\"]}\n",
	}
	for _, rules := range []string{"statefulset", "deployment"} {
		t.Run(rules, func(t *testing.T) {
			run := simtest.Run(t, nodesScenario(rules, 3, "", steps+only[rules]), workload.Rules(rules))
			for _, e := range run.Expectations {
				if rules == "statefulset" && e.Check == "pods" {
					continue // only web-0 is a live pod
				}
				assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
			}
			old := podOn(t, run, "node-2")
			assert.Nil(t, old.Gone)
			if rules == "statefulset" {
				assert.Len(t, run.Pods, 2, "no second web-1")
				return
			}
			require.Len(t, run.Pods, 3)
			repl := run.Pods[2]
			assert.Equal(t, sec(460), repl.Created, "replaced at the eviction")
			assert.Equal(t, "node-3", repl.Node)
			assert.Equal(t, old.Slot, repl.Slot)
		})
	}
}

// TestNodeReturns follows H7 and the kubelet's pod clean-up on
// reconnection (HandlePodCleanups, the status manager's final delete):
// when the cut-off node comes back, the pod deleted meanwhile is killed and
// its object removed; a pod that was not deleted keeps running with the
// same UID and IP and is Ready again; the node is Ready, its NoSchedule
// taint goes at once and its NoExecute taint at the next check
// (markNodeAsReachable), which cancels the scheduled eviction.
func TestNodeReturns(t *testing.T) {
	t.Run("after the eviction", func(t *testing.T) {
		run := simtest.Run(t, nodesScenario("statefulset", 3, "", `  - nodeFail: {node: node-2, mode: partition}
    at: 100s
  - nodeRecover: {node: node-2}
    at: 600s
  - waitFor: {rolledOut: true}
  - expect: {podNames: [web-0, web-1], ready: 2}
`), "statefulset")
		old := podOn(t, run, "node-2")
		require.NotNil(t, old.Gone)
		assert.Equal(t, sec(600), *old.Gone)
		assert.Contains(t, events(run, "Killing"), "10m0s Pod/web-1: Stopping container nginx")
		assert.Contains(t, events(run, "NodeReady"), "10m0s Node/node-2: Node node-2 status is now: NodeReady")
		for _, e := range run.Expectations {
			assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
		}
	})
	t.Run("before the eviction", func(t *testing.T) {
		run, w := simtest.RunWatched(t, nodesScenario("statefulset", 3, "", `  - nodeFail: {node: node-2, mode: partition}
    at: 100s
  - nodeRecover: {node: node-2}
    at: 300s
`), "statefulset")
		require.Len(t, run.Pods, 2)
		before, after := w.Pod("web-1", sec(299)), w.Pod("web-1", sec(300))
		assert.False(t, before.Status.Ready)
		assert.True(t, after.Status.Ready)
		assert.Equal(t, before.UID, after.UID)
		assert.Equal(t, before.Status.PodIP, after.Status.PodIP)
		n := w.Node("node-2", sec(300))
		assert.Equal(t, api.ConditionTrue, n.ReadyStatus())
		assert.False(t, n.HasTaint(api.TaintNodeUnreachable, api.TaintNoSchedule))
		assert.True(t, n.HasTaint(api.TaintNodeUnreachable, api.TaintNoExecute))
		assert.Empty(t, w.Node("node-2", sec(305)).Spec.Taints)
		assert.Equal(t, []string{"5m5s Pod/web-1: Cancelling deletion of Pod default/web-1"}, events(run, "TaintManagerEviction"))
	})
}

// TestForceDeletionOnACutOffNode follows H8 ([Force Delete StatefulSet
// Pods]: the object goes at once while the containers may still run on a
// partitioned node): the StatefulSet creates web-1 again elsewhere while
// the old web-1 still runs, so two pods of one name run at once until
// the node comes back and its kubelet kills the old one. The report counts
// that time as duplicate identity seconds.
func TestForceDeletionOnACutOffNode(t *testing.T) {
	run := simtest.Run(t, nodesScenario("statefulset", 3, "", `  - nodeFail: {node: node-2, mode: partition}
    at: 100s
  - forceDeletePod: {target: {ordinal: 1}}
    at: 120s
  - nodeRecover: {node: node-2}
    at: 300s
`), "statefulset")
	old := podOn(t, run, "node-2")
	require.NotNil(t, old.Gone)
	assert.Equal(t, sec(120), *old.Gone)
	assert.True(t, old.Outlived)
	require.NotNil(t, old.Stopped)
	assert.Equal(t, sec(300), *old.Stopped)
	require.Len(t, run.Pods, 3)
	assert.Equal(t, "web-1", run.Pods[2].Name)
	assert.Equal(t, sec(120), run.Pods[2].Created)
	a := report.Build(report.Header{}, []*history.Run{run}).Runs[0].Availability
	assert.Equal(t, 180.0, a.DuplicateIdentitySeconds, "from 120s to 300s two web-1 ran")
}

// TestApplicationOnAFailedNode follows K1 and H5: the application of a pod
// on a cut-off node keeps running and writing (the write is recorded with
// its node, so concurrent writers to one volume can be counted), while on
// a crashed node its containers are gone and the write fails.
func TestApplicationOnAFailedNode(t *testing.T) {
	for _, mode := range []string{"partition", "crash"} {
		t.Run(mode, func(t *testing.T) {
			run := simtest.Run(t, nodesScenario("statefulset", 3, "", fmt.Sprintf(`  - nodeFail: {node: node-2, mode: %s}
    at: 100s
  - write: {target: {ordinal: 1}, volume: scratch, key: k, value: v}
    at: 200s
`, mode)), "statefulset")
			if mode == "partition" {
				require.Len(t, run.Writes, 1)
				assert.Equal(t, "node-2", run.Writes[0].Node)
				assert.Empty(t, run.Findings)
				return
			}
			assert.Empty(t, run.Writes)
			require.Len(t, run.Failures, 1)
			assert.Equal(t, "pod web-1: node node-2 has crashed, its containers are not running", run.Failures[0].Reason)
		})
	}
}

// TestCrashedNodeRestartsItsPods follows the kubelet's start after a
// reboot: a node that crashed and comes back before its pods were evicted
// restarts their containers in place (restart count 1, last state
// Terminated with reason Unknown and exit code 255), and they are Ready
// again.
func TestCrashedNodeRestartsItsPods(t *testing.T) {
	run, w := simtest.RunWatched(t, nodesScenario("statefulset", 3, "", `  - nodeFail: {node: node-2, mode: crash}
    at: 100s
  - nodeRecover: {node: node-2}
    at: 200s
`), "statefulset")
	require.Len(t, run.Pods, 2)
	p := w.Pod("web-1", time.Hour)
	assert.True(t, p.Status.Ready)
	require.Len(t, p.Status.ContainerStatuses, 1)
	cs := p.Status.ContainerStatuses[0]
	assert.Equal(t, int32(1), cs.RestartCount)
	require.NotNil(t, cs.LastTerminationState.Terminated)
	assert.Equal(t, "Unknown", cs.LastTerminationState.Terminated.Reason)
	assert.Equal(t, int32(255), cs.LastTerminationState.Terminated.ExitCode)
	assert.Equal(t, sec(100), cs.LastTerminationState.Terminated.FinishedAt)
	require.NotNil(t, cs.State.Running)
	assert.Equal(t, sec(200), cs.State.Running.StartedAt)
}
