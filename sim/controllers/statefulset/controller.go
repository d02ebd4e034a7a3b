package statefulset

import (
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/controllers/refmanager"
	"stsim/sim/store"
)

// Controller reconciles StatefulSets.
type Controller struct {
	// objects gives a sync its object manager; tests replace it.
	objects func(ctx *sim.Context) objectManager
	// settled holds, per set, the replicas a sync found needing nothing.
	settled map[string]*settledPods
	// pods holds the pods of each set, kept from the changes Keys sees.
	pods *refmanager.PodIndex
}

// New returns the controller.
func New() *Controller {
	return &Controller{objects: func(ctx *sim.Context) objectManager { return storeObjects{ctx} }, settled: map[string]*settledPods{},
		pods: refmanager.NewPodIndex(api.KindStatefulSet)}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "statefulset-controller" }

// Keys wakes a set on its own changes, on changes of the pods it controls
// (addPod/updatePod/deletePod resolve the controllerRef), and every set
// whose selector matches an orphaned pod, to see whether it adopts it
// (getStatefulSetsForPod).
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	c.pods.Observe(ch)
	return keys(tx, ch)
}

func keys(tx *store.Txn, c store.Change) []string {
	switch c.Kind {
	case api.KindStatefulSet:
		return []string{c.Object().Meta().Key()}
	case api.KindPod:
		keys := c.ControllerKeys(api.KindStatefulSet)
		if p, ok := c.New.(*api.Pod); ok && p.ControllerRef() == nil && !p.Terminating() {
			for _, set := range tx.StatefulSets() { // sets are few; pods are many
				if set.Namespace == p.Namespace && set.Spec.Selector.Matches(p.Labels) {
					keys = append(keys, set.Key())
				}
			}
		}
		return keys
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
		delete(c.settled, key)
		return nil
	}
	objects := c.objects(ctx)
	pods, err := c.pods.ClaimPods(tx, set, "apps/v1", set.Spec.Selector,
		func(p *api.Pod) bool { return isMemberOf(set, p) }, objects.UpdatePod)
	if err != nil {
		return err
	}
	sc := newSetControl(set, ctx.Now(), objects)
	sc.settled = c.settledFor(set, tx.Writes(store.TablePersistentVolumeClaims))
	status, err := sc.UpdateStatefulSet(pods)
	if status != nil && set.Spec.MinReadySeconds > 0 && status.AvailableReplicas != *set.Spec.Replicas {
		ctx.After(time.Duration(set.Spec.MinReadySeconds)*time.Second, key)
	}
	return err
}
