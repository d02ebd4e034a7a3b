package replicaset_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/controllers/replicaset"
	"stsim/sim/history"
	"stsim/sim/simtest"
)

func scenario(replicas, nodes int, extra, steps string) string {
	return fmt.Sprintf(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: t}
spec:
  rules: [deployment]
  cluster: {nodes: %d}
%s  manifests:
  - inline: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: %d,
      selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "app:1"}]}}}}
  steps:
%s`, nodes, extra, replicas, steps)
}

func byName(h *history.Run, name string) *history.Pod {
	for _, p := range h.Pods {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// TestFilterActivePods follows FilterActivePods / IsPodActive in
// pkg/controller/controller_utils.go and manageReplicas in
// pkg/controller/replicaset/replica_set.go (docs/rules.md E1): a deleted pod
// stops counting at once, so its replacement, with a new name and UID, is
// created in the same instant while the old pod is still terminating.
func TestFilterActivePods(t *testing.T) {
	h := simtest.Run(t, scenario(2, 1, "  images: {\"app:1\": {shutdown: 20s}}\n", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - deletePod: {target: {ordinal: 0}}
    after: 5s
  - waitFor: {rolledOut: true}
`), "deployment")
	require.Len(t, h.Pods, 3)
	old, repl := h.Pods[0], h.Pods[2]
	require.NotNil(t, old.Deleted)
	require.NotNil(t, old.Gone)
	assert.Equal(t, *old.Deleted+20*time.Second, *old.Gone, "the old pod terminates for its shutdown time")
	assert.Equal(t, *old.Deleted, repl.Created, "the replacement is created when the deletion starts")
	assert.NotEqual(t, old.Name, repl.Name)
	assert.NotEqual(t, old.UID, repl.UID)
	assert.Equal(t, old.Name, repl.Replaced)
	maxPods := 0
	for _, s := range h.Samples {
		maxPods = max(maxPods, s.Pods)
	}
	assert.Equal(t, 3, maxPods, "old and new pod objects coexist")
	require.NotNil(t, repl.Ready)
	assert.Less(t, *repl.Ready, *old.Gone, "the replacement is Ready before the old pod is gone")
}

var podName = regexp.MustCompile(`^web-[456789bcdf]+-[bcdfghjklmnpqrstvwxz2456789]{5}$`)

// TestGetPodFromTemplate follows GetPodFromTemplate and getPodsPrefix in
// pkg/controller/controller_utils.go with the apiserver's GenerateName
// (docs/rules.md A6): pods are "<rs>-" plus 5 random characters of the
// alphanums alphabet, and every replacement gets a fresh suffix.
func TestGetPodFromTemplate(t *testing.T) {
	h := simtest.Run(t, scenario(4, 2, "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - deletePod: {target: all}
  - waitFor: {rolledOut: true}
  - deletePod: {target: all}
  - waitFor: {rolledOut: true}
`), "deployment")
	require.Len(t, h.Pods, 12)
	seen := map[string]bool{}
	for _, p := range h.Pods {
		assert.Regexp(t, podName, p.Name)
		assert.Equal(t, p.Revision+"-", p.Name[:len(p.Revision)+1])
		assert.False(t, seen[p.Name], "name %s used twice", p.Name)
		seen[p.Name] = true
		assert.Equal(t, "web", p.Labels["app"], "template labels are copied")
	}
}

// TestGetPodsRankedByRelatedPodsOnSameNode follows getPodsToDelete and
// getPodsRankedByRelatedPodsOnSameNode in pkg/controller/replicaset/replica_set.go
// (docs/rules.md E2, rule 5): on scale-down the pod sharing its node with
// another pod of the Deployment goes first.
func TestGetPodsRankedByRelatedPodsOnSameNode(t *testing.T) {
	h := simtest.Run(t, scenario(3, 2, "", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - scale: {replicas: 2}
    after: 5s
  - waitFor: {rolledOut: true}
`), "deployment")
	perNode := map[string]int{}
	for _, p := range h.Pods {
		perNode[p.Node]++
	}
	require.Equal(t, map[string]int{"node-1": 2, "node-2": 1}, perNode, "the scheduler spreads 3 pods over 2 nodes")
	var deleted []*history.Pod
	for _, p := range h.Pods {
		if p.Deleted != nil {
			deleted = append(deleted, p)
		}
	}
	require.Len(t, deleted, 1)
	assert.Equal(t, "node-1", deleted[0].Node, "the doubled-up node loses a pod")
	assert.NotNil(t, byName(h, deleted[0].Name).Gone)
}

