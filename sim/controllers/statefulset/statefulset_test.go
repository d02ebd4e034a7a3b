package statefulset_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/history"
	"stsim/sim/simtest"
)

// set describes the StatefulSet of a test scenario.
type set struct {
	replicas int
	extra    string // more spec fields, indented for the spec block
	image    string
}

// scenario is a headless Service "web" and a StatefulSet "web" with a
// "data" claim template, then the steps (YAML list items).
func scenario(s set, steps string) string {
	if s.image == "" {
		s.image = "nginx:1.27"
	}
	return fmt.Sprintf(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: test}
spec:
  rules: [statefulset]
  timing: {containerStart: 2s, ready: 3s, shutdown: 1s}
  manifests:
  - inline:
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
  - inline:
%s
  steps:
%s`, workload(s), steps)
}

func workload(s set) string {
	if s.image == "" {
		s.image = "nginx:1.27"
	}
	return fmt.Sprintf(`      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: %d
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: nginx, image: "%s"}]}
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
%s`, s.replicas, s.image, s.extra)
}

// applyWorkload is an apply step that replaces the workload.
func applyWorkload(s set) string {
	w := strings.TrimSuffix(workload(s), "\n")
	return "  - apply:\n      inline:\n  " + strings.ReplaceAll(w, "\n", "\n  ") + "\n"
}

func rows(run *history.Run, name string) []*history.Pod {
	var out []*history.Pod
	for _, p := range run.Pods {
		if p.Name == name {
			out = append(out, p)
		}
	}
	return out
}

func deref(f *time.Duration) time.Duration {
	if f == nil {
		return -1
	}
	return *f
}

// deletionOrder lists pod names by the time their deletion was requested.
func deletionOrder(run *history.Run) []string {
	var deleted []*history.Pod
	for _, p := range run.Pods {
		if p.Deleted != nil {
			deleted = append(deleted, p)
		}
	}
	slices.SortStableFunc(deleted, func(a, b *history.Pod) int {
		switch {
		case *a.Deleted < *b.Deleted:
			return -1
		case *a.Deleted > *b.Deleted:
			return 1
		}
		return 0
	})
	var names []string
	for _, p := range deleted {
		names = append(names, p.Name)
	}
	return names
}

func expectationsOK(t *testing.T, run *history.Run) {
	t.Helper()
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	assert.Empty(t, run.Findings)
}

// TestOrderedReadyCreatesPodsOneAtATimeInOrdinalOrder follows R-ID-1,
// R-SYNC-5, R-SCALE-1, R-POD-2 and R-POD-5 (processReplica in
// sts/stateful_set_control.go with monotonic, OrderedReady, updates;
// getPodName in sts/stateful_set_utils.go): pods are named web-0, web-1,
// web-2, and a pod is created only when every lower ordinal is Running and
// Ready, one per sync.
func TestOrderedReadyCreatesPodsOneAtATimeInOrdinalOrder(t *testing.T) {
	run := simtest.Run(t, scenario(set{replicas: 3}, "  - apply: {}\n  - waitFor: {rolledOut: true}\n  - expect: {podNames: [web-0, web-1, web-2]}\n"), "statefulset")
	expectationsOK(t, run)
	require.Len(t, run.Pods, 3)
	for i, p := range run.Pods {
		assert.Equal(t, fmt.Sprintf("web-%d", i), p.Name)
		assert.Equal(t, i, p.Slot)
		if i > 0 {
			prev := run.Pods[i-1]
			require.NotNil(t, prev.Ready)
			assert.GreaterOrEqual(t, p.Created, *prev.Ready, "%s created before %s was Ready", p.Name, prev.Name)
		}
	}
	// 2s to start and 3s to Ready per pod, in sequence.
	assert.Equal(t, []time.Duration{0, 5 * time.Second, 10 * time.Second}, []time.Duration{run.Pods[0].Created, run.Pods[1].Created, run.Pods[2].Created})
}

// TestParallelCreatesAllPodsAtOnce follows R-SYNC-5 and R-SCALE-3 (the
// Parallel pod management policy: allowsBurst in sts/stateful_set_utils.go,
// slowStartBatch in sts/stateful_set_control.go): every missing pod is
// created in the same sync without waiting for readiness.
func TestParallelCreatesAllPodsAtOnce(t *testing.T) {
	run := simtest.Run(t, scenario(set{replicas: 3, extra: "        podManagementPolicy: Parallel\n"}, "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "statefulset")
	require.Len(t, run.Pods, 3)
	for _, p := range run.Pods {
		assert.Equal(t, time.Duration(0), p.Created, p.Name)
		assert.Equal(t, 5*time.Second, deref(p.Ready), p.Name)
	}
}

// TestClaimIsCreatedBeforeItsPod follows R-POD-2, R-PVC-1 and R-PVC-2
// (CreateStatefulPod in sts/stateful_pod_control.go,
// getPersistentVolumeClaimName in sts/stateful_set_utils.go): the claims
// "<template>-<set>-<ordinal>" are created, then the pod, with upstream's
// event wording (the invariant checker also checks the order at every pod
// creation).
func TestClaimIsCreatedBeforeItsPod(t *testing.T) {
	run := simtest.Run(t, scenario(set{replicas: 2}, "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "statefulset")
	var order []string
	for _, e := range run.Events {
		if e.Reason == "SuccessfulCreate" {
			order = append(order, e.Message)
		}
	}
	assert.Equal(t, []string{
		"create Claim data-web-0 Pod web-0 in StatefulSet web success",
		"create Pod web-0 in StatefulSet web successful",
		"create Claim data-web-1 Pod web-1 in StatefulSet web success",
		"create Pod web-1 in StatefulSet web successful",
	}, order)
	for i, p := range run.Pods {
		assert.Equal(t, []string{fmt.Sprintf("data-web-%d", i)}, p.Claims)
	}
}

// TestDeletedPodComesBackWithSameNameClaimAndData follows R-ID-5, R-PVC-3,
// R-PVC-R6, R-DNS-2, R-DNS-4 and R-NODE-1 (the stable identity and storage
// of the StatefulSet docs; processReplica in sts/stateful_set_control.go;
// initIdentity in sts/stateful_set_utils.go): the replacement has the same
// name, hostname, subdomain and claim with its data, a new UID and IP, is
// created only once the old pod object is gone (no two pods of one
// identity), and its stable name resolves to the new IP.
func TestDeletedPodComesBackWithSameNameClaimAndData(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: v1}
  - deletePod: {target: {ordinal: 1}}
  - waitFor: {podReady: {ordinal: 1}}
  - expect:
      podNames: [web-0, web-1, web-2]
      read: {target: {ordinal: 1}, volume: data, key: k, value: v1}
      resolve: {name: web-1.web, pod: web-1}
  - resolve: {name: web-1.web}
`
	run := simtest.Run(t, scenario(set{replicas: 3}, steps), "statefulset")
	expectationsOK(t, run)
	inc := rows(run, "web-1")
	require.Len(t, inc, 2)
	old, repl := inc[0], inc[1]
	assert.NotEqual(t, old.UID, repl.UID)
	assert.NotEqual(t, old.IP, repl.IP)
	assert.Equal(t, old.Claims, repl.Claims)
	assert.Equal(t, "web-1", repl.Hostname)
	assert.Equal(t, "web", repl.Subdomain)
	assert.Equal(t, "web-1", repl.Replaced)
	require.NotNil(t, old.Gone)
	assert.GreaterOrEqual(t, repl.Created, *old.Gone, "replacement created before the old pod was gone")
	var answers []string
	for _, l := range run.Lookups {
		if l.Name == "web-1.web" {
			answers = l.Answers
		}
	}
	assert.Equal(t, []string{repl.IP}, answers, "the stable name resolves to the new IP")
}

