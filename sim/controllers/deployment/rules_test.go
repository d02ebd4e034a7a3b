package deployment_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/history"
	"stsim/sim/replay"
)

// This file pins the Deployment and ReplicaSet rules that the workload
// actions (patch, rolloutRestart, deleteWorkload, patchPod) make visible.

// scaling lists the ScalingReplicaSet messages, with each ReplicaSet named
// by its revision (r1, r2, …) as the run ends.
func scaling(h *history.Run) []string {
	var out []string
	for _, e := range h.Events {
		if e.Reason != "ScalingReplicaSet" {
			continue
		}
		m := e.Message
		for _, r := range h.Revisions {
			m = strings.ReplaceAll(m, r.Name, fmt.Sprintf("r%d", r.Revision))
		}
		out = append(out, m)
	}
	return out
}

// TestPausedDeploymentOnlyScales follows syncDeployment and
// checkPausedConditions in pkg/controller/deployment/deployment_controller.go
// and progress.go (docs/rules.md A10, A18, A22): pausing sets Progressing
// to Unknown (DeploymentPaused); while paused a template change makes no
// ReplicaSet and replaces no pod, but scaling works; resuming sets
// Progressing Unknown (DeploymentResumed) and the rollout to the latest
// template starts.
func TestPausedDeploymentOnlyScales(t *testing.T) {
	h, _ := run(t, scenario(manifest(2, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {paused: true}}
  - expect: {status: {conditions: {Progressing: {status: Unknown, reason: DeploymentPaused}}}}
  - setImage: {image: "nginx:2"}
    after: 10s
  - scale: {replicas: 3}
    after: 10s
  - waitFor: {ready: 3}
  - expect: {pods: 3, status: {updatedReplicas: 0, replicas: 3}}
  - patch: {spec: {paused: false}}
    at: 60s
  - waitFor: {rolledOut: true}
  - expect: {pods: 3, status: {updatedReplicas: 3, conditions: {Progressing: {status: "True", reason: NewReplicaSetAvailable}}}}
`), nil)
	assert.Empty(t, h.Findings)
	for _, e := range h.Expectations {
		assert.True(t, e.OK, "step %d %s: want %s, got %s", e.Step, e.Check, e.Want, e.Got)
	}
	require.Len(t, h.Revisions, 2, "no ReplicaSet while paused; one on resume")
	assert.Equal(t, []string{
		"Scaled up replica set r1 from 0 to 2",
		"Scaled up replica set r1 from 2 to 3",
		"Scaled up replica set r2 from 0 to 1",
	}, scaling(h)[:3], "the paused scale-up goes to the only ReplicaSet")
	for _, p := range h.Pods {
		if p.Revision == h.Revisions[1].Name {
			assert.GreaterOrEqual(t, p.Created, 60*time.Second, "%s: a new-template pod before the resume", p.Name)
		}
	}
	var reasons []string
	for _, c := range progressing(h) {
		reasons = append(reasons, c.Status+" "+c.Reason)
	}
	assert.Equal(t, []string{
		"True NewReplicaSetCreated", "True ReplicaSetUpdated", "True NewReplicaSetAvailable",
		"Unknown DeploymentPaused", "Unknown DeploymentResumed",
		"True NewReplicaSetCreated", "True ReplicaSetUpdated", "True NewReplicaSetAvailable",
	}, reasons)
}

// TestRolloutRestart follows kubectl's defaultObjectRestarter
// (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/objectrestarter.go)
// and A7/A21: the restartedAt template annotation makes a new ReplicaSet
// that replaces every pod; a paused Deployment is refused, and a second
// restart within the same second changes nothing.
func TestRolloutRestart(t *testing.T) {
	h, eng := run(t, scenario(manifest(3, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - rolloutRestart: {}
    at: 90s
  - rolloutRestart: {}
  - waitFor: {rolledOut: true}
  - patch: {spec: {paused: true}}
  - rolloutRestart: {}
`), nil)
	require.Len(t, h.Findings, 2)
	assert.Contains(t, h.Findings[0].Message, "if restart has already been triggered within the past second")
	assert.Contains(t, h.Findings[1].Message, "can't restart paused deployment (run rollout resume first)")
	require.Len(t, h.Revisions, 2)
	rs := eng.View().ReplicaSet("default/" + h.Revisions[1].Name)
	require.NotNil(t, rs)
	assert.Equal(t, "2025-01-01T00:01:30Z", rs.Spec.Template.Annotations[replay.RestartedAtAnnotation])
	live := 0
	for _, p := range h.Pods {
		if p.Gone == nil {
			live++
			assert.Equal(t, h.Revisions[1].Name, p.Revision, p.Name)
		}
	}
	assert.Equal(t, 3, live)
}

