package deployment

import (
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// objectManager is everything a sync reads and writes: the Deployment's
// ReplicaSets and pods, the Deployment itself and its events. The
// controller's is the API server (storeObjects); tests may use another.
type objectManager interface {
	Deployment(key string) *api.Deployment
	// ReplicaSetCandidates lists the ReplicaSets the Deployment may claim:
	// every one in its namespace, by name.
	ReplicaSetCandidates(d *api.Deployment) []*api.ReplicaSet
	ReplicaSet(key string) *api.ReplicaSet
	// PodsOwnedBy lists the pods of a ReplicaSet.
	PodsOwnedBy(uid string) []*api.Pod
	CreateReplicaSet(rs *api.ReplicaSet) error
	UpdateReplicaSet(rs *api.ReplicaSet) error
	DeleteReplicaSet(rs *api.ReplicaSet) error
	// UpdateDeployment writes the Deployment's annotations or status.
	UpdateDeployment(d *api.Deployment) error
	Event(obj api.Object, typ, reason, format string, args ...any)
}

// storeObjects is the object manager of the running controller: the
// simulated API server, at the sync's instant.
type storeObjects struct{ ctx *sim.Context }

func (o storeObjects) Deployment(key string) *api.Deployment { return o.ctx.Txn().Deployment(key) }
func (o storeObjects) ReplicaSetCandidates(d *api.Deployment) []*api.ReplicaSet {
	var out []*api.ReplicaSet
	for _, rs := range o.ctx.Txn().ReplicaSets() {
		if rs.Namespace == d.Namespace {
			out = append(out, rs)
		}
	}
	return out
}
func (o storeObjects) ReplicaSet(key string) *api.ReplicaSet     { return o.ctx.Txn().ReplicaSet(key) }
func (o storeObjects) PodsOwnedBy(uid string) []*api.Pod         { return o.ctx.Txn().PodsOwnedBy(uid) }
func (o storeObjects) CreateReplicaSet(rs *api.ReplicaSet) error { return o.ctx.Create(rs) }
func (o storeObjects) UpdateReplicaSet(rs *api.ReplicaSet) error { return o.ctx.Update(rs) }
func (o storeObjects) DeleteReplicaSet(rs *api.ReplicaSet) error {
	return o.ctx.Delete(api.KindReplicaSet, rs.Key(), apiserver.DeleteOptions{})
}
func (o storeObjects) UpdateDeployment(d *api.Deployment) error { return o.ctx.Update(d) }
func (o storeObjects) Event(obj api.Object, typ, reason, format string, args ...any) {
	o.ctx.Event(obj, typ, reason, format, args...)
}
