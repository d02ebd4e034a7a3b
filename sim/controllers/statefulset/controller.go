package statefulset

import (
	"maps"
	"slices"
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
	// states holds what the controller knows of each set's pods, by set
	// key, kept from the pod changes Keys sees.
	states map[string]*replicaState
	// verify, if set, hears of every difference between a state kept from
	// changes and one built from the store, at the start of every sync.
	verify func(set, diff string)
}

// VerifyStates makes every sync first compare what the controller kept of
// the set's pods from the changes it saw with what it would build from
// the store, and report each difference (the invariant checks of the
// tests use it).
func (c *Controller) VerifyStates(report func(set, diff string)) { c.verify = report }

// New returns the controller.
func New() *Controller {
	return &Controller{objects: func(ctx *sim.Context) objectManager { return storeObjects{ctx} }, states: map[string]*replicaState{}}
}

// Name implements sim.Controller.
func (*Controller) Name() string { return "statefulset-controller" }

// Keys wakes a set on its own changes, on changes of the pods it controls
// (addPod/updatePod/deletePod resolve the controllerRef), and every set
// whose selector matches an orphaned pod, to see whether it adopts it
// (getStatefulSetsForPod). It keeps the state of the sets' pods.
func (c *Controller) Keys(tx *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindStatefulSet:
		return []string{ch.Object().Meta().Key()}
	case api.KindPod:
		if o, ok := ch.Old.(*api.Pod); ok {
			if st := c.stateOf(o); st != nil {
				st.remove(o.Name)
			}
		}
		n, ok := ch.New.(*api.Pod)
		if ok {
			if st := c.stateOf(n); st != nil {
				st.add(n)
			}
		}
		keys := ch.ControllerKeys(api.KindStatefulSet)
		if ok && n.ControllerRef() == nil && !n.Terminating() {
			for _, set := range tx.StatefulSets() { // sets are few; pods are many
				if set.Namespace == n.Namespace && set.Spec.Selector.Matches(n.Labels) {
					keys = append(keys, set.Key())
				}
			}
		}
		return keys
	}
	return nil
}

// stateOf is the state of the set that controls p, if the controller keeps
// one for it.
func (c *Controller) stateOf(p *api.Pod) *replicaState {
	r := p.ControllerRef()
	if r == nil || r.Kind != api.KindStatefulSet {
		return nil
	}
	if st := c.states[p.Namespace+"/"+r.Name]; st != nil && st.uid == r.UID {
		return st
	}
	return nil
}

// controlledBy lists the pods whose controller is set (the owner index
// lists every pod with a reference to it; the kept state holds the ones
// it controls, as stateOf does).
func controlledBy(tx *store.Txn, set *api.StatefulSet) []*api.Pod {
	return slices.DeleteFunc(tx.PodsOwnedBy(set.UID), func(p *api.Pod) bool { return p.ControllerUID() != set.UID })
}

// Reconcile is syncStatefulSet: claim the set's pods, let the control
// bring them towards the spec, and requeue after minReadySeconds while a
// pod may turn available without an event.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	set := tx.StatefulSet(key)
	if set == nil {
		delete(c.states, key)
		return nil
	}
	st := c.states[key]
	if st == nil || st.uid != set.UID || st.generation != set.Generation {
		st = newReplicaState(set, controlledBy(tx, set))
		c.states[key] = st
	}
	if c.verify != nil {
		built := newReplicaState(set, controlledBy(tx, set))
		st.sweep(ctx.Now())
		built.sweep(ctx.Now())
		if kept, want := st.dump(), built.dump(); kept != want {
			c.verify(key, "kept:\n"+kept+"built:\n"+want)
		}
	}
	if w := tx.Writes(store.TablePersistentVolumeClaims); w != st.claimWrites {
		// What processReplica found of the claims may have changed.
		st.settled.clear()
		st.claimWrites = w
	}
	objects := c.objects(ctx)
	if err := claim(tx, set, st, objects); err != nil {
		return err
	}
	status, err := newSetControl(set, ctx.Now(), objects).UpdateStatefulSet(st)
	if status != nil && set.Spec.MinReadySeconds > 0 && status.AvailableReplicas != *set.Spec.Replicas {
		ctx.After(time.Duration(set.Spec.MinReadySeconds)*time.Second, key)
	}
	return err
}

// claim is ClaimPods over the set's pods: it releases the pods the set
// controls that stopped matching (by name; unless the set is being
// deleted) and adopts the orphans of its namespace that match
// (ClaimObject).
func claim(tx *store.Txn, set *api.StatefulSet, st *replicaState, objects objectManager) error {
	if !set.Terminating() {
		for _, name := range slices.Sorted(maps.Keys(st.stray)) {
			n := st.stray[name].DeepCopy()
			n.OwnerReferences = slices.DeleteFunc(n.OwnerReferences, func(r api.OwnerReference) bool { return r.UID == set.UID })
			if err := objects.UpdatePod(n); err != nil {
				return err
			}
		}
	}
	adopted, err := refmanager.Claim(set, "apps/v1", set.Spec.Selector, tx.OrphanPods(set.Namespace),
		func(p *api.Pod) bool { return isMemberOf(set, p) }, objects.UpdatePod)
	for _, p := range adopted {
		st.add(p)
	}
	return err
}