// TestStuckRolloutFreezes follows reconcileOldReplicaSets in
// pkg/controller/deployment/rolling.go with its upstream worked example
// (docs/rules.md A13, A14, A18): 10 replicas, maxSurge 3, maxUnavailable 2,
// a new template whose pods never become Ready. The new ReplicaSet grows to
// 5 and the old one shrinks to 8, then nothing moves: no rollback; after
// progressDeadlineSeconds Progressing is False (ProgressDeadlineExceeded).
func TestStuckRolloutFreezes(t *testing.T) {
	d := func(image string) string {
		return `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 10, progressDeadlineSeconds: 60, ` +
			`strategy: {rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}, selector: {matchLabels: {app: web}}, ` +
			`template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "` + image + `"}]}}}}`
	}
	h, eng := run(t, scenario(d("nginx:1"), "  images: {\"broken:1\": {ready: never}}\n", `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "broken:1"}
    after: 10s
  - waitFor: {rolledOut: true, timeout: 3m}
  - expect: {pods: 13, ready: 8, status: {replicas: 13, updatedReplicas: 5, availableReplicas: 8, conditions: {Progressing: {status: "False", reason: ProgressDeadlineExceeded}, Available: {status: "True"}}}}
`), nil)
	for _, e := range h.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	assert.Equal(t, []string{
		"Scaled up replica set r1 from 0 to 10",
		"Scaled up replica set r2 from 0 to 3",
		"Scaled down replica set r1 from 10 to 8",
		"Scaled up replica set r2 from 3 to 5",
	}, scaling(h))
	sizes := map[string]int32{}
	for _, r := range replicaSets(eng.View()) {
		sizes[r.Name] = *r.Spec.Replicas
	}
	assert.Equal(t, map[string]int32{h.Revisions[0].Name: 8, h.Revisions[1].Name: 5}, sizes)
}

// TestDeploymentAdoptsOrphanedReplicaSets follows
// getReplicaSetsForDeployment with ClaimReplicaSets
// (pkg/controller/deployment/deployment_controller.go,
// pkg/controller/controller_ref_manager.go) and the garbage collector's
// orphan propagation (docs/rules.md RS-3): a Deployment deleted with cascade
// orphan leaves its ReplicaSet and pods running; the same Deployment applied
// again adopts the ReplicaSet (same name, no hash collision) and no pod is
// created or deleted.
func TestDeploymentAdoptsOrphanedReplicaSets(t *testing.T) {
	h, eng := run(t, scenario(manifest(2, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - deleteWorkload: {cascade: orphan}
    after: 5s
  - expect: {pods: 0}
  - apply: {}
    after: 10s
  - waitFor: {rolledOut: true}
  - expect: {pods: 2, status: {replicas: 2, availableReplicas: 2}}
`), nil)
	for _, e := range h.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	require.Len(t, h.Pods, 2, "no pod was created again")
	for _, p := range h.Pods {
		assert.Nil(t, p.Deleted, p.Name)
	}
	tx := eng.View()
	d := tx.Deployment("default/web")
	rss := tx.ReplicaSetsOwnedBy(d.UID)
	require.Len(t, rss, 1)
	assert.Equal(t, d.UID, rss[0].ControllerUID(), "adopted by the new Deployment")
	assert.Nil(t, d.Status.CollisionCount, "the adopted ReplicaSet is no hash collision")
}

// TestReplicaSetReleasesAndAdoptsPods follows claimPods
// (pkg/controller/replicaset/replica_set.go, ClaimPods in
// controller_ref_manager.go; docs/rules.md RS-2, E1): an orphaned pod the
// ReplicaSet's selector matches (pod-template-hash included) is adopted, so
// the ReplicaSet creates one pod fewer; a pod whose labels stop matching is
// released (its controller reference removed) and replaced at once, and
// the released pod runs on. A pod without the pod-template-hash label is
// not the ReplicaSet's.
func TestReplicaSetReleasesAndAdoptsPods(t *testing.T) {
	text := scenario(manifest(2, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - expect: {pods: 2}
  - patchPod: {target: {pod: stray}, patch: {metadata: {labels: {app: debug}}}}
    after: 10s
  - waitFor: {ready: 2}
  - expect: {pods: 2}
`)
	stray := func(labels map[string]string) func(e *sim.Engine) {
		return func(e *sim.Engine) {
			p := &api.Pod{TypeMeta: api.TypeMeta{APIVersion: "v1", Kind: api.KindPod},
				ObjectMeta: api.ObjectMeta{Name: "stray", Namespace: "default", Labels: labels},
				Spec:       api.PodSpec{Containers: []api.Container{{Name: "c", Image: "nginx:1"}}}}
			require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(p) }))
		}
	}
	created := func(h *history.Run) int {
		n := 0
		for _, e := range h.Events {
			if e.Reason == "SuccessfulCreate" {
				n++
			}
		}
		return n
	}

	// Without the hash label: two pods are created and the stray one is
	// left alone.
	h, eng := run(t, text, stray(map[string]string{"app": "web"}))
	require.Len(t, h.Revisions, 1)
	assert.Equal(t, 2, created(h))
	assert.Nil(t, eng.View().Pod("default/stray").ControllerRef())
	hash := strings.TrimPrefix(h.Revisions[0].Name, "web-")

	h, eng = run(t, text, stray(map[string]string{"app": "web", api.PodTemplateHashLabel: hash}))
	require.Empty(t, h.Findings)
	for _, e := range h.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	assert.Equal(t, 2, created(h), "one pod at first (the stray one is adopted), one to replace it once released")
	tx := eng.View()
	pod := tx.Pod("default/stray")
	require.NotNil(t, pod, "the released pod runs on")
	assert.Nil(t, pod.ControllerRef())
	assert.Equal(t, api.PodRunning, pod.Status.Phase)
	assert.Len(t, tx.Pods(), 3)
}