// TestIsPodAvailable follows IsPodAvailable in pkg/api/v1/pod/util.go and
// the ReplicaSet status it feeds (docs/rules.md A15): with minReadySeconds 10, a
// pod Ready at 5s is available only strictly after 15s, and the Deployment
// copies minReadySeconds into its ReplicaSet.
func TestIsPodAvailable(t *testing.T) {
	text := `apiVersion: stsim/v1
kind: Scenario
metadata: {name: t}
spec:
  rules: [deployment]
  timing: {containerStart: 2s, ready: 3s}
  manifests:
  - inline: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 2, minReadySeconds: 10,
      selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: "app:1"}]}}}}
  steps:
  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
`
	h := simtest.Run(t, text, "deployment")
	require.Empty(t, h.Findings)
	for _, p := range h.Pods {
		require.NotNil(t, p.Ready)
		assert.Equal(t, 5*time.Second, *p.Ready)
	}
	var readyAt, availableAt time.Duration = -1, -1
	for _, s := range h.Status {
		if s.ReadyReplicas == 2 && readyAt < 0 {
			readyAt = s.Time
		}
		if s.AvailableReplicas == 2 && availableAt < 0 {
			availableAt = s.Time
		}
		if s.Time < 15*time.Second {
			assert.Zero(t, s.AvailableReplicas, "at %v", s.Time)
		}
	}
	assert.Equal(t, 5*time.Second, readyAt)
	assert.Equal(t, 15*time.Second+time.Nanosecond, availableAt, "available once minReadySeconds have passed (plus a nanosecond)")
	assert.Equal(t, 15*time.Second+time.Nanosecond, h.End, "the rollout ends with availability")
}

// TestClaimsOnlyActivePods follows syncReplicaSet in
// pkg/controller/replicaset/replica_set.go: the pods it claims are the
// active ones (FilterActivePods, then claimPods), so a Failed or a
// terminating pod it controls is never released, even when its labels no
// longer match; the terminating ones it controls and that match count as
// terminatingReplicas (FilterClaimedPods).
func TestClaimsOnlyActivePods(t *testing.T) {
	e := sim.New(1)
	e.AddController(replicaset.New())
	one := int32(1)
	web := map[string]string{"app": "web"}
	rs := &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ReplicaSetSpec{Replicas: &one,
		Selector: &api.LabelSelector{MatchLabels: web},
		Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: web}, Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "app:1"}}}}}}
	require.NoError(t, e.Do(func(ctx *sim.Context) error { return ctx.Create(rs) }))
	rs = e.View().ReplicaSet("default/web")
	pod := func(name string, labels map[string]string) *api.Pod {
		return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Labels: labels, OwnerReferences: []api.OwnerReference{api.NewControllerRef(rs, "apps/v1")}},
			Spec: api.PodSpec{NodeName: "node-1", Containers: []api.Container{{Name: "c", Image: "app:1"}}}}
	}
	other := map[string]string{"app": "other"}
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, p := range []*api.Pod{pod("running", web), pod("failed", other), pod("leaving", web), pod("leaving-other", other)} {
			if err := ctx.Create(p); err != nil {
				return err
			}
		}
		failed := ctx.Txn().Pod("default/failed").DeepCopy()
		failed.Status.Phase = api.PodFailed
		if err := ctx.Update(failed); err != nil {
			return err
		}
		for _, name := range []string{"leaving", "leaving-other"} {
			if err := ctx.Delete(api.KindPod, "default/"+name, apiserver.DeleteOptions{}); err != nil {
				return err
			}
		}
		return nil
	}))
	tx := e.View()
	for _, name := range []string{"failed", "leaving", "leaving-other"} {
		p := tx.Pod("default/" + name)
		require.NotNil(t, p, name)
		assert.NotNil(t, p.ControllerRef(), "%s is not released", name)
	}
	st := tx.ReplicaSet("default/web").Status
	assert.Equal(t, int32(1), st.Replicas, "the one active pod")
	require.NotNil(t, st.TerminatingReplicas)
	assert.Equal(t, int32(1), *st.TerminatingReplicas, "the terminating pod that matches")
	assert.Len(t, tx.Pods(), 4, "no pod created: one is active, as wanted")
}
