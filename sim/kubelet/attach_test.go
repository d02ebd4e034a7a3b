package kubelet_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

// sharedClaim is a Deployment of two replicas sharing one claim with the
// given access mode, on the given cluster (the scheduler spreads the pods).
func sharedClaim(mode, cluster, steps string) string {
	return `apiVersion: stsim/v1
kind: Scenario
metadata: {name: shared}
spec:
  rules: [deployment]
  cluster: ` + cluster + `
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

// attachErrors lists the FailedAttachVolume events as "pod: message".
func attachErrors(run *history.Run) []string {
	var msgs []string
	for _, e := range run.Events {
		if e.Reason == "FailedAttachVolume" {
			msgs = append(msgs, e.Name+": "+e.Message)
		}
	}
	return msgs
}

// TestMultiAttachKeepsASecondNodeWaiting follows the attach/detach
// controller's multi-attach check (attachDesiredVolumes and
// reportMultiAttachError in pkg/controller/volume/attachdetach/reconciler/
// reconciler.go; IsMultiAttachAllowed in pkg/volume/util;
// deployment-storage-dns.md S6, S7): a ReadWriteOnce volume attached to
// one node is not attached to another, so a pod there stays in
// ContainerCreating with a FailedAttachVolume "Multi-Attach error" event
// naming the pod that holds the volume; the scheduler does not keep the
// pods apart.
func TestMultiAttachKeepsASecondNodeWaiting(t *testing.T) {
	run := simtest.Run(t, sharedClaim("ReadWriteOnce", "{nodes: 2}", `  - apply: {}
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
	msgs := attachErrors(run)
	require.Len(t, msgs, 1)
	assert.True(t, strings.HasPrefix(msgs[0], second.Name+`: Multi-Attach error for volume "pvc-`), msgs[0])
	assert.Contains(t, msgs[0], "Volume is already used by pod(s) "+first.Name)
	require.Len(t, run.Findings, 1, "the first rollout times out")
	assert.Contains(t, run.Findings[0].Message, second.Name+" (Pending, ContainerCreating)")
	assert.True(t, run.Expectations[0].OK)
}

// TestMultiAttachStartsWaitingPodWhenHolderGoes follows DetermineVolumeAction
// (pkg/controller/volume/attachdetach/util/util.go) and the reconciler's
// detach-before-attach (deployment-storage-dns.md S8): the volume leaves
// the holder's node only when the holder pod is gone, and is then attached
// to the waiting pod's node, which starts. Three nodes of one pod each: the
// holder's replacement goes to the third node and waits in its turn.
func TestMultiAttachStartsWaitingPodWhenHolderGoes(t *testing.T) {
	run := simtest.Run(t, sharedClaim("ReadWriteOnce",
		"{nodes: [{name: node-1, capacity: {pods: 1}}, {name: node-2, capacity: {pods: 1}}, {name: node-3, capacity: {pods: 1}}]}",
		`  - apply: {}
  - waitFor: {ready: 1}
  - deletePod: {target: {ordinal: 0}}
    after: 10s
  - waitFor: {ready: 1, timeout: 1m}
`), "deployment")
	require.Len(t, run.Pods, 3)
	holder, waiting, repl := run.Pods[0], run.Pods[1], run.Pods[2]
	require.NotNil(t, holder.Gone)
	assert.Equal(t, "node-3", repl.Node)
	require.NotNil(t, waiting.Ready, "the waiting pod starts once the holder is gone")
	assert.Greater(t, *waiting.Ready, *holder.Gone)
	assert.Nil(t, repl.Ready, "the replacement waits for the volume now held by the other pod")
	msgs := attachErrors(run)
	require.Len(t, msgs, 2, "one error per pod, when it is scheduled")
	assert.Contains(t, msgs[0], waiting.Name+`: Multi-Attach error for volume "pvc-`)
	assert.Contains(t, msgs[1], repl.Name+`: Multi-Attach error for volume "pvc-`)
	assert.Contains(t, msgs[1], "Volume is already used by pod(s) "+holder.Name, "the holder still runs when the replacement is scheduled")
}

// TestVolumeStaysOnTheNodeOfAReplacement: a replacement scheduled to the
// node the volume is attached to keeps it there, since that node stays in
// the desired state while the holder terminates (the reconciler detaches
// only what no pod on the node wants; deployment-storage-dns.md S8). The
// replacement starts, and the pod on the other node keeps waiting.
func TestVolumeStaysOnTheNodeOfAReplacement(t *testing.T) {
	run := simtest.Run(t, sharedClaim("ReadWriteOnce",
		"{nodes: [{name: node-1, capacity: {pods: 1}}, {name: node-2, capacity: {pods: 1}}]}",
		`  - apply: {}
  - waitFor: {ready: 1}
  - deletePod: {target: {ordinal: 0}}
    after: 10s
  - waitFor: {ready: 1, timeout: 1m}
`), "deployment")
	require.Len(t, run.Pods, 3)
	holder, waiting, repl := run.Pods[0], run.Pods[1], run.Pods[2]
	require.NotNil(t, holder.Gone)
	assert.Equal(t, holder.Node, repl.Node, "the replacement is scheduled once the holder leaves its node")
	require.NotNil(t, repl.Ready, "and mounts the volume still attached there")
	assert.Nil(t, waiting.Ready)
}

// TestReadWriteManyAttachesToEveryNode follows IsMultiAttachAllowed
// (deployment-storage-dns.md S6): a ReadWriteMany volume may be attached
// to several nodes, so both pods start.
func TestReadWriteManyAttachesToEveryNode(t *testing.T) {
	run := simtest.Run(t, sharedClaim("ReadWriteMany", "{nodes: 2}", "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "deployment")
	require.Len(t, run.Pods, 2)
	assert.NotEqual(t, run.Pods[0].Node, run.Pods[1].Node)
	for _, p := range run.Pods {
		assert.NotNil(t, p.Ready, p.Name)
	}
	assert.Empty(t, run.Findings)
	assert.Empty(t, attachErrors(run))
}
