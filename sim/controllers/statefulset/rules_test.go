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

// This file pins the StatefulSet rules of docs/rules.md that the workload
// actions (setImage, patch, rolloutUndo, deleteWorkload, deleteClaim,
// patchPod) make visible, one test per rule, table-driven over the pod
// management policies and retention policies where they apply.

var policies = []string{"OrderedReady", "Parallel"}

func policy(p string) string { return "        podManagementPolicy: " + p + "\n" }

// eventsOf lists "reason: message" of the events about one object.
func eventsOf(run *history.Run, kind, name string) []string {
	var out []string
	for _, e := range run.Events {
		if e.Kind == kind && e.Name == name {
			out = append(out, e.Reason+": "+e.Message)
		}
	}
	return out
}

// TestLongSetNameFailsEveryPodCreate follows R-ID-8 (ValidateStatefulSetName
// allows a 63-character label; the pod's controller-revision-hash label
// "<set>-<hash>" must also fit in 63 characters, issues #64023 and #79337):
// a set whose name passes validation but is too long for the revision
// label never gets a pod; every create fails with FailedCreate and the
// status keeps replicas 0.
func TestLongSetNameFailsEveryPodCreate(t *testing.T) {
	name := strings.Repeat("a", 60)
	text := strings.ReplaceAll(scenario(set{replicas: 2}, "  - apply: {}\n  - waitFor: {rolledOut: true, timeout: 1m}\n"),
		"metadata: {name: web}\n      spec:\n        serviceName", "metadata: {name: "+name+"}\n      spec:\n        serviceName")
	run := simtest.Run(t, text, "statefulset")
	assert.Empty(t, run.Pods, "no pod is created")
	events := eventsOf(run, "StatefulSet", name)
	require.NotEmpty(t, events)
	assert.Regexp(t, `^FailedCreate: create Pod a{60}-0 in StatefulSet a{60} failed error: Pod "a{60}-0" is invalid: metadata.labels: Invalid value: "a{60}-[0-9a-z]+": must be no more than 63 bytes$`, events[len(events)-1])
	for _, s := range run.Status {
		assert.Zero(t, s.Replicas)
	}
	require.NotEmpty(t, run.Errors, "the failing sync is retried with backoff")
	assert.Equal(t, "statefulset-controller", run.Errors[0].Controller)
}

