package deployment

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
)

// TestCleanupUnhealthyReplicas follows cleanupUnhealthyReplicas in
// pkg/controller/deployment/rolling.go (docs/rules.md A13 step 1): old
// ReplicaSets, oldest first, lose up to spec - available replicas, at most
// maxCleanup in all; a ReplicaSet whose status reports more available pods
// than its spec (a status not yet caught up with a scale-down) is never
// scaled up (upstream refuses the "invalid request to scale down").
func TestCleanupUnhealthyReplicas(t *testing.T) {
	e := sim.New(1)
	mk := func(name string, spec, available int32) *api.ReplicaSet {
		return &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: name},
			Spec:   api.ReplicaSetSpec{Replicas: &spec, Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
			Status: api.ReplicaSetStatus{Replicas: max(spec, available), ReadyReplicas: available, AvailableReplicas: available}}
	}
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		for _, o := range []api.Object{newDeployment(4, api.DeploymentStrategy{}), mk("web-a", 3, 1), mk("web-b", 2, 4), mk("web-c", 2, 0), mk("web-d", 2, 0)} {
			if err := ctx.Create(o); err != nil {
				return err
			}
		}
		return nil
	}))
	cleanup := func(maxCleanup int, names ...string) (int, error) {
		var cleaned int
		var cerr error
		require.NoError(t, e.Do(func(ctx *sim.Context) error {
			tx := ctx.Txn()
			x := &deploy{objects: storeObjects{ctx}, now: ctx.Now(), d: tx.Deployment("default/web")}
			var old []*api.ReplicaSet
			for _, n := range names {
				old = append(old, tx.ReplicaSet("default/"+n))
			}
			cleaned, cerr = x.cleanupUnhealthyReplicas(old, maxCleanup)
			return nil
		}))
		return cleaned, cerr
	}
	sizes := func() map[string]int32 {
		out := map[string]int32{}
		for _, name := range []string{"web-a", "web-b", "web-c", "web-d"} {
			out[name] = *e.View().ReplicaSet("default/" + name).Spec.Replicas
		}
		return out
	}

	// Oldest first (same creation time: by name), capped at 3 in all.
	cleaned, err := cleanup(3, "web-d", "web-c", "web-a")
	require.NoError(t, err)
	assert.Equal(t, 3, cleaned)
	assert.Equal(t, map[string]int32{"web-a": 1, "web-b": 2, "web-c": 1, "web-d": 2}, sizes())

	// web-b reports 4 available for a spec of 2: the pass stops there.
	cleaned, err = cleanup(5, "web-d", "web-c", "web-b")
	assert.ErrorIs(t, err, errInvalidScaleDown)
	assert.Equal(t, 0, cleaned)
	assert.Equal(t, map[string]int32{"web-a": 1, "web-b": 2, "web-c": 1, "web-d": 2}, sizes(), "nothing is scaled up")
}