// TestOrderedReadyScaleDownDeletesHighestOrdinalFirst follows R-SCALE-2,
// R-SYNC-2 and R-SYNC-8 (updateStatefulSet sorts condemned pods by
// descending ordinal; processCondemned in sts/stateful_set_control.go):
// condemned pods are deleted in descending ordinal order, one at a time,
// each after the previous one is gone.
func TestOrderedReadyScaleDownDeletesHighestOrdinalFirst(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n  - scale: {replicas: 1}\n  - waitFor: {ready: 1}\n  - waitFor: {gone: {pod: web-1}}\n  - expect: {podNames: [web-0]}\n"
	run := simtest.Run(t, scenario(set{replicas: 4}, steps), "statefulset")
	expectationsOK(t, run)
	assert.Equal(t, []string{"web-3", "web-2", "web-1"}, deletionOrder(run))
	for i := 3; i > 1; i-- {
		cur, next := rows(run, fmt.Sprintf("web-%d", i))[0], rows(run, fmt.Sprintf("web-%d", i-1))[0]
		require.NotNil(t, cur.Gone)
		assert.GreaterOrEqual(t, deref(next.Deleted), *cur.Gone, "web-%d deleted before web-%d was gone", i-1, i)
	}
}

// TestParallelScaleDownDeletesAllCondemnedAtOnce follows R-SCALE-3 and
// R-SYNC-8 (processCondemned in sts/stateful_set_control.go with monotonic
// false): every condemned pod is deleted in one sync.
func TestParallelScaleDownDeletesAllCondemnedAtOnce(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n  - scale: {replicas: 1}\n    after: 5s\n  - waitFor: {ready: 1}\n"
	run := simtest.Run(t, scenario(set{replicas: 4, extra: "        podManagementPolicy: Parallel\n"}, steps), "statefulset")
	var times []time.Duration
	for _, p := range run.Pods {
		if p.Deleted != nil {
			times = append(times, *p.Deleted)
		}
	}
	assert.Equal(t, []time.Duration{10 * time.Second, 10 * time.Second, 10 * time.Second}, times)
}