// TestIdentityRepairKeepsThePod follows R-ID-7 and R-POD-7 (identityMatches
// and UpdateStatefulPod in processReplica, sts/): a pod that lost its identity
// label is given it back by an update, under both policies; it is not
// deleted or recreated.
func TestIdentityRepairKeepsThePod(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - patchPod: {target: {pod: web-1}, patch: {metadata: {labels: {statefulset.kubernetes.io/pod-name: null, apps.kubernetes.io/pod-index: null}}}}
  - expect: {podNames: [web-0, web-1, web-2]}
`
			run := simtest.Run(t, scenario(set{replicas: 3, extra: policy(p)}, steps), "statefulset")
			expectationsOK(t, run)
			inc := rows(run, "web-1")
			require.Len(t, inc, 1, "the same pod, not a new one")
			assert.Nil(t, inc[0].Deleted)
			assert.Equal(t, "web-1", inc[0].Labels["statefulset.kubernetes.io/pod-name"])
			assert.Equal(t, "1", inc[0].Labels["apps.kubernetes.io/pod-index"])
		})
	}
}

// TestOrphanedPodsAreAdoptedByANewSet follows R-ID-4 and R-DEL-2
// (getPodsForStatefulSet with ClaimPods, adoptOrphanRevisions): a set
// deleted with cascade orphan leaves its pods running; a set created again
// with the same selector adopts them (same pods, same revision) and they
// keep their claims and data.
func TestOrphanedPodsAreAdoptedByANewSet(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: kept}
  - deleteWorkload: {cascade: orphan}
    after: 5s
  - expect: {pods: 0}
  - apply: {}
    after: 10s
  - waitFor: {rolledOut: true}
  - expect: {podNames: [web-0, web-1], read: {target: {ordinal: 1}, volume: data, key: k, value: kept}}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	expectationsOK(t, run)
	require.Len(t, run.Pods, 2, "no pod was deleted or created again")
	for _, p := range run.Pods {
		assert.Nil(t, p.Deleted, p.Name)
	}
	assert.Len(t, run.Revisions, 1, "the orphaned revision is adopted, not made again")
}

// TestOnlyTemplateChangesMakeRevisions follows R-REV-1 (getPatch: only
// spec.template is versioned): scaling, a partition, minReadySeconds and
// the retention policy make no ControllerRevision; an image does.
func TestOnlyTemplateChangesMakeRevisions(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - scale: {replicas: 3}
  - patch: {spec: {minReadySeconds: 1, updateStrategy: {rollingUpdate: {partition: 1}}, persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}}}
  - waitFor: {rolledOut: true}
  - expect: {status: {currentRevision: 1, updateRevision: 1}}
  - setImage: {image: "nginx:1.28"}
  - waitFor: {rolledOut: true}
  - expect: {status: {currentRevision: 1, updateRevision: 2, updatedReplicas: 2}}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	expectationsOK(t, run)
	assert.Len(t, run.Revisions, 2)
}

// TestRevisionHistoryIsTruncated follows R-REV-6 (truncateHistory):
// revisions that no pod uses and that are neither current nor update are
// deleted oldest first, keeping revisionHistoryLimit of them.
func TestRevisionHistoryIsTruncated(t *testing.T) {
	steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n"
	for i := 2; i <= 5; i++ {
		steps += fmt.Sprintf("  - setImage: {image: \"nginx:1.%d\"}\n  - waitFor: {rolledOut: true}\n", i)
	}
	run := simtest.Run(t, scenario(set{replicas: 1, extra: "        revisionHistoryLimit: 2\n"}, steps), "statefulset")
	var kept []int64
	for _, r := range run.Revisions {
		if r.Gone == nil {
			kept = append(kept, r.Revision)
		}
	}
	assert.Equal(t, []int64{3, 4, 5}, kept, "the current revision and the two before it")
}

// TestRolloutUndoGoesBackToAnEarlierRevision follows R-REV-3
// (getStatefulSetRevisions) through kubectl's StatefulSetRollbacker:
// rolloutUndo puts back the previous template, which reuses its
// ControllerRevision with the next number; toRevision names one.
func TestRolloutUndoGoesBackToAnEarlierRevision(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:1.28"}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:1.29"}
  - waitFor: {rolledOut: true}
  - rolloutUndo: {}
  - waitFor: {rolledOut: true}
  - expect: {status: {updateRevision: 4, currentRevision: 4}}
  - rolloutUndo: {toRevision: 1}
  - waitFor: {rolledOut: true}
  - rolloutUndo: {toRevision: 9}
`
	run := simtest.Run(t, scenario(set{replicas: 1}, steps), "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	var images []string
	for _, r := range run.Revisions {
		images = append(images, fmt.Sprintf("%s=%d", r.Name, r.Revision))
	}
	require.Len(t, run.Revisions, 3, "%v", images)
	assert.Equal(t, int64(5), run.Revisions[0].Revision, "toRevision 1 reuses the first revision as 5")
	assert.Equal(t, int64(4), run.Revisions[1].Revision, "the first undo reuses nginx:1.28's revision as 4")
	require.Len(t, run.Findings, 1)
	assert.Contains(t, run.Findings[0].Message, "rolloutUndo: unable to find specified revision 9 in history")
}

// TestUnavailableCondemnedPodIsDeletedFirst follows R-SYNC-3, R-SCALE-2
// and R-SYNC-8 (firstUnavailablePod, processCondemned in
// sts/stateful_set_control.go): under OrderedReady an
// unavailable condemned pod blocks scale-down unless it is the first
// unavailable pod; here it is, so scaling down removes the pod a stuck
// rollout left unready. The rollout then goes on with web-1, since the
// update revision is still the broken one.
func TestUnavailableCondemnedPodIsDeletedFirst(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "broken:1"}
  - waitFor: {rolledOut: true, timeout: 30s}
  - scale: {replicas: 2}
  - waitFor: {gone: {pod: web-2}, timeout: 30s}
`
	text := strings.Replace(scenario(set{replicas: 3}, steps), "  timing:", "  images: {\"broken:1\": {ready: never}}\n  timing:", 1)
	run := simtest.Run(t, text, "statefulset")
	require.Len(t, run.Findings, 1, "the rollout is stuck on web-2")
	assert.Contains(t, run.Findings[0].Message, "web-2 (Running")
	assert.Equal(t, []string{"web-2", "web-2", "web-1"}, deletionOrder(run))
	web2 := rows(run, "web-2")
	require.Len(t, web2, 2)
	assert.Nil(t, web2[1].Ready, "the broken web-2 is deleted while unready")
}

// TestSetBeingDeletedOnlyGetsStatus follows R-SYNC-4, R-DEL-1 and R-DEL-3
// (updateStatefulSet does nothing but status for a set with a
// deletionTimestamp; the garbage collector deletes the pods): with
// cascade foreground the set stays while its pods terminate, all at once,
// and none is created again; the revisions go with the set and the claims
// (whenDeleted Retain) stay.
func TestSetBeingDeletedOnlyGetsStatus(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - deleteWorkload: {cascade: foreground}
    after: 5s
  - expect: {terminating: [web-0, web-1, web-2], status: {replicas: 3}}
  - waitFor: {gone: all}
`
			run := simtest.Run(t, strings.Replace(scenario(set{replicas: 3, extra: policy(p)}, steps), "shutdown: 1s", "shutdown: 3s", 1), "statefulset")
			expectationsOK(t, run)
			assert.Len(t, run.Pods, 3, "no pod is created again")
			for _, pod := range run.Pods {
				assert.Equal(t, run.Pods[0].Deleted, pod.Deleted, "deleted together, in no order")
			}
			require.NotEmpty(t, run.Revisions)
			assert.NotNil(t, run.Revisions[0].Gone, "the revisions go with the set")
			var remaining []string
			for _, c := range run.Claims {
				if c.Gone == nil {
					remaining = append(remaining, c.Name)
				}
			}
			assert.Len(t, remaining, 3, "whenDeleted Retain keeps the claims")
		})
	}
}

