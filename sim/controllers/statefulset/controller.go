package statefulset

import (
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// Controller reconciles StatefulSets.
type Controller struct {
	// objects gives a sync its object manager; tests replace it.
	objects func(ctx *sim.Context) objectManager
}

// New returns the controller.
func New() *Controller {
	return &Controller{objects: func(ctx *sim.Context) objectManager { return storeObjects{ctx} }}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "statefulset-controller" }

// Keys wakes a set on its own changes and on changes of the pods it controls
// (addPod/updatePod/deletePod resolve the controllerRef).
func (*Controller) Keys(_ *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindStatefulSet:
		return []string{c.Object().Meta().Key()}
	case api.KindPod:
		return c.ControllerKeys(api.KindStatefulSet)
	}
	return nil
}

// Reconcile is syncStatefulSet: list the set's pods, let the control bring
// them towards the spec, and requeue after minReadySeconds while a pod may
// turn available without an event.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	set := tx.StatefulSet(key)
	if set == nil {
		return nil
	}
	sc := newSetControl(set, ctx.Now(), c.objects(ctx))
	status, err := sc.UpdateStatefulSet(podsFor(tx, set))
	if status != nil && set.Spec.MinReadySeconds > 0 && status.AvailableReplicas != *set.Spec.Replicas {
		ctx.After(time.Duration(set.Spec.MinReadySeconds)*time.Second, key)
	}
	return err
}

// podsFor lists the pods the set controls and that are members by name
// (getPodsForStatefulSet with isMemberOf).
func podsFor(tx *store.Txn, set *api.StatefulSet) []*api.Pod {
	var out []*api.Pod
	for _, p := range tx.PodsOwnedBy(set.UID) {
		if p.ControllerUID() == set.UID && isMemberOf(set, p) {
			out = append(out, p)
		}
	}
	return out
}
