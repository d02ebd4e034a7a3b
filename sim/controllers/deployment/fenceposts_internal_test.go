package deployment

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

func newDeployment(replicas int32, strategy api.DeploymentStrategy) *api.Deployment {
	labels := map[string]string{"app": "web"}
	d := &api.Deployment{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.DeploymentSpec{Replicas: &replicas, Strategy: strategy,
		Selector: &api.LabelSelector{MatchLabels: labels},
		Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: labels}, Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "app:1"}}}}}}
	api.SetDefaultsDeployment(d)
	return d
}

func rolling(surge, unavailable *api.IntOrString) api.DeploymentStrategy {
	return api.DeploymentStrategy{Type: api.RollingUpdateStrategy, RollingUpdate: &api.RollingUpdateDeployment{MaxSurge: surge, MaxUnavailable: unavailable}}
}

// TestResolveFenceposts follows ResolveFenceposts in
// pkg/controller/deployment/util/deployment_util.go (docs/rules.md A9): with the
// default 25%/25%, surge rounds up and unavailable rounds down, for replicas
// 1 to 20; when both resolve to 0, unavailable becomes 1.
func TestResolveFenceposts(t *testing.T) {
	// replicas -> {surge, unavailable}; A9's worked values are 1, 2, 3, 4, 5, 10 and 20.
	want := map[int32][2]int{
		1: {1, 0}, 2: {1, 0}, 3: {1, 0}, 4: {1, 1}, 5: {2, 1}, 6: {2, 1}, 7: {2, 1}, 8: {2, 2}, 9: {3, 2}, 10: {3, 2},
		11: {3, 2}, 12: {3, 3}, 13: {4, 3}, 14: {4, 3}, 15: {4, 3}, 16: {4, 4}, 17: {5, 4}, 18: {5, 4}, 19: {5, 4}, 20: {5, 5},
	}
	for n := int32(1); n <= 20; n++ {
		surge, unavailable := resolveFenceposts(newDeployment(n, api.DeploymentStrategy{}))
		assert.Equal(t, want[n], [2]int{surge, unavailable}, "replicas %d", n)
	}

	// maxSurge 0, maxUnavailable 10% of 5 rounds down to 0: forced to 1.
	surge, unavailable := resolveFenceposts(newDeployment(5, rolling(api.FromInt(0), api.FromString("10%"))))
	assert.Equal(t, [2]int{0, 1}, [2]int{surge, unavailable})
	// Integers are used as given.
	surge, unavailable = resolveFenceposts(newDeployment(5, rolling(api.FromInt(3), api.FromInt(2))))
	assert.Equal(t, [2]int{3, 2}, [2]int{surge, unavailable})
}

// TestMaxUnavailable follows MaxUnavailable in
// pkg/controller/deployment/util/deployment_util.go (docs/rules.md A9): 0 for
// Recreate and for 0 replicas, capped at replicas.
func TestMaxUnavailable(t *testing.T) {
	assert.Equal(t, 1, MaxUnavailable(newDeployment(5, api.DeploymentStrategy{})))
	assert.Equal(t, 0, MaxUnavailable(newDeployment(5, api.DeploymentStrategy{Type: api.RecreateStrategy})))
	assert.Equal(t, 0, MaxUnavailable(newDeployment(0, rolling(api.FromInt(1), api.FromInt(1)))))
	assert.Equal(t, 3, MaxUnavailable(newDeployment(3, rolling(api.FromInt(0), api.FromInt(10)))))
	assert.Equal(t, 0, MaxSurge(newDeployment(5, api.DeploymentStrategy{Type: api.RecreateStrategy})))
}

func rs(replicas int32) *api.ReplicaSet {
	return &api.ReplicaSet{Spec: api.ReplicaSetSpec{Replicas: &replicas}}
}

// TestNewRSNewReplicas follows NewRSNewReplicas in
// pkg/controller/deployment/util/deployment_util.go (docs/rules.md A12): the new
// ReplicaSet grows by min(replicas + surge - Σspec, replicas - new), and not
// at all once Σspec reaches replicas + surge; Recreate goes straight to replicas.
func TestNewRSNewReplicas(t *testing.T) {
	d := newDeployment(10, rolling(api.FromInt(3), api.FromInt(2)))
	for _, tc := range []struct {
		old, new int32
		want     int
	}{
		{old: 10, new: 0, want: 3},  // room for the whole surge
		{old: 8, new: 3, want: 5},   // 11 of 13: two more
		{old: 8, new: 5, want: 5},   // 13 of 13: stays
		{old: 9, new: 5, want: 5},   // above the bound: stays
		{old: 0, new: 9, want: 10},  // never above replicas
		{old: 2, new: 10, want: 10}, // already full
	} {
		newRS := rs(tc.new)
		assert.Equal(t, tc.want, newRSNewReplicas(d, []*api.ReplicaSet{rs(tc.old), newRS}, newRS), "old %d new %d", tc.old, tc.new)
	}
	recreate := newDeployment(4, api.DeploymentStrategy{Type: api.RecreateStrategy})
	newRS := rs(0)
	assert.Equal(t, 4, newRSNewReplicas(recreate, []*api.ReplicaSet{rs(4), newRS}, newRS))
}