// TestDeletingTheSetCascades follows R-DEL-1 and R-DEL-2 for each cascade
// of kubectl delete: background removes the set at once and the pods
// after; foreground removes the set once its pods are gone; orphan removes
// the set and leaves the pods running.
func TestDeletingTheSetCascades(t *testing.T) {
	for _, tc := range []struct {
		cascade     string
		podsDeleted bool
	}{{"background", true}, {"foreground", true}, {"orphan", false}} {
		t.Run(tc.cascade, func(t *testing.T) {
			steps := fmt.Sprintf("  - apply: {}\n  - waitFor: {rolledOut: true}\n  - deleteWorkload: {cascade: %s}\n    after: 5s\n", tc.cascade)
			run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
			for _, p := range run.Pods {
				assert.Equal(t, tc.podsDeleted, p.Deleted != nil, "%s deleted", p.Name)
			}
		})
	}
}

// TestScalingTakesPrecedenceOverUpdates follows R-SYNC-11
// (updateStatefulSet): when the replicas and the template change together,
// OrderedReady first creates the new ordinals, at the update revision, and
// only then replaces the old pods.
func TestScalingTakesPrecedenceOverUpdates(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {replicas: 4, template: {spec: {containers: [{name: nginx, image: "nginx:1.28"}]}}}}
    after: 10s
  - waitFor: {rolledOut: true}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	web3 := rows(run, "web-3")
	require.Len(t, web3, 1)
	firstDeletion := deletionOrder(run)[0]
	assert.Equal(t, "web-1", firstDeletion)
	assert.LessOrEqual(t, deref(web3[0].Ready), deref(rows(run, "web-1")[0].Deleted), "web-3 is Ready before the update deletes anything")
	assert.Equal(t, run.Revisions[1].Name, rows(run, "web-2")[0].Revision, "new ordinals get the update revision")
}

// TestTerminatingPodBlocksOrderedReady follows R-POD-4 (processReplica):
// under OrderedReady a pod that is terminating stops the sync, so a
// scale-up waits until it is gone and back; under Parallel it does not.
func TestTerminatingPodBlocksOrderedReady(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - deletePod: {target: {pod: web-0}}
    after: 5s
  - scale: {replicas: 3}
  - waitFor: {rolledOut: true}
`
			run := simtest.Run(t, strings.Replace(scenario(set{replicas: 2, extra: policy(p)}, steps), "shutdown: 1s", "shutdown: 10s", 1), "statefulset")
			old := rows(run, "web-0")[0]
			web2 := rows(run, "web-2")
			require.Len(t, web2, 1)
			if p == "OrderedReady" {
				assert.Greater(t, web2[0].Created, *old.Gone, "web-2 waits for web-0 to be gone and back")
			} else {
				assert.Less(t, web2[0].Created, *old.Gone, "Parallel does not wait")
			}
		})
	}
}

// TestChangingTheStartOrdinal follows R-SCALE-4 and R-ID-2
// (updateStatefulSet with getStartOrdinal and podInOrdinalRange, sts/): moving spec.ordinals.start from 0 to 2 creates the new
// ordinals first, then removes the ones now out of range, highest first.
func TestChangingTheStartOrdinal(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {ordinals: {start: 2}}}
    after: 5s
  - waitFor: {gone: {pod: web-0}}
  - expect: {podNames: [web-2, web-3, web-4]}
`
	run := simtest.Run(t, scenario(set{replicas: 3}, steps), "statefulset")
	expectationsOK(t, run)
	assert.Equal(t, []string{"web-1", "web-0"}, deletionOrder(run))
	assert.LessOrEqual(t, deref(rows(run, "web-4")[0].Ready), deref(rows(run, "web-1")[0].Deleted), "the new ordinals are Ready first")
}

