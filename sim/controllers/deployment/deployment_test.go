package deployment_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/deployment"
	"stsim/sim/history"
	"stsim/sim/replay"
	"stsim/sim/simtest"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// manifest is the Deployment "web" on one line (flow YAML), so scenarios can
// apply changed copies of it.
func manifest(replicas int, image, strategy string) string {
	if strategy == "" {
		strategy = "{}"
	}
	return fmt.Sprintf(`{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: %d, strategy: %s, `+
		`selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "%s"}]}}}}`,
		replicas, strategy, image)
}

// scenario wraps steps (YAML list items, two-space indented) around manifest m.
func scenario(m, extra, steps string) string {
	return fmt.Sprintf(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: t}
spec:
  rules: [deployment]
  cluster: {nodes: 3}
%s  manifests:
  - inline: %s
  steps:
%s`, extra, m, steps)
}

// run replays text under Deployment rules with the simtest invariants and
// any extra setup; it returns the history and the engine (for its store).
func run(t *testing.T, text string, setup func(*sim.Engine)) (*history.Run, *sim.Engine) {
	t.Helper()
	var eng *sim.Engine
	h, err := replay.RunWith(simtest.Load(t, text, nil), "deployment", func(e *sim.Engine) {
		simtest.Check(t, e)
		eng = e
		if setup != nil {
			setup(e)
		}
	})
	require.NoError(t, err)
	return h, eng
}

func replicaSets(tx *store.Txn) []*api.ReplicaSet {
	d := tx.Deployment("default/web")
	if d == nil {
		return nil
	}
	return tx.ReplicaSetsOwnedBy(d.UID)
}

var (
	hashName = regexp.MustCompile(`^web-([456789bcdf]{1,10})$`)
	podName  = regexp.MustCompile(`^(web-[456789bcdf]{1,10})-[bcdfghjklmnpqrstvwxz2456789]{5}$`)
)

// TestGetNewReplicaSet follows getNewReplicaSet in
// pkg/controller/deployment/sync.go (docs/rules.md A1, A7): the ReplicaSet is
// "<deployment>-<pod-template-hash>", the hash label is on the ReplicaSet,
// its selector and every pod; a template change makes a second ReplicaSet,
// a scale does not.
func TestGetNewReplicaSet(t *testing.T) {
	h, eng := run(t, scenario(manifest(2, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - scale: {replicas: 3}
  - waitFor: {rolledOut: true}
  - apply: {inline: `+manifest(3, "nginx:2", "")+`}
  - waitFor: {rolledOut: true}
`), nil)
	require.Len(t, h.Revisions, 2, "one ReplicaSet per template, none for the scale")
	for i, rev := range h.Revisions {
		m := hashName.FindStringSubmatch(rev.Name)
		require.NotNil(t, m, "ReplicaSet name %q", rev.Name)
		assert.Equal(t, int64(i+1), rev.Revision, "revision annotation of %s", rev.Name)
		r := eng.View().ReplicaSet("default/" + rev.Name)
		require.NotNil(t, r)
		assert.Equal(t, m[1], r.Labels[api.PodTemplateHashLabel])
		assert.Equal(t, m[1], r.Spec.Selector.MatchLabels[api.PodTemplateHashLabel])
		assert.Equal(t, m[1], r.Spec.Template.Labels[api.PodTemplateHashLabel])
	}
	assert.NotEqual(t, h.Revisions[0].Name, h.Revisions[1].Name)
	for _, p := range h.Pods {
		m := podName.FindStringSubmatch(p.Name)
		require.NotNil(t, m, "pod name %q", p.Name)
		assert.Equal(t, p.Revision, m[1], "pod %s is named after its ReplicaSet", p.Name)
		assert.Equal(t, strings.TrimPrefix(m[1], "web-"), p.Labels[api.PodTemplateHashLabel])
	}
	d := eng.View().Deployment("default/web")
	assert.Equal(t, "2", d.Annotations[api.DeploymentRevisionAnnotation], "the Deployment mirrors the new ReplicaSet's revision")
}