// TestScaleDownRetainsClaimsAndScaleUpReusesThem follows R-PVC-R1 and
// R-PVC-3 (the default persistentVolumeClaimRetentionPolicy Retain/Retain
// of SetDefaults_StatefulSet and getPersistentVolumeClaimRetentionPolicy;
// createPersistentVolumeClaims in sts/stateful_pod_control.go, which
// creates only missing claims): the claims of removed ordinals stay, and
// the pods that come back mount them with their data.
func TestScaleDownRetainsClaimsAndScaleUpReusesThem(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 2}, volume: data, key: k, value: kept}
  - scale: {replicas: 1}
  - waitFor: {ready: 1}
  - waitFor: {gone: {pod: web-1}}
  - expect: {pvcs: [data-web-0, data-web-1, data-web-2]}
  - scale: {replicas: 3}
  - waitFor: {rolledOut: true}
  - expect: {read: {target: {ordinal: 2}, volume: data, key: k, value: kept}}
`
	run := simtest.Run(t, scenario(set{replicas: 3}, steps), "statefulset")
	expectationsOK(t, run)
	assert.Len(t, run.Claims, 3)
}

// TestWhenScaledDeleteRemovesClaimsOfRemovedOrdinals follows R-PVC-R2,
// R-PVC-R3, R-PVC-R4, R-PVC-R5 and R-SYNC-7 (persistentVolumeClaimRetentionPolicy
// whenScaled: Delete; updateClaimOwnerRefForSetAndPod in
// sts/stateful_set_utils.go, then the garbage collector): the claims of
// condemned pods get the pod as owner and go with it; a later scale-up
// gets new, empty claims.
func TestWhenScaledDeleteRemovesClaimsOfRemovedOrdinals(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: lost}
  - scale: {replicas: 1}
  - waitFor: {gone: {pod: web-1}}
  - waitFor: {ready: 1, timeout: 10s}
  - expect: {pvcs: [data-web-0]}
  - scale: {replicas: 2}
  - waitFor: {rolledOut: true}
  - expect: {read: {target: {ordinal: 1}, volume: data, key: k, missing: true}}
`
	run := simtest.Run(t, scenario(set{replicas: 2, extra: "        persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n"}, steps), "statefulset")
	expectationsOK(t, run)
	var names []string
	for _, c := range run.Claims {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"data-web-0", "data-web-1", "data-web-1"}, names, "a second data-web-1 claim is created")
	assert.Equal(t, []string{"Pod/web-1"}, run.Claims[1].OwnerReferences)
}

