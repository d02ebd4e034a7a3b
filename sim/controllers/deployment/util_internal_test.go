package deployment

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

// annotated is a ReplicaSet of a size with the max-replicas annotation its
// Deployment last wrote, created at a time.
func annotated(name string, size int32, maxReplicas string, created time.Duration) *api.ReplicaSet {
	return &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: name, CreationTimestamp: created,
		Annotations: map[string]string{MaxReplicasAnnotation: maxReplicas}}, Spec: api.ReplicaSetSpec{Replicas: &size}}
}

// TestProportionalSizes follows scale and getReplicaSetFraction in
// pkg/controller/deployment/sync.go and the "Proportional scaling" example
// of the Deployment docs: a rollout stuck at 8 old and 5 new of 10
// (maxSurge 3) scaled to 15 shares the 5 new replicas as 3 and 2, giving
// 11 and 7; scaling back shrinks them in proportion; the leftover of the
// rounding goes to the largest ReplicaSet.
func TestProportionalSizes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replicas int32
		strategy api.DeploymentStrategy
		rss      []*api.ReplicaSet
		want     map[string]int
	}{
		{"docs example: 10 to 15 while stuck", 15, rolling(api.FromInt(3), api.FromInt(2)),
			[]*api.ReplicaSet{annotated("old", 8, "13", 0), annotated("new", 5, "13", time.Minute)},
			map[string]int{"old": 11, "new": 7}},
		{"back to 10", 10, rolling(api.FromInt(3), api.FromInt(2)),
			[]*api.ReplicaSet{annotated("old", 11, "18", 0), annotated("new", 7, "18", time.Minute)},
			map[string]int{"old": 8, "new": 5}},
		{"leftover to the largest", 4, rolling(api.FromInt(1), api.FromInt(0)),
			[]*api.ReplicaSet{annotated("a", 2, "4", 0), annotated("b", 1, "4", time.Minute)},
			map[string]int{"a": 4, "b": 1}},
		{"to zero", 0, rolling(api.FromInt(1), api.FromInt(1)),
			[]*api.ReplicaSet{annotated("a", 3, "5", 0), annotated("b", 1, "5", time.Minute)},
			map[string]int{"a": 0, "b": 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sorted, sizes := proportionalSizes(newDeployment(tc.replicas, tc.strategy), tc.rss)
			got := map[string]int{}
			for i, rs := range sorted {
				got[rs.Name] = sizes[i]
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestNewReplicaSet follows getNewReplicaSet in sync.go: the ReplicaSet
// is named "<deployment>-<pod-template-hash>", carries the hash label on
// its labels, its selector and its pod template, the revision and replica
// annotations, the Deployment's minReadySeconds and a controller reference.
func TestNewReplicaSet(t *testing.T) {
	d := newDeployment(4, api.DeploymentStrategy{})
	d.UID, d.Namespace, d.Spec.MinReadySeconds = "d-uid", "default", 5
	hash := podTemplateHash(d)
	rs := newReplicaSet(d, hash, 3, 2)
	assert.Equal(t, "web-"+hash, rs.Name)
	assert.Equal(t, hash, rs.Labels[api.PodTemplateHashLabel])
	assert.Equal(t, hash, rs.Spec.Selector.MatchLabels[api.PodTemplateHashLabel])
	assert.Equal(t, "web", rs.Spec.Selector.MatchLabels["app"])
	assert.Equal(t, hash, rs.Spec.Template.Labels[api.PodTemplateHashLabel])
	assert.Equal(t, map[string]string{api.DeploymentRevisionAnnotation: "3", DesiredReplicasAnnotation: "4", MaxReplicasAnnotation: "5"}, rs.Annotations)
	assert.Equal(t, int32(2), *rs.Spec.Replicas)
	assert.Equal(t, int32(5), rs.Spec.MinReadySeconds)
	assert.Equal(t, "d-uid", rs.ControllerUID())
	assert.Empty(t, d.Spec.Template.Labels[api.PodTemplateHashLabel], "the Deployment's template is left alone")
	assert.Regexp(t, `^[456789bcdf]{1,10}$`, hash, "a safe-encoded decimal FNV-32a")

	collided := d.DeepCopy()
	one := int32(1)
	collided.Status.CollisionCount = &one
	assert.NotEqual(t, hash, podTemplateHash(collided), "a collision count gives another hash")
}

// TestFindNewReplicaSet follows FindNewReplicaSet and EqualIgnoreHash in
// deployment_util.go: the new ReplicaSet is the oldest whose template
// equals the Deployment's once the hash label is ignored.
func TestFindNewReplicaSet(t *testing.T) {
	d := newDeployment(2, api.DeploymentStrategy{})
	same := func(hash string) *api.ReplicaSet { return newReplicaSet(d, hash, 1, 1) }
	other := d.DeepCopy()
	other.Spec.Template.Spec.Containers[0].Image = "app:2"
	a, b, c := same("111"), same("222"), newReplicaSet(other, "333", 1, 1)
	newRS, old := findNewReplicaSet(d, []*api.ReplicaSet{c, a, b})
	assert.Same(t, a, newRS)
	assert.Equal(t, []*api.ReplicaSet{c, b}, old)
}