// TestTerminatingPodsAreNotCounted follows FilterActivePods
// (pkg/controller/controller_utils.go) and NewRSNewReplicas, which sums
// ReplicaSet specs (docs/rules.md A12, A14, E1): pods that are shutting
// down count nowhere, so while old pods take 30s to stop, the pod objects
// of a rollout exceed replicas + maxSurge (4 + 1). They are reported,
// only reported, as status.terminatingReplicas (docs/rules.md A24,
// calculateStatus with GetTerminatingReplicaCountForReplicaSets;
// DeploymentReplicaSetTerminatingReplicas, on since v1.35).
func TestTerminatingPodsAreNotCounted(t *testing.T) {
	h, _ := run(t, scenario(manifest(4, "nginx:1", ""), "  images: {\"nginx:1\": {shutdown: 30s}}\n", `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:2"}
    after: 10s
  - waitFor: {rolledOut: true}
`), nil)
	require.Empty(t, h.Findings)
	most := 0
	for _, p := range h.Pods {
		n := 0
		for _, q := range h.Pods {
			if q.Created <= p.Created && (q.Gone == nil || *q.Gone > p.Created) {
				n++
			}
		}
		most = max(most, n)
	}
	assert.Greater(t, most, 4+1, "pod objects at once")
	terminating := int32(0)
	for _, s := range h.Status {
		assert.LessOrEqual(t, s.Replicas, int32(4+1), "status counts active pods only, at %v", s.Time)
		if s.TerminatingReplicas != nil {
			terminating = max(terminating, *s.TerminatingReplicas)
		}
	}
	assert.GreaterOrEqual(t, terminating, int32(most-4-1), "the pod objects above replicas + maxSurge are terminating")
	last := h.Status[len(h.Status)-1].TerminatingReplicas
	require.NotNil(t, last)
	assert.Zero(t, *last, "none once the old pods are gone")
}