// rollingInvariants checks after every change what docs/rules.md A14 says a
// rolling update never does: the ReplicaSets' spec replicas never sum above
// replicas + maxSurge, and once the Deployment was fully available, the
// ready, non-terminating pods never drop below replicas - maxUnavailable
// (no fault is injected, so every loss is the controller's doing). It
// reports the highest sum and the lowest ready count seen.
func rollingInvariants(t *testing.T, replicas, surge, unavailable int, maxSum, minReady *int) func(*sim.Engine) {
	return func(e *sim.Engine) {
		*minReady = replicas
		settled := false
		e.Observe(func(_ *store.Txn, now time.Duration, _ []store.Change) {
			tx := e.View()
			sum, ready := 0, 0
			for _, r := range replicaSets(tx) {
				sum += int(*r.Spec.Replicas)
				for _, p := range tx.PodsOwnedBy(r.UID) {
					if p.Status.Ready && !p.Terminating() {
						ready++
					}
				}
			}
			*maxSum = max(*maxSum, sum)
			if sum > replicas+surge {
				t.Errorf("at %v: ReplicaSets sum to %d spec replicas, above %d + %d", now, sum, replicas, surge)
			}
			settled = settled || ready >= replicas
			if settled {
				*minReady = min(*minReady, ready)
				if ready < replicas-unavailable {
					t.Errorf("at %v: %d ready pods, below %d - %d", now, ready, replicas, unavailable)
				}
			}
		})
	}
}