// TestRollingUpdateReplacesHighestOrdinalFirst follows R-UPD-8, R-UPD-11,
// R-STAT-5, R-REV-1 and R-UPD-4 (the RollingUpdate strategy:
// updateStatefulSetAfterInvariantEstablished in sts/stateful_set_control.go
// with maxUnavailable 1, completeUpdate in sts/stateful_set_utils.go): one
// template change makes one revision; pods at the old revision are deleted
// from the highest ordinal down, one at a time, each once the previous
// replacement is Ready, and come back at the update revision; then
// currentRevision moves. This is also the net effect of the gate-off
// legacy path of R-UPD-4, which stsim does not model as such.
func TestRollingUpdateReplacesHighestOrdinalFirst(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n" + applyWorkload(set{replicas: 3, image: "nginx:1.28"}) + "  - waitFor: {rolledOut: true}\n"
	run := simtest.Run(t, scenario(set{replicas: 3}, steps), "statefulset")
	require.Len(t, run.Revisions, 2)
	assert.Equal(t, []string{"web-2", "web-1", "web-0"}, deletionOrder(run))
	newRev := run.Revisions[1].Name
	for _, name := range []string{"web-0", "web-1", "web-2"} {
		inc := rows(run, name)
		require.Len(t, inc, 2, name)
		assert.Equal(t, run.Revisions[0].Name, inc[0].Revision)
		assert.Equal(t, newRev, inc[1].Revision)
	}
	for _, pair := range [][2]string{{"web-2", "web-1"}, {"web-1", "web-0"}} {
		repl, next := rows(run, pair[0])[1], rows(run, pair[1])[0]
		require.NotNil(t, repl.Ready)
		assert.GreaterOrEqual(t, deref(next.Deleted), *repl.Ready, "%s deleted before the new %s was Ready", pair[1], pair[0])
	}
	last := run.Status[len(run.Status)-1]
	assert.Equal(t, newRev, last.CurrentRevision, "completeUpdate moves currentRevision")
	assert.Equal(t, newRev, last.UpdateRevision)
}

// TestPartitionKeepsLowerOrdinalsAtCurrentRevision follows R-UPD-8,
// R-UPD-11, R-STAT-5 and R-REV-5 (the partition of
// updateStatefulSetAfterInvariantEstablished, newVersionedStatefulSetPod,
// getStatefulSetRevisions in sts/): only ordinals at or above the
// partition are updated, and currentRevision stays the first revision.
func TestPartitionKeepsLowerOrdinalsAtCurrentRevision(t *testing.T) {
	part := "        updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}\n"
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n" + applyWorkload(set{replicas: 3, image: "nginx:1.28", extra: part}) + "  - waitFor: {rolledOut: true}\n"
	run := simtest.Run(t, scenario(set{replicas: 3, extra: part}, steps), "statefulset")
	assert.Equal(t, []string{"web-2"}, deletionOrder(run))
	last := run.Status[len(run.Status)-1]
	assert.Equal(t, run.Revisions[0].Name, last.CurrentRevision)
	assert.Equal(t, run.Revisions[1].Name, last.UpdateRevision)
	assert.Equal(t, int32(1), last.UpdatedReplicas)
}

// TestOnDeleteReplacesOnlyDeletedPods follows R-SYNC-9, R-UPD-6 and
// R-UPD-12 (updateStatefulSet in sts/stateful_set_control.go stops before
// the update step under OnDelete; newVersionedStatefulSetPod): the
// controller deletes nothing for a template change; a pod deleted by the
// user comes back at the update revision.
func TestOnDeleteReplacesOnlyDeletedPods(t *testing.T) {
	od := "        updateStrategy: {type: OnDelete}\n"
	steps := "  - apply: {}\n  - waitFor: {ready: 2}\n" + applyWorkload(set{replicas: 2, image: "nginx:1.28", extra: od}) +
		"  - deletePod: {target: {ordinal: 0}}\n    after: 10s\n  - waitFor: {podReady: {ordinal: 0}}\n"
	run := simtest.Run(t, scenario(set{replicas: 2, extra: od}, steps), "statefulset")
	assert.Equal(t, []string{"web-0"}, deletionOrder(run))
	inc := rows(run, "web-0")
	require.Len(t, inc, 2)
	assert.Equal(t, run.Revisions[1].Name, inc[1].Revision)
	assert.Equal(t, run.Revisions[0].Name, rows(run, "web-1")[0].Revision)
}