// TestPartitionIsRelativeToTheStartOrdinal follows R-UPD-5
// (newVersionedStatefulSetPod and updateStatefulSetAfterInvariantEstablished
// compare ordinal − start with the partition, issue #128529): with start 3
// and partition 1 only web-4 and web-5 are updated.
func TestPartitionIsRelativeToTheStartOrdinal(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:1.28"}
  - waitFor: {rolledOut: true}
  - expect: {status: {updatedReplicas: 2, currentRevision: 1, updateRevision: 2}}
`
	run := simtest.Run(t, scenario(set{replicas: 3, extra: "        ordinals: {start: 3}\n        updateStrategy: {rollingUpdate: {partition: 1}}\n"}, steps), "statefulset")
	expectationsOK(t, run)
	assert.Equal(t, []string{"web-5", "web-4"}, deletionOrder(run))
}

// TestPartitionAtReplicasStagesTheUpdate follows R-UPD-7: with a
// partition at or above replicas a template change makes the update
// revision but replaces no pod; lowering the partition rolls it out.
func TestPartitionAtReplicasStagesTheUpdate(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:1.28"}
  - expect: {status: {updatedReplicas: 0, updateRevision: 2}}
  - patch: {spec: {updateStrategy: {rollingUpdate: {partition: 0}}}}
    after: 10s
  - waitFor: {rolledOut: true}
  - expect: {status: {updatedReplicas: 2, currentRevision: 2}}
`
	run := simtest.Run(t, scenario(set{replicas: 2, extra: "        updateStrategy: {rollingUpdate: {partition: 2}}\n"}, steps), "statefulset")
	expectationsOK(t, run)
	for _, p := range run.Pods {
		if p.Deleted != nil {
			assert.GreaterOrEqual(t, *p.Deleted, 10*time.Second+5*time.Second, "%s deleted before the partition moved", p.Name)
		}
	}
}

