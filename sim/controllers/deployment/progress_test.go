package deployment_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/controllers/deployment"
	"stsim/sim/history"
	"stsim/sim/workload"
)

// progressing lists the Progressing condition of each recorded status row
// whose condition changed, with its time.
func progressing(h *history.Run) []struct {
	Time time.Duration
	workload.Condition
} {
	var out []struct {
		Time time.Duration
		workload.Condition
	}
	for _, s := range h.Status {
		c, ok := s.Conditions[deployment.ConditionProgressing]
		if !ok || (len(out) > 0 && out[len(out)-1].Condition == c) {
			continue
		}
		out = append(out, struct {
			Time time.Duration
			workload.Condition
		}{s.Time, c})
	}
	return out
}

// TestDeploymentTimedOut follows DeploymentTimedOut and
// requeueStuckDeployment in pkg/controller/deployment/progress.go and
// deployment_util.go (docs/rules.md A18): a rollout that makes no progress for
// progressDeadlineSeconds gets Progressing=False ProgressDeadlineExceeded
// (seen at the requeue one second after the deadline), and nothing else
// happens: no rollback, the ReplicaSets keep their sizes.
func TestDeploymentTimedOut(t *testing.T) {
	strategy := "{rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
	d := func(image string) string {
		return `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 2, progressDeadlineSeconds: 30, strategy: ` + strategy +
			`, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "` + image + `"}]}}}}`
	}
	h, eng := run(t, scenario(d("nginx:1"), "  images: {\"broken:1\": {ready: never}}\n", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+d("broken:1")+`}
    at: 100s
  - waitFor: {rolledOut: true, timeout: 5m}
`), nil)
	require.Len(t, h.Findings, 1, "the waitFor times out")
	conds := progressing(h)
	require.NotEmpty(t, conds)
	last := conds[len(conds)-1]
	assert.Equal(t, workload.Condition{Status: "False", Reason: deployment.ReasonTimedOut}, last.Condition)
	assert.Equal(t, (100+30+1)*time.Second, last.Time, "deadline counted from the last progress, at the new ReplicaSet's creation")
	before := conds[len(conds)-2]
	assert.Equal(t, "True", before.Status)
	assert.Less(t, before.Time, last.Time)

	require.Len(t, h.Revisions, 2)
	sizes := map[string]int32{}
	for _, r := range replicaSets(eng.View()) {
		sizes[r.Name] = *r.Spec.Replicas
	}
	assert.Equal(t, map[string]int32{h.Revisions[0].Name: 2, h.Revisions[1].Name: 1}, sizes, "the stuck rollout stays as it was")
}

// TestCleanupDeployment follows cleanupDeployment in
// pkg/controller/deployment/sync.go (docs/rules.md A19): once a rollout is
// complete, old ReplicaSets beyond revisionHistoryLimit are deleted, lowest
// revision first; the current one is never counted.
func TestCleanupDeployment(t *testing.T) {
	d := func(limit int, image string) string {
		return fmt.Sprintf(`{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 2, revisionHistoryLimit: %d, `+
			`selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "%s"}]}}}}`, limit, image)
	}
	for _, limit := range []int{0, 1, 2} {
		h, eng := run(t, scenario(d(limit, "app:1"), "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+d(limit, "app:2")+`}
  - waitFor: {rolledOut: true}
  - apply: {inline: `+d(limit, "app:3")+`}
  - waitFor: {rolledOut: true}
`), nil)
		require.Len(t, h.Revisions, 3)
		var kept []string
		for _, r := range replicaSets(eng.View()) {
			kept = append(kept, r.Name)
		}
		var want []string
		for i, r := range h.Revisions {
			if i >= 2-limit {
				want = append(want, r.Name)
				assert.Nil(t, r.Gone, "limit %d keeps %s", limit, r.Name)
			} else {
				assert.NotNil(t, r.Gone, "limit %d deletes %s", limit, r.Name)
			}
		}
		assert.ElementsMatch(t, want, kept, "limit %d", limit)
	}
}

// TestRollover follows rolloutRolling in pkg/controller/deployment/rolling.go
// (docs/rules.md A23): a template change in mid-rollout starts a new ReplicaSet
// at once; the one that was new becomes old and is scaled down too.
func TestRollover(t *testing.T) {
	d := func(image string) string {
		return `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 4, ` +
			`selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "` + image + `"}]}}}}`
	}
	h, eng := run(t, scenario(d("app:1"), "  images: {\"slow:2\": {ready: 60s}}\n", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+d("slow:2")+`}
    at: 100s
  - apply: {inline: `+d("app:3")+`}
    at: 110s
  - waitFor: {rolledOut: true, timeout: 5m}
`), nil)
	assert.Empty(t, h.Findings)
	require.Len(t, h.Revisions, 3)
	assert.Equal(t, 110*time.Second, h.Revisions[2].Created, "the third ReplicaSet does not wait for the second")
	for _, p := range h.Pods {
		if p.Revision == h.Revisions[1].Name {
			assert.Nil(t, p.Ready, "no pod of the abandoned template became Ready")
			assert.NotNil(t, p.Gone)
		}
	}
	for _, r := range replicaSets(eng.View()) {
		want := int32(0)
		if r.Name == h.Revisions[2].Name {
			want = 4
		}
		assert.Equal(t, want, *r.Spec.Replicas, r.Name)
	}
}
