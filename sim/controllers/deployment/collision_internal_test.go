package deployment

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim"
	"stsim/sim/api"
)

// TestHashCollisionBumpsCollisionCount follows getNewReplicaSet in
// pkg/controller/deployment/sync.go (docs/rules.md A4): when a ReplicaSet
// with the computed name already exists and is not this Deployment's with
// an equal template, status.collisionCount goes from nil to 1 and the
// ReplicaSet is created under the hash computed with it. Upstream returns
// an error and creates it on the next sync; stsim retries within the sync,
// which ends in the same objects.
func TestHashCollisionBumpsCollisionCount(t *testing.T) {
	e := sim.New(1)
	e.AddController(New())
	d := newDeployment(2, api.DeploymentStrategy{})
	taken := "web-" + podTemplateHash(d)
	other := newDeployment(2, api.DeploymentStrategy{})
	other.Name, other.Spec.Template.Spec.Containers[0].Image = "other", "app:2"
	require.NoError(t, e.Do(func(ctx *sim.Context) error {
		if err := ctx.Create(other); err != nil {
			return err
		}
		o := ctx.Txn().Deployment("default/other")
		squatter := newReplicaSet(o, "x", 1, 0)
		squatter.Name = taken
		if err := ctx.Create(squatter); err != nil {
			return err
		}
		return ctx.Create(d)
	}))

	tx := e.View()
	cur := tx.Deployment("default/web")
	require.NotNil(t, cur.Status.CollisionCount)
	assert.Equal(t, int32(1), *cur.Status.CollisionCount)
	rss := tx.ReplicaSetsOwnedBy(cur.UID)
	require.Len(t, rss, 1)
	assert.Equal(t, "web-"+podTemplateHash(cur), rss[0].Name)
	assert.NotEqual(t, taken, rss[0].Name)
	assert.Equal(t, int32(2), *rss[0].Spec.Replicas)
	assert.Equal(t, tx.Deployment("default/other").UID, tx.ReplicaSet("default/"+taken).ControllerUID(), "the other Deployment's ReplicaSet is left alone")
}