// TestPodBelowThePartitionComesBackAtTheCurrentRevision follows R-UPD-6
// (newVersionedStatefulSetPod): a deleted pod below the partition is
// created again from the current revision, one at or above it from the
// update revision.
func TestPodBelowThePartitionComesBackAtTheCurrentRevision(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:1.28"}
  - waitFor: {rolledOut: true}
  - deletePod: {target: {pod: web-0}}
  - waitFor: {podReady: {pod: web-0}}
`
	run := simtest.Run(t, scenario(set{replicas: 3, extra: "        updateStrategy: {rollingUpdate: {partition: 2}}\n"}, steps), "statefulset")
	web0 := rows(run, "web-0")
	require.Len(t, web0, 2)
	assert.Equal(t, run.Revisions[0].Name, web0[1].Revision, "below the partition: the current revision")
	assert.Equal(t, run.Revisions[1].Name, rows(run, "web-2")[1].Revision)
}

// TestMaxUnavailableReplacesSeveralPodsAtOnce follows R-UPD-8 and R-UPD-9
// (getStatefulSetMaxUnavailable rounds a percentage down, at least 1;
// updateStatefulSetAfterInvariantEstablished): maxUnavailable 2, or 50% of
// 4, deletes two old pods per step, highest first; under OrderedReady they
// come back lowest first.
func TestMaxUnavailableReplacesSeveralPodsAtOnce(t *testing.T) {
	for _, mu := range []string{"2", "50%", "60%"} {
		t.Run(mu, func(t *testing.T) {
			extra := "        updateStrategy: {rollingUpdate: {maxUnavailable: " + mu + "}}\n"
			steps := "  - apply: {}\n  - waitFor: {rolledOut: true}\n  - setImage: {image: \"nginx:1.28\"}\n    after: 5s\n  - waitFor: {rolledOut: true}\n"
			run := simtest.Run(t, scenario(set{replicas: 4, extra: extra}, steps), "statefulset")
			deleted := map[string]time.Duration{}
			for _, p := range run.Pods {
				if p.Deleted != nil {
					deleted[p.Name] = *p.Deleted
				}
			}
			assert.Equal(t, deleted["web-3"], deleted["web-2"], "web-3 and web-2 go together")
			assert.Equal(t, deleted["web-1"], deleted["web-0"], "then web-1 and web-0")
			assert.Less(t, deleted["web-3"], deleted["web-1"])
			assert.Less(t, rows(run, "web-2")[1].Created, rows(run, "web-3")[1].Created, "recreated lowest ordinal first")
		})
	}
}

// TestParallelRolloutReplacesUnavailableOldPodsFirst follows R-UPD-14
// (updateStatefulSetAfterInvariantEstablished, v1.37 PR #137666): a
// Parallel set whose new template never becomes Ready is reverted; the
// unready pods at the bad revision are deleted whatever the budget, so the
// set heals without anyone deleting a pod.
func TestParallelRolloutReplacesUnavailableOldPodsFirst(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "broken:1"}
  - waitFor: {rolledOut: true, timeout: 30s}
  - setImage: {image: "nginx:1.27"}
  - waitFor: {rolledOut: true, timeout: 1m}
  - expect: {ready: 3, status: {updatedReplicas: 3}}
`
	text := strings.Replace(scenario(set{replicas: 3, extra: policy("Parallel")}, steps), "  timing:", "  images: {\"broken:1\": {ready: never}}\n  timing:", 1)
	run := simtest.Run(t, text, "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	require.Len(t, run.Findings, 1, "only the wait on the broken image times out")
	assert.Equal(t, []string{"web-2", "web-2"}, deletionOrder(run), "the broken pod goes without a deletePod step")
}

// TestForcedRollbackNeedsTheBrokenPodDeleted follows R-UPD-13 (the
// StatefulSet docs' "Forced rollback"): under OrderedReady a rollout stuck
// on a pod that never becomes Ready stays stuck after the template is
// reverted; once the broken pod is deleted it comes back at the reverted
// revision and the rollout completes.
func TestForcedRollbackNeedsTheBrokenPodDeleted(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "broken:1"}
  - waitFor: {rolledOut: true, timeout: 30s}
  - setImage: {image: "nginx:1.27"}
  - waitFor: {rolledOut: true, timeout: 30s}
  - deletePod: {target: {pod: web-2}}
  - waitFor: {rolledOut: true}
  - expect: {ready: 3, status: {currentRevision: 3, updateRevision: 3}}
`
	text := strings.Replace(scenario(set{replicas: 3}, steps), "  timing:", "  images: {\"broken:1\": {ready: never}}\n  timing:", 1)
	run := simtest.Run(t, text, "statefulset")
	for _, e := range run.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	require.Len(t, run.Findings, 2, "both waits time out")
	assert.Contains(t, run.Findings[1].Message, "web-2 (Running")
	assert.Equal(t, []string{"web-2", "web-2"}, deletionOrder(run), "only the broken pod is replaced, twice")
}

// TestOnDeleteCompletesWhenEveryPodIsUpdated follows R-UPD-12 (v1.37
// completeUpdate no longer checks the strategy): under OnDelete the
// controller deletes nothing, and once every pod was deleted by hand and is
// Ready at the update revision, currentRevision advances.
func TestOnDeleteCompletesWhenEveryPodIsUpdated(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {ready: 2}
  - setImage: {image: "nginx:1.28"}
  - expect: {status: {updatedReplicas: 0, currentRevision: 1, updateRevision: 2}}
  - deletePod: {target: all}
    after: 5s
  - waitFor: {ready: 2}
  - expect: {status: {updatedReplicas: 2, currentRevision: 2}}
`
	run := simtest.Run(t, scenario(set{replicas: 2, extra: "        updateStrategy: {type: OnDelete}\n"}, steps), "statefulset")
	expectationsOK(t, run)
}

// TestRollingUpdateKeepsTheClaims follows R-UPD-15 and R-PVC-3: pods
// replaced by a rolling update mount the same claims, with their data.
func TestRollingUpdateKeepsTheClaims(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: all, volume: data, key: k, value: before}
  - setImage: {image: "nginx:1.28"}
  - waitFor: {rolledOut: true}
  - read: {target: all, volume: data, key: k}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	require.Len(t, run.Reads, 2)
	for _, r := range run.Reads {
		assert.True(t, r.Found, r.Pod)
		assert.Equal(t, "before", r.Value)
	}
	assert.Len(t, run.Claims, 2)
}