// TestDeploymentAnnotationsAreCopiedToTheNewReplicaSet follows
// copyDeploymentAnnotationsToReplicaSet and SetNewReplicaSetAnnotations in
// pkg/controller/deployment/util/deployment_util.go (docs/rules.md A7): the
// new ReplicaSet gets the Deployment's annotations, but the revision,
// replica-count and last-applied ones, also when they change later; a
// Deployment annotation makes no new ReplicaSet.
func TestDeploymentAnnotationsAreCopiedToTheNewReplicaSet(t *testing.T) {
	m := strings.Replace(manifest(2, "nginx:1", ""), "metadata: {name: web}",
		`metadata: {name: web, annotations: {team: db, "kubectl.kubernetes.io/last-applied-configuration": "{}"}}`, 1)
	h, eng := run(t, scenario(m, "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - patch: {metadata: {annotations: {team: payments, owner: ops}}}
`), nil)
	require.Len(t, h.Revisions, 1)
	rs := eng.View().ReplicaSet("default/" + h.Revisions[0].Name)
	require.NotNil(t, rs)
	assert.Equal(t, "payments", rs.Annotations["team"])
	assert.Equal(t, "ops", rs.Annotations["owner"])
	assert.NotContains(t, rs.Annotations, "kubectl.kubernetes.io/last-applied-configuration")
	assert.Equal(t, "1", rs.Annotations[api.DeploymentRevisionAnnotation])
}

// TestRecreateWaitDoesNotTimeOut follows syncRolloutStatus in
// pkg/controller/deployment/progress.go (docs/rules.md A17, A18): while
// Recreate waits for the old pods to stop, longer than
// progressDeadlineSeconds, there is no new ReplicaSet and the status counts
// 0 replicas, 0 updated: with the previous rollout's NewReplicaSetAvailable
// still in place that reads as complete (isCompleteDeployment), so no
// progress is estimated and the deadline never fires. Once the old pods are
// gone the new ReplicaSet is created and the rollout completes.
func TestRecreateWaitDoesNotTimeOut(t *testing.T) {
	m := strings.Replace(manifest(2, "nginx:1", "{type: Recreate}"), "spec: {replicas: 2,", "spec: {replicas: 2, progressDeadlineSeconds: 30,", 1)
	m = strings.Replace(m, "spec: {containers:", "spec: {terminationGracePeriodSeconds: 120, containers:", 1)
	h, _ := run(t, scenario(m, "  images: {\"nginx:1\": {shutdown: 90s}}\n", `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "nginx:2"}
  - waitFor: {ready: 2, timeout: 5m}
  - expect: {status: {updatedReplicas: 2, conditions: {Progressing: {status: "True", reason: NewReplicaSetAvailable}}}}
`), nil)
	for _, e := range h.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	var reasons []string
	for _, c := range progressing(h) {
		reasons = append(reasons, c.Status+" "+c.Reason)
	}
	assert.Equal(t, []string{
		"True NewReplicaSetCreated", "True ReplicaSetUpdated", "True NewReplicaSetAvailable",
		"True NewReplicaSetCreated", "True ReplicaSetUpdated", "True NewReplicaSetAvailable",
	}, reasons)
	require.Len(t, h.Revisions, 2)
	newRS := h.Revisions[1].Name
	for _, p := range h.Pods {
		if p.Revision == newRS {
			assert.GreaterOrEqual(t, p.Created, 90*time.Second, "%s created before the old pods stopped", p.Name)
		}
	}
}

// TestRollingUpdateScalingSequence pins the order of ScalingReplicaSet
// steps of a default rolling update of 4 replicas (25%/25%: surge 1,
// unavailable 1; rolloutRolling, reconcileNewReplicaSet,
// reconcileOldReplicaSets in pkg/controller/deployment/rolling.go), which
// the upstream controllers (the oracle) produce too. Where upstream's
// informer timing allows several orders, stsim picks this one: pods that
// become Ready at the same instant are all seen by the ReplicaSet's next
// status write, and the Deployment syncs once after it, so the old
// ReplicaSet drops by 2 at once (3 → 1). Upstream may see the two pods in
// two status writes and step 3 → 2 → 1; the sizes it reaches are the same.
func TestRollingUpdateScalingSequence(t *testing.T) {
	h, _ := run(t, scenario(manifest(4, "app:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - setImage: {image: "app:2"}
    after: 10s
  - waitFor: {rolledOut: true}
`), nil)
	assert.Equal(t, []string{
		"Scaled up replica set r1 from 0 to 4",
		"Scaled up replica set r2 from 0 to 1",
		"Scaled down replica set r1 from 4 to 3",
		"Scaled up replica set r2 from 1 to 2",
		"Scaled down replica set r1 from 3 to 1",
		"Scaled up replica set r2 from 2 to 4",
		"Scaled down replica set r1 from 1 to 0",
	}, scaling(h))
}

// TestEvictedPodIsReplacedAtOnce follows E1 (FilterActivePods: a Failed
// pod is not active; manageReplicas leaves it for others to delete) and
// H6 (the pod garbage collector deletes terminated pods only above 12500):
// an evicted pod is replaced at once under a new name, and its Failed
// object stays.
func TestEvictedPodIsReplacedAtOnce(t *testing.T) {
	h, eng := run(t, scenario(manifest(2, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true}
  - evictPod: {target: {ordinal: 1}}
    after: 10s
  - waitFor: {ready: 2}
  - expect: {pods: 2}
`), nil)
	require.Empty(t, h.Findings)
	for _, e := range h.Expectations {
		assert.True(t, e.OK, "%s: want %s, got %s", e.Check, e.Want, e.Got)
	}
	require.Len(t, h.Pods, 3)
	var evicted *history.Pod
	for _, p := range h.Pods {
		if p.Phase == api.PodFailed {
			evicted = p
		}
	}
	require.NotNil(t, evicted)
	assert.Nil(t, evicted.Gone, "the Failed object stays")
	assert.NotNil(t, eng.View().Pod("default/"+evicted.Name))
	replacement := h.Pods[2]
	assert.Equal(t, evicted.Slot, replacement.Slot, "the replacement takes its slot")
	assert.Equal(t, evicted.Name, replacement.Replaced)
	for _, e := range h.Events {
		if e.Reason == "Evicted" {
			assert.Equal(t, e.Time, replacement.Created, "replaced in the instant of the eviction")
		}
	}
}