// TestRollbackReusesTheOldRevision follows R-REV-3 (getStatefulSetRevisions
// in sts/stateful_set_control.go): going
// back to an earlier template reuses that ControllerRevision (same name)
// and gives it the next revision number.
func TestRollbackReusesTheOldRevision(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n" + applyWorkload(set{replicas: 1, image: "nginx:1.28"}) +
		"  - waitFor: {rolledOut: true}\n" + applyWorkload(set{replicas: 1}) + "  - waitFor: {rolledOut: true}\n"
	run := simtest.Run(t, scenario(set{replicas: 1}, steps), "statefulset")
	require.Len(t, run.Revisions, 2)
	assert.Equal(t, int64(3), run.Revisions[0].Revision, "the first revision is reused as revision 3")
	inc := rows(run, "web-0")
	require.Len(t, inc, 3)
	assert.Equal(t, inc[0].Revision, inc[2].Revision)
}

// TestStatusReplicasCountsTerminatingPods follows R-STAT-1 and R-STAT-4
// (computeReplicaStatus in sts/stateful_set_control.go):
// status.replicas counts every created pod, terminating ones included,
// while currentReplicas and updatedReplicas leave them out.
func TestStatusReplicasCountsTerminatingPods(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n  - scale: {replicas: 1}\n  - waitFor: {ready: 1}\n"
	run := simtest.Run(t, scenario(set{replicas: 2, extra: "        podManagementPolicy: Parallel\n"}, steps), "statefulset")
	seen := false
	for _, s := range run.Status {
		if s.Replicas == 2 && s.CurrentReplicas != nil && *s.CurrentReplicas == 1 {
			seen = true
		}
	}
	assert.True(t, seen, "a status with replicas 2 (one terminating) and currentReplicas 1: %+v", run.Status)
}