// TestRetentionPolicyOwnerReferences follows R-PVC-R2, R-PVC-R3, R-PVC-R4,
// R-PVC-R6 and R-DEL-3 (isClaimOwnerUpToDate, updateClaimOwnerRefForSetAndPod, the garbage
// collector) for the four whenScaled/whenDeleted combinations under both
// policies: which owner each claim gets, which claims a scale-down removes
// and which the deletion of the set removes.
func TestRetentionPolicyOwnerReferences(t *testing.T) {
	for _, tc := range []struct {
		whenScaled, whenDeleted string
		inRange                 []string // owners of a claim of a pod in range
		afterScaleDown          []string // claims left after scaling 3 to 1
		afterDelete             []string // claims left once the set is deleted
	}{
		{"Retain", "Retain", []string{}, []string{"data-web-0", "data-web-1", "data-web-2"}, []string{"data-web-0", "data-web-1", "data-web-2"}},
		{"Retain", "Delete", []string{"StatefulSet/web"}, []string{"data-web-0", "data-web-1", "data-web-2"}, nil},
		{"Delete", "Retain", []string{}, []string{"data-web-0"}, []string{"data-web-0"}},
		{"Delete", "Delete", []string{"StatefulSet/web"}, []string{"data-web-0"}, nil},
	} {
		for _, p := range policies {
			t.Run(tc.whenScaled+"/"+tc.whenDeleted+"/"+p, func(t *testing.T) {
				extra := policy(p) + fmt.Sprintf("        persistentVolumeClaimRetentionPolicy: {whenScaled: %s, whenDeleted: %s}\n", tc.whenScaled, tc.whenDeleted)
				steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - deletePod: {target: {pod: web-0}}
  - waitFor: {podReady: {pod: web-0}}
  - scale: {replicas: 1}
    after: 5s
  - waitFor: {gone: {pod: web-1}}
  - waitFor: {ready: 1, timeout: 10s}
  - expect: {pvcs: [` + strings.Join(tc.afterScaleDown, ", ") + `]}
  - deleteWorkload: {}
  - waitFor: {gone: all}
`
				run := simtest.Run(t, scenario(set{replicas: 3, extra: extra}, steps), "statefulset")
				expectationsOK(t, run)
				assert.Equal(t, tc.inRange, run.Claims[0].OwnerReferences, "the claim of a pod in range")
				var left []string
				for _, c := range run.Claims {
					if c.Gone == nil {
						left = append(left, c.Name)
					}
				}
				assert.Equal(t, tc.afterDelete, left, "claims left once the set and its pods are gone")
				assert.Len(t, rows(run, "web-0"), 2, "a deleted pod in range keeps its claim (R-PVC-R6)")
				assert.Equal(t, "data-web-0", run.Claims[0].Name)
			})
		}
	}
}

// TestStaleClaimWaitsForTheGarbageCollector follows R-POD-2 and R-PVC-R5
// (PodClaimIsStale): with whenScaled Delete, a slot scaled down and at once
// back up is not created while its old claim, owned by the old pod, still
// exists; the controller does not watch claims, so the pod comes at the
// set's next sync, with a new, empty claim.
func TestStaleClaimWaitsForTheGarbageCollector(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: lost}
  - scale: {replicas: 1}
  - scale: {replicas: 2}
    after: 500ms
  - waitFor: {gone: {pod: web-1}}
  - expect: {podNames: [web-0], pvcs: [data-web-0]}
  - patchPod: {target: {pod: web-0}, patch: {metadata: {labels: {touched: "yes"}}}}
    after: 10s
  - waitFor: {rolledOut: true}
  - expect: {podNames: [web-0, web-1], read: {target: {ordinal: 1}, volume: data, key: k, missing: true}}
`
	extra := "        persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n"
	run := simtest.Run(t, strings.Replace(scenario(set{replicas: 2, extra: extra}, steps), "shutdown: 1s", "shutdown: 3s", 1), "statefulset")
	expectationsOK(t, run)
	web1 := rows(run, "web-1")
	require.Len(t, web1, 2)
	assert.GreaterOrEqual(t, web1[1].Created, 10*time.Second+*web1[0].Gone, "created at the next sync, not when the claim went")
}

// TestCondemnedPodBackInRangeKeepsItsClaim follows R-PVC-R7 (a pod in
// range has its claims' pod reference removed again): a Parallel set with
// whenScaled Delete scaled down and at once back up keeps the claim of the
// pod that came back in range, with its data.
func TestCondemnedPodBackInRangeKeepsItsClaim(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: kept}
  - scale: {replicas: 1}
  - scale: {replicas: 2}
    after: 500ms
  - waitFor: {gone: {pod: web-1}}
  - waitFor: {rolledOut: true}
  - expect: {pvcs: [data-web-0, data-web-1], read: {target: {ordinal: 1}, volume: data, key: k, value: kept}}
`
	extra := policy("Parallel") + "        persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n"
	run := simtest.Run(t, strings.Replace(scenario(set{replicas: 2, extra: extra}, steps), "shutdown: 1s", "shutdown: 3s", 1), "statefulset")
	expectationsOK(t, run)
	assert.Len(t, run.Claims, 2, "no claim was made again")
}

// TestDeletedClaimGivesTheNextPodAnEmptyVolume follows R-PVC-4 and
// pvc-protection: a claim deleted while its pod runs stays until the pod is
// gone; the pod that comes back gets a new, empty claim.
func TestDeletedClaimGivesTheNextPodAnEmptyVolume(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: lost}
  - deleteClaim: {target: {ordinal: 1}, volume: data}
  - expect: {pvcs: [data-web-0, data-web-1]}
  - deletePod: {target: {ordinal: 1}}
    after: 10s
  - waitFor: {podReady: {ordinal: 1}}
  - expect: {read: {target: {ordinal: 1}, volume: data, key: k, missing: true}}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	expectationsOK(t, run)
	var claims []string
	for _, c := range run.Claims {
		claims = append(claims, c.Name)
	}
	assert.Equal(t, []string{"data-web-0", "data-web-1", "data-web-1"}, claims)
	assert.Equal(t, run.Claims[1].Gone, rows(run, "web-1")[0].Gone, "the old claim goes with its pod")
}

// TestSetWithoutItsServiceStillRuns follows R-DNS-1: the controller does
// not check that the governing Service exists; the pods run, and their
// names do not resolve.
func TestSetWithoutItsServiceStillRuns(t *testing.T) {
	text := scenario(set{replicas: 2}, `  - apply: {}
  - waitFor: {rolledOut: true}
  - expect: {ready: 2, resolve: {name: web-0.web, nxdomain: true}}
`)
	text = strings.Replace(text, "      kind: Service\n      metadata: {name: web}\n", "      kind: Service\n      metadata: {name: other}\n", 1)
	run := simtest.Run(t, text, "statefulset")
	expectationsOK(t, run)
}

// TestRejectedChangeIsRecorded follows R-UPD-3 and R-UPD-2
// (ValidateStatefulSetUpdate and validateRollingUpdateStatefulSet in
// pkg/apis/apps/validation/validation.go): a patch of an immutable field is refused with its message;
// the run goes on and the rejected check sees it.
func TestRejectedChangeIsRecorded(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - expect: {rejected: false}
  - patch: {spec: {serviceName: other}}
  - expect: {rejected: {message: "spec: Forbidden: updates to statefulset spec for fields other than"}}
  - patch: {spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 0}}}}
  - expect: {rejected: {message: "spec.updateStrategy.rollingUpdate.maxUnavailable"}}
  - scale: {replicas: 3}
  - expect: {rejected: false}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	expectationsOK(t, run)
	require.Len(t, run.Rejections, 2)
	assert.True(t, slices.ContainsFunc(run.Events, func(e history.Event) bool { return e.Reason == "Rejected" }))
}

// TestReleasedPodBlocksItsOrdinal follows R-ID-4 (getPodsForStatefulSet
// with ClaimPods, pkg/controller/controller_ref_manager.go; CreateStatefulPod
// returns AlreadyExists without an event): a pod whose labels stop matching
// the selector is released, its controller reference removed, and runs on;
// the set no longer counts it and tries to create its ordinal again, which
// fails while the released pod holds the name, under both policies.
func TestReleasedPodBlocksItsOrdinal(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - patchPod: {target: {ordinal: 1}, patch: {metadata: {labels: {app: debug}}}}
  - expect: {pods: 1, podNames: [web-0]}
    after: 30s
  - expect: {status: {replicas: 1, readyReplicas: 1}}
`
			run := simtest.Run(t, scenario(set{replicas: 2, extra: policy(p)}, steps), "statefulset")
			expectationsOK(t, run)
			inc := rows(run, "web-1")
			require.Len(t, inc, 1, "no second web-1")
			assert.Nil(t, inc[0].Deleted)
			require.NotEmpty(t, run.Errors)
			assert.Contains(t, run.Errors[0].Message, `Pod "web-1" already exists`)
			for _, e := range eventsOf(run, "StatefulSet", "web") {
				assert.NotContains(t, e, "FailedCreate", "AlreadyExists is not an event")
			}
		})
	}
}

