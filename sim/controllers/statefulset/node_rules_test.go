package statefulset_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

// This file pins, with whole scenarios, the StatefulSet rules of
// docs/rules.md about node failure (R-NODE-2 to R-NODE-5): web-0 runs on
// node-1 and web-1 on node-2, which fails at 100s.

const nodeSet = `apiVersion: stsim/v1
kind: Scenario
metadata: {name: node-loss}
spec:
  rules: [statefulset]
  cluster: {nodes: 3}
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
            terminationGracePeriodSeconds: GRACE
            containers: [{name: nginx, image: "nginx:1.27", volumeMounts: [{name: data, mountPath: /data}]}]
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true}
  - nodeFail: {node: node-2, mode: MODE}
    at: 100s
STEPS`

func nodeLoss(mode string, grace int, steps string) string {
	return strings.NewReplacer("MODE", mode, "GRACE", fmt.Sprint(grace), "STEPS", steps).Replace(nodeSet)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// incarnations lists the rows of one pod name, oldest first.
func incarnations(run *history.Run, name string) []*history.Pod {
	var out []*history.Pod
	for _, p := range run.Pods {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

// TestUnreachableNodeTimeline follows R-NODE-2 (monitorNodeHealth and
// MarkPodsNotReady in the node lifecycle controller, processPodOnNode in
// the taint eviction controller, the DefaultTolerationSeconds admission
// plugin): 55s after the node stops, web-1 is not Ready and the set counts
// one ready replica; 5s later the node has the unreachable NoExecute
// taint, and 300s after that web-1 is evicted, a graceful delete that
// leaves it Terminating for as long as the node does not answer.
func TestUnreachableNodeTimeline(t *testing.T) {
	run, w := simtest.RunWatched(t, nodeLoss("partition", 30, `  - expect: {ready: 1, status: {readyReplicas: 1}}
    at: 155s
  - expect: {terminating: [web-1], status: {replicas: 2, readyReplicas: 1}}
    at: 460s
  - expect: {terminating: [web-1], podNames: [web-0]}
    at: 30m
`), "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s at %v: want %s, got %s", e.Check, e.Time, e.Want, e.Got)
	}
	assert.True(t, w.Pod("web-1", seconds(154)).Status.Ready)
	assert.False(t, w.Pod("web-1", seconds(155)).Status.Ready)
	web1 := incarnations(run, "web-1")
	require.Len(t, web1, 1, "no replacement while the object exists")
	require.NotNil(t, web1[0].Deleted)
	assert.Equal(t, seconds(460), *web1[0].Deleted)
	assert.Nil(t, web1[0].Gone)
}

// TestStuckPodObjectGoesAway follows R-NODE-3 (issue #54368; gcOrphaned
// and gcTerminating in pkg/controller/podgc; force deletion; the kubelet's
// clean-up): the Terminating web-1 of a failed node goes when the kubelet
// comes back and confirms, when the Node object is deleted (pod GC), when
// it is force-deleted, or when the node gets the out-of-service taint (pod
// GC); only then does the set create web-1 again, with the same claim.
func TestStuckPodObjectGoesAway(t *testing.T) {
	for _, c := range []struct {
		name, mode, steps string
		gone              float64
	}{
		{"the kubelet comes back", "partition", "  - nodeRecover: {node: node-2}\n    at: 600s\n", 600},
		{"the Node is deleted", "partition", "  - deleteNode: {node: node-2}\n    at: 500s\n", 560},
		{"force deletion", "partition", "  - forceDeletePod: {target: {ordinal: 1}}\n    at: 200s\n", 200},
		{"out-of-service taint", "crash", "  - taintNode: {node: node-2, key: node.kubernetes.io/out-of-service, value: nodeshutdown, effect: NoSchedule}\n    at: 500s\n", 520},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := simtest.Run(t, nodeLoss(c.mode, 30, c.steps), "statefulset")
			web1 := incarnations(run, "web-1")
			require.Len(t, web1, 2)
			require.NotNil(t, web1[0].Gone)
			assert.Equal(t, seconds(c.gone), *web1[0].Gone)
			assert.Equal(t, seconds(c.gone), web1[1].Created, "the replacement comes once the old object is gone")
			assert.Equal(t, []string{"data-web-1"}, web1[1].Claims, "with the same claim")
			if c.mode == "crash" || c.name == "force deletion" {
				assert.NotEqual(t, "node-2", web1[1].Node, "not on the failed node")
			}
		})
	}
}

// TestUnreachablePodBlocksOrderedReady follows R-NODE-4 (R-POD-4/5;
// updateStatefulSet's monotonic wait in sts/stateful_set_control.go):
// while web-1 on the unreachable node is not Ready, a scale-up creates no
// web-2; it comes once web-1 is Ready again.
func TestUnreachablePodBlocksOrderedReady(t *testing.T) {
	run := simtest.Run(t, nodeLoss("partition", 30, `  - scale: {replicas: 3}
    at: 200s
  - expect: {podNames: [web-0, web-1]}
    at: 299s
  - nodeRecover: {node: node-2}
    at: 300s
  - waitFor: {rolledOut: true}
  - expect: {podNames: [web-0, web-1, web-2], ready: 3}
`), "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s at %v: want %s, got %s", e.Check, e.Time, e.Want, e.Got)
	}
	web2 := incarnations(run, "web-2")
	require.Len(t, web2, 1)
	assert.Equal(t, seconds(300), web2[0].Created)
}

// TestEvictionKeepsTheGracePeriod follows R-NODE-5 (CheckGracefulDelete
// in pkg/registry/core/pod/strategy.go; addConditionAndDeletePod): neither
// the taint eviction nor the StatefulSet controller deletes with grace
// period 0, so the evicted web-1 gets its own terminationGracePeriodSeconds
// (45) and, its kubelet being unreachable, stays long after it.
func TestEvictionKeepsTheGracePeriod(t *testing.T) {
	run, w := simtest.RunWatched(t, nodeLoss("partition", 45, ""), "statefulset")
	p := w.Pod("web-1", time.Hour)
	require.NotNil(t, p)
	require.NotNil(t, p.DeletionTimestamp)
	assert.Equal(t, seconds(460), *p.DeletionTimestamp)
	assert.Equal(t, int64(45), *p.DeletionGracePeriodSeconds)
	assert.Nil(t, incarnations(run, "web-1")[0].Gone)
}