// TestPodIdentityLabelsAndHostname follows R-ID-5, R-ID-6 and R-REV-2
// (initIdentity, updateIdentity and setPodRevision in
// sts/stateful_set_utils.go; ControllerRevisionName in
// pkg/controller/history): hostname = pod name, subdomain = serviceName, and the
// labels statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index
// and controller-revision-hash = "<set>-<hash>".
func TestPodIdentityLabelsAndHostname(t *testing.T) {
	run := simtest.Run(t, scenario(set{replicas: 2}, "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "statefulset")
	p := run.Pods[1]
	assert.Equal(t, "web-1", p.Labels["statefulset.kubernetes.io/pod-name"])
	assert.Equal(t, "1", p.Labels["apps.kubernetes.io/pod-index"])
	assert.Equal(t, run.Revisions[0].Name, p.Labels["controller-revision-hash"])
	assert.True(t, strings.HasPrefix(p.Labels["controller-revision-hash"], "web-"))
	assert.Equal(t, "web-1", p.Hostname)
	assert.Equal(t, "web", p.Subdomain)
}

// TestOrdinalsStartShiftsNames follows R-ID-2, R-ID-6 and R-PVC-1
// (getStartOrdinal, podInOrdinalRange, updateIdentity and
// getPersistentVolumeClaimName in sts/stateful_set_utils.go): with
// spec.ordinals.start 5 the pods are web-5 and web-6, their pod-index
// labels are "5" and "6", and their claims data-web-5 and data-web-6.
func TestOrdinalsStartShiftsNames(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n  - expect: {podNames: [web-5, web-6], pvcs: [data-web-5, data-web-6]}\n"
	run := simtest.Run(t, scenario(set{replicas: 2, extra: "        ordinals: {start: 5}\n"}, steps), "statefulset")
	expectationsOK(t, run)
	require.Len(t, run.Pods, 2)
	for i, p := range run.Pods {
		assert.Equal(t, fmt.Sprint(5+i), p.Labels["apps.kubernetes.io/pod-index"], p.Name)
		assert.Equal(t, p.Name, p.Labels["statefulset.kubernetes.io/pod-name"])
	}
}

// TestMinReadySecondsGatesTheNextOrdinal follows R-POD-6, R-SCALE-1 and
// R-SYNC-10 (isRunningAndAvailable in processReplica, PR #130909; the
// requeue after minReadySeconds in syncStatefulSet, sts/stateful_set.go):
// under OrderedReady the next pod waits until the previous one has been
// Ready for longer than minReadySeconds, and it comes without any pod
// event, from the requeue.
func TestMinReadySecondsGatesTheNextOrdinal(t *testing.T) {
	run := simtest.Run(t, scenario(set{replicas: 2, extra: "        minReadySeconds: 10\n"}, "  - apply: {}\n  - waitFor: {rolledOut: true}\n"), "statefulset")
	require.Len(t, run.Pods, 2)
	assert.Greater(t, run.Pods[1].Created, deref(run.Pods[0].Ready)+10*time.Second)
}

// statusTuples lists (replicas, ready, current, updated) of every status row.
func statusTuples(run *history.Run) [][4]int32 {
	var out [][4]int32
	for _, s := range run.Status {
		cur := int32(-1)
		if s.CurrentReplicas != nil {
			cur = *s.CurrentReplicas
		}
		out = append(out, [4]int32{s.Replicas, s.ReadyReplicas, cur, s.UpdatedReplicas})
	}
	return out
}

// TestRollingUpdateStatusSequenceMatchesUpstream follows R-STAT-4, R-REV-5,
// R-UPD-8 and R-UPD-4 (computeReplicaStatus, updateStatefulSet and
// updateStatefulSetAfterInvariantEstablished in
// sts/stateful_set_control.go). It pins the status rows of a
// 4-replica OrderedReady rolling update to those the v1.37.2 StatefulSet
// controller wrote for the same scenario (run through the upstream
// controller with an emulated API server and kubelet): the status is
// computed from the pods listed at the start of each sync (updateStatus,
// computeReplicaStatus), and currentReplicas drops in the sync that deletes
// a pod for the update.
func TestRollingUpdateStatusSequenceMatchesUpstream(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n" + applyWorkload(set{replicas: 4, image: "nginx:1.28"}) + "    after: 10s\n  - waitFor: {rolledOut: true}\n"
	run := simtest.Run(t, scenario(set{replicas: 4}, steps), "statefulset")
	assert.Equal(t, [][4]int32{
		{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 1, 1}, {1, 1, 1, 1}, {2, 1, 2, 2}, {2, 2, 2, 2}, {3, 2, 3, 3}, {3, 3, 3, 3},
		{4, 3, 4, 4}, {4, 4, 4, 4}, {4, 4, 3, 0}, {3, 3, 3, 0}, {4, 3, 3, 1}, {4, 4, 2, 1}, {3, 3, 2, 1}, {4, 3, 2, 2},
		{4, 4, 1, 2}, {3, 3, 1, 2}, {4, 3, 1, 3}, {4, 4, 0, 3}, {3, 3, 0, 3}, {4, 3, 0, 4}, {4, 4, 4, 4},
	}, statusTuples(run))
}

// TestScaleStatusSequenceMatchesUpstream follows R-STAT-4, R-SYNC-2,
// R-SCALE-1 and R-SCALE-2 (computeReplicaStatus, processReplica and
// processCondemned in sts/stateful_set_control.go). It pins the status
// rows of a pod
// deletion, a scale-up from 3 to 5 and a scale-down to 2 to those of the
// v1.37.2 controller for the same scenario.
func TestScaleStatusSequenceMatchesUpstream(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - deletePod: {target: {ordinal: 1}}
    after: 10s
  - waitFor: {podReady: {ordinal: 1}}
  - scale: {replicas: 5}
    after: 10s
  - waitFor: {rolledOut: true}
  - scale: {replicas: 2}
    after: 10s
  - waitFor: {ready: 2}
`
	run := simtest.Run(t, strings.Replace(scenario(set{replicas: 3}, steps), "shutdown: 1s", "shutdown: 2s", 1), "statefulset")
	assert.Equal(t, [][4]int32{
		{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 1, 1}, {1, 1, 1, 1}, {2, 1, 2, 2}, {2, 2, 2, 2}, {3, 2, 3, 3}, {3, 3, 3, 3},
		{3, 3, 2, 2}, {2, 2, 2, 2}, {3, 2, 3, 3}, {3, 3, 3, 3}, {3, 3, 3, 3}, {4, 3, 4, 4}, {4, 4, 4, 4}, {5, 4, 5, 5},
		{5, 5, 5, 5}, {5, 5, 5, 5}, {5, 5, 4, 4}, {4, 4, 4, 4}, {4, 4, 3, 3}, {3, 3, 3, 3}, {3, 3, 2, 2}, {2, 2, 2, 2},
	}, statusTuples(run))
	assert.Equal(t, []string{"web-1", "web-4", "web-3", "web-2"}, deletionOrder(run))
}