// TestRolloutRolling follows rolloutRolling, reconcileNewReplicaSet and
// reconcileOldReplicaSets in pkg/controller/deployment/rolling.go (docs/rules.md
// A11-A14): a template change scales a new ReplicaSet up and the old one
// down within the surge and unavailability bounds, using both bounds fully,
// until every pod runs the new template. With maxSurge 0 and
// maxUnavailable 10% of 5 the forced unavailability of 1 lets it finish.
func TestRolloutRolling(t *testing.T) {
	for _, tc := range []struct {
		strategy           string
		surge, unavailable int
	}{
		{"{}", 2, 1}, // 25%/25% of 5
		{"{rollingUpdate: {maxSurge: 0, maxUnavailable: 10%}}", 0, 1},
		{"{rollingUpdate: {maxSurge: 3, maxUnavailable: 0}}", 3, 0},
	} {
		t.Run(tc.strategy, func(t *testing.T) {
			var maxSum, minReady int
			h, eng := run(t, scenario(manifest(5, "nginx:1", tc.strategy), "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+manifest(5, "nginx:2", tc.strategy)+`}
    after: 10s
  - waitFor: {rolledOut: true, timeout: 5m}
`), rollingInvariants(t, 5, tc.surge, tc.unavailable, &maxSum, &minReady))
			assert.Empty(t, h.Findings, "the rollout finishes")
			assert.Equal(t, 5+tc.surge, maxSum, "the surge is used")
			assert.Equal(t, 5-tc.unavailable, minReady, "the unavailability budget is used")
			require.Len(t, h.Revisions, 2)
			newRS := h.Revisions[1].Name
			tx := eng.View()
			for _, r := range replicaSets(tx) {
				want := int32(0)
				if r.Name == newRS {
					want = 5
				}
				assert.Equal(t, want, *r.Spec.Replicas, r.Name)
			}
			for _, p := range tx.Pods() {
				assert.Equal(t, "nginx:2", p.Spec.Containers[0].Image, p.Name)
			}
		})
	}
}

// TestRolloutRecreate follows rolloutRecreate and oldPodsRunning in
// pkg/controller/deployment/recreate.go (docs/rules.md A17): the old ReplicaSet
// goes to 0, and the new one is created only once every old pod is gone,
// terminating ones included.
func TestRolloutRecreate(t *testing.T) {
	strategy := "{type: Recreate}"
	h, _ := run(t, scenario(manifest(3, "nginx:1", strategy), "  images: {\"nginx:1\": {shutdown: 7s}}\n", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+manifest(3, "nginx:2", strategy)+`}
    after: 10s
  - waitFor: {rolledOut: true, timeout: 5m}
`), nil)
	assert.Empty(t, h.Findings)
	require.Len(t, h.Revisions, 2)
	oldRS, newRS := h.Revisions[0], h.Revisions[1]
	var lastOldGone, firstDeleted time.Duration = 0, time.Duration(1 << 62)
	var news []*history.Pod
	for _, p := range h.Pods {
		switch p.Revision {
		case oldRS.Name:
			require.NotNil(t, p.Gone, "old pod %s is gone", p.Name)
			lastOldGone = max(lastOldGone, *p.Gone)
			firstDeleted = min(firstDeleted, *p.Deleted)
		case newRS.Name:
			news = append(news, p)
		}
	}
	require.Len(t, news, 3)
	assert.Equal(t, firstDeleted+7*time.Second, lastOldGone, "old pods take their shutdown time")
	for _, p := range news {
		assert.GreaterOrEqual(t, p.Created, lastOldGone, "new pod %s created before the last old pod was gone", p.Name)
	}
	assert.Equal(t, lastOldGone, newRS.Created, "the new ReplicaSet is created when the last old pod goes")
	assert.Contains(t, messages(h), fmt.Sprintf("Scaled down replica set %s from 3 to 0", oldRS.Name))
	assert.Contains(t, messages(h), fmt.Sprintf("Scaled up replica set %s from 0 to 3", newRS.Name))
}

func messages(h *history.Run) []string {
	var out []string
	for _, e := range h.Events {
		out = append(out, e.Message)
	}
	return out
}

// TestRollback follows getNewReplicaSet in pkg/controller/deployment/sync.go
// and SetNewReplicaSetAnnotations in deployment_util.go (docs/rules.md A5, A20):
// going back to an old template finds the old ReplicaSet (EqualIgnoreHash)
// and reuses its name and hash, raising its revision to max + 1.
func TestRollback(t *testing.T) {
	h, eng := run(t, scenario(manifest(2, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+manifest(2, "nginx:2", "")+`}
  - waitFor: {rolledOut: true}
  - apply: {inline: `+manifest(2, "nginx:1", "")+`}
  - waitFor: {rolledOut: true}
`), nil)
	assert.Empty(t, h.Findings)
	require.Len(t, h.Revisions, 2, "the rollback creates no ReplicaSet")
	first := h.Revisions[0]
	assert.Equal(t, int64(3), first.Revision, "the reused ReplicaSet gets revision max+1")
	tx := eng.View()
	var live []string
	for _, p := range tx.Pods() {
		live = append(live, p.Name)
		assert.True(t, strings.HasPrefix(p.Name, first.Name+"-"), "pod %s after the rollback", p.Name)
	}
	assert.Len(t, live, 2)
	r := tx.ReplicaSet("default/" + first.Name)
	require.NotNil(t, r)
	assert.Equal(t, int32(2), *r.Spec.Replicas)
	assert.Equal(t, "3", tx.Deployment("default/web").Annotations[api.DeploymentRevisionAnnotation])
	assert.Equal(t, "1", r.Annotations[deployment.RevisionHistoryAnnotation], "the old revision number is kept in revision-history")
}

// TestScaleActiveOrLatest follows scale and FindActiveOrLatest in
// pkg/controller/deployment/sync.go and deployment_util.go (docs/rules.md A16):
// with one active ReplicaSet, a scale sets that ReplicaSet to the new size
// in one step, and no new ReplicaSet appears.
func TestScaleActiveOrLatest(t *testing.T) {
	h, _ := run(t, scenario(manifest(3, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - scale: {replicas: 5}
  - waitFor: {rolledOut: true}
  - scale: {replicas: 2}
  - waitFor: {rolledOut: true}
`), nil)
	require.Len(t, h.Revisions, 1)
	rs := h.Revisions[0].Name
	var scaling []string
	for _, e := range h.Events {
		if e.Reason == "ScalingReplicaSet" {
			scaling = append(scaling, e.Message)
		}
	}
	assert.Equal(t, []string{
		"Scaled up replica set " + rs + " from 0 to 3",
		"Scaled up replica set " + rs + " from 3 to 5",
		"Scaled down replica set " + rs + " from 5 to 2",
	}, scaling)
}

// TestProportionalScaling follows scale, GetProportion and
// getReplicaSetFraction in pkg/controller/deployment/sync.go and
// deployment_util.go (docs/rules.md A16, upstream worked example): 10 replicas,
// maxSurge 3, maxUnavailable 2, a rollout stuck at old 8 / new 5, scaled
// to 15, gives old 11 and new 7.
func TestProportionalScaling(t *testing.T) {
	strategy := "{rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}"
	h, eng := run(t, scenario(manifest(10, "nginx:1", strategy), "  images: {\"broken:1\": {ready: never}}\n", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+manifest(10, "broken:1", strategy)+`}
  - waitFor: {ready: 7, timeout: 30s}
  - scale: {replicas: 15}
`), nil)
	require.Len(t, h.Revisions, 2)
	oldRS, newRS := h.Revisions[0].Name, h.Revisions[1].Name
	assert.Contains(t, messages(h), fmt.Sprintf("Scaled down replica set %s from 10 to 8", oldRS))
	assert.Contains(t, messages(h), fmt.Sprintf("Scaled up replica set %s from 3 to 5", newRS))
	tx := eng.View()
	sizes := map[string]int32{}
	for _, r := range replicaSets(tx) {
		sizes[r.Name] = *r.Spec.Replicas
		assert.Equal(t, "15", r.Annotations[deployment.DesiredReplicasAnnotation], r.Name)
		assert.Equal(t, "18", r.Annotations[deployment.MaxReplicasAnnotation], r.Name)
	}
	assert.Equal(t, map[string]int32{oldRS: 11, newRS: 7}, sizes)
}

// TestSyncRolloutStatus follows syncRolloutStatus in
// pkg/controller/deployment/progress.go and getNewReplicaSet in sync.go
// (docs/rules.md A18): Progressing is NewReplicaSetCreated when the ReplicaSet
// is created, ReplicaSetUpdated while the rollout progresses, and
// NewReplicaSetAvailable once complete, for the first rollout and again for
// a template change; Available stays True within maxUnavailable.
func TestSyncRolloutStatus(t *testing.T) {
	h, _ := run(t, scenario(manifest(4, "nginx:1", ""), "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+manifest(4, "nginx:2", "")+`}
    after: 10s
  - waitFor: {rolledOut: true, timeout: 5m}
`), nil)
	var reasons []string
	for _, s := range h.Status {
		c, ok := s.Conditions[deployment.ConditionProgressing]
		if !ok {
			continue
		}
		assert.Equal(t, "True", c.Status)
		if len(reasons) == 0 || reasons[len(reasons)-1] != c.Reason {
			reasons = append(reasons, c.Reason)
		}
	}
	assert.Equal(t, []string{
		deployment.ReasonNewRSCreated, deployment.ReasonRSUpdated, deployment.ReasonNewRSAvailable,
		deployment.ReasonNewRSCreated, deployment.ReasonRSUpdated, deployment.ReasonNewRSAvailable,
	}, reasons)

	last := h.Status[len(h.Status)-1]
	assert.Equal(t, workload.Condition{Status: "True", Reason: deployment.ReasonMinimumReplicasAvail}, last.Conditions[deployment.ConditionAvailable])
	// Once the first rollout is available, the template change never takes
	// availability below 4 - 1.
	i := slices.IndexFunc(h.Status, func(s history.Status) bool { return s.AvailableReplicas == 4 })
	require.GreaterOrEqual(t, i, 0)
	for _, s := range h.Status[i:] {
		assert.Equal(t, "True", s.Conditions[deployment.ConditionAvailable].Status, "at %v", s.Time)
	}
}