// TestCrashLoopingPodBlocksButIsNotReplaced follows R-POD-8 and R-POD-5
// (processReplica in sts/stateful_set_control.go deletes only Failed or
// Succeeded pods; a crash-looping container leaves the pod Running and
// unready): under OrderedReady the set waits on the crash-looping pod, never
// deletes it, and goes on once it runs again.
func TestCrashLoopingPodBlocksButIsNotReplaced(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - crashLoop: {target: {ordinal: 0}, until: 2m}
  - scale: {replicas: 3}
  - expect: {podNames: [web-0, web-1], ready: 1}
    after: 1m
  - waitFor: {ready: 3, timeout: 5m}
  - expect: {podNames: [web-0, web-1, web-2]}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	expectationsOK(t, run)
	inc := rows(run, "web-0")
	require.Len(t, inc, 1, "the crash-looping pod is never replaced")
	assert.Greater(t, inc[0].Restarts, int32(3))
	web2 := rows(run, "web-2")
	require.Len(t, web2, 1)
	assert.Greater(t, web2[0].Created, 2*time.Minute, "web-2 waits until web-0 runs again")
}

// TestEvictedPodIsReplacedUnderItsName follows R-POD-1 (processReplica:
// a Failed pod is deleted, and created again once it is gone): an evicted
// pod comes back with its name and its claim, under both policies.
func TestEvictedPodIsReplacedUnderItsName(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - write: {target: {ordinal: 1}, volume: data, key: k, value: v}
  - evictPod: {target: {ordinal: 1}}
  - waitFor: {ready: 2}
  - expect: {podNames: [web-0, web-1], read: {target: {ordinal: 1}, volume: data, key: k, value: v}}
`
			run := simtest.Run(t, scenario(set{replicas: 2, extra: policy(p)}, steps), "statefulset")
			expectationsOK(t, run)
			inc := rows(run, "web-1")
			require.Len(t, inc, 2)
			assert.Equal(t, "Failed", inc[0].Phase)
			assert.NotNil(t, inc[0].Gone, "the controller deleted the Failed pod")
			assert.GreaterOrEqual(t, inc[1].Created, *inc[0].Gone, "created again only once the Failed one is gone")
		})
	}
}

// TestForceDeletedPodIsCreatedAgainAtOnce follows R-POD-2 and R-NODE-1
// (force deletion removes the object without waiting for the kubelet, so
// the name is free at once; force-delete-stateful-set-pod docs): the
// replacement is created in the same instant.
func TestForceDeletedPodIsCreatedAgainAtOnce(t *testing.T) {
	steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - forceDeletePod: {target: {ordinal: 1}}
  - waitFor: {ready: 2}
`
	run := simtest.Run(t, scenario(set{replicas: 2}, steps), "statefulset")
	inc := rows(run, "web-1")
	require.Len(t, inc, 2)
	require.NotNil(t, inc[0].Gone)
	assert.Equal(t, *inc[0].Deleted, *inc[0].Gone, "gone at once")
	assert.Equal(t, *inc[0].Gone, inc[1].Created, "its name is free at once")
}

// A pod found settled is looked at again once the spec changes: changing the
// retention policy of a rolled-out set gives the claims of its settled pods
// the set as owner at the next sync (R-PVC-R2, ClaimsMatchRetentionPolicy
// in updateStatefulSet, as upstream checks every replica on every sync).
func TestSettledPodsSeeARetentionPolicyChange(t *testing.T) {
	for _, p := range policies {
		t.Run(p, func(t *testing.T) {
			steps := `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}}}
    after: 5s
  - deleteWorkload: {}
    after: 5s
  - waitFor: {gone: all}
`
			run := simtest.Run(t, scenario(set{replicas: 2, extra: policy(p)}, steps), "statefulset")
			expectationsOK(t, run)
			for _, c := range run.Claims {
				assert.Equal(t, []string{"StatefulSet/web"}, c.OwnerReferences, c.Name)
				assert.NotNil(t, c.Gone, "%s goes with the set (whenDeleted: Delete)", c.Name)
			}
			assert.Len(t, run.Claims, 2, strings.Join(eventsOf(run, "StatefulSet", "web"), "\n"))
		})
	}
}
