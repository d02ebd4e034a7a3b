package kubelet_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/simtest"
)

// sharedClaim is a Deployment of two replicas sharing one claim with the
// given access mode, on two nodes (the scheduler spreads the pods).
func sharedClaim(mode, steps string) string {
	return `apiVersion: stsim/v1
kind: Scenario
metadata: {name: shared}
spec:
  rules: [deployment]
  cluster: {nodes: 2}
  manifests:
  - inline:
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data}
      spec: {accessModes: [` + mode + `], resources: {requests: {storage: 1Gi}}}
  - inline:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
            containers: [{name: c, image: "nginx:1.27"}]
  steps:
` + steps
}

// TestMultiAttachKeepsASecondNodeWaiting follows the attach/detach
// controller's multi-attach check (reconciler.go, reportMultiAttachError;
// IsMultiAttachAllowed in pkg/volume/util): a ReadWriteOnce volume attached
// to one node is not attached to another, so a pod there stays in
// ContainerCreating with a FailedAttachVolume "Multi-Attach error" event,
// and starts once the pod holding the volume is gone.
func TestMultiAttachKeepsASecondNodeWaiting(t *testing.T) {
	run := simtest.Run(t, sharedClaim("ReadWriteOnce", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 1m}
  - expect: {ready: 1}
  - scale: {replicas: 1}
  - waitFor: {ready: 1, timeout: 1m}
`), "deployment")
	require.Len(t, run.Pods, 2)
	first, second := run.Pods[0], run.Pods[1]
	assert.NotEqual(t, first.Node, second.Node)
	require.NotNil(t, first.Ready)
	assert.Nil(t, second.Ready, "the pod on the second node never starts")
	var msgs []string
	for _, e := range run.Events {
		if e.Reason == "FailedAttachVolume" {
			msgs = append(msgs, e.Name+": "+e.Message)
		}
	}
	require.Len(t, msgs, 1)
	assert.True(t, strings.HasPrefix(msgs[0], second.Name+`: Multi-Attach error for volume "pvc-`), msgs[0])
	assert.Contains(t, msgs[0], "Volume is already used by pod(s) "+first.Name)
	require.Len(t, run.Findings, 1, "the first rollout times out")
	assert.Contains(t, run.Findings[0].Message, second.Name+" (Pending, ContainerCreating)")
	assert.True(t, run.Expectations[0].OK)
}

// TestMultiAttachStartsWaitingPodWhenHolderGoes: once the pod holding a
// ReadWriteOnce volume is gone, the volume is detached and the waiting pod
// on the other node starts. Each node holds one pod, so the holder's
// replacement waits for room and then for the volume in its turn.
func TestMultiAttachStartsWaitingPodWhenHolderGoes(t *testing.T) {
	text := strings.Replace(sharedClaim("ReadWriteOnce", `  - apply: {}
  - waitFor: {ready: 1}
  - deletePod: {target: {ordinal: 0}}
    after: 10s
  - waitFor: {ready: 1, timeout: 1m}
`), "cluster: {nodes: 2}", "cluster: {nodes: [{name: node-1, capacity: {pods: 1}}, {name: node-2, capacity: {pods: 1}}]}", 1)
	run := simtest.Run(t, text, "deployment")
	require.Len(t, run.Pods, 3)
	holder, waiting, repl := run.Pods[0], run.Pods[1], run.Pods[2]
	require.NotNil(t, holder.Gone)
	require.NotNil(t, waiting.Ready, "the waiting pod starts once the holder is gone")
	assert.Greater(t, *waiting.Ready, *holder.Gone)
	assert.Equal(t, holder.Node, repl.Node, "the replacement is scheduled once the holder leaves its node")
	assert.Nil(t, repl.Ready, "and now waits for the volume held on the other node")
}

// TestReadWriteManyAttachesToEveryNode: a ReadWriteMany volume may be
// attached to several nodes, so both pods start.
func TestReadWriteManyAttachesToEveryNode(t *testing.T) {
	run := simtest.Run(t, sharedClaim("ReadWriteMany", "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "deployment")
	require.Len(t, run.Pods, 2)
	for _, p := range run.Pods {
		assert.NotNil(t, p.Ready, p.Name)
	}
	assert.Empty(t, run.Findings)
}
