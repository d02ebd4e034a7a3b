// Package garbagecollector is the garbage collector, following
// pkg/controller/garbagecollector: it acts on owner references.
//
//   - Background: when an object leaves the store, every object with an
//     ownerReference to its UID whose owners are all gone is deleted. This
//     is how a StatefulSet's claims follow a retention policy of Delete, a
//     Deployment's ReplicaSets and pods follow it, and a ControllerRevision
//     follows its set.
//   - Orphan: an owner deleted with the orphan finalizer first has its
//     references removed from every dependent, then the finalizer removed.
//   - Foreground: an owner deleted with the foregroundDeletion finalizer
//     has its dependents deleted first (foreground again for a dependent
//     that owns others); once no dependent with blockOwnerDeletion is left,
//     the finalizer is removed and the owner goes.
package garbagecollector

import (
	"errors"
	"slices"
	"strings"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// dependentKinds are the kinds that carry owner references here.
var dependentKinds = []string{api.KindPod, api.KindPersistentVolumeClaim, api.KindReplicaSet, api.KindControllerRevision}

// ownerKinds are the kinds that own others here.
var ownerKinds = []string{api.KindStatefulSet, api.KindDeployment, api.KindReplicaSet, api.KindPod, api.KindService}

// Controller is the garbage collector.
type Controller struct{}

// New returns the controller.
func New() *Controller { return &Controller{} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "garbage-collector" }

// Keys are "gone:<kind>/<uid>" for a removed owner and
// "deleting:<kind>/<uid>" for an owner deleted with a propagation
// finalizer, woken again when one of its dependents goes.
func (*Controller) Keys(tx *store.Txn, c store.Change) []string {
	var keys []string
	if c.New == nil && slices.Contains(ownerKinds, c.Kind) {
		keys = append(keys, "gone:"+c.Kind+"/"+c.Old.Meta().UID)
	}
	if c.New != nil && slices.Contains(ownerKinds, c.Kind) && propagating(c.New.Meta()) {
		keys = append(keys, "deleting:"+c.Kind+"/"+c.New.Meta().UID)
	}
	if c.New == nil && slices.Contains(dependentKinds, c.Kind) {
		// A dependent that goes may be the last one its owner waits for.
		for _, r := range c.Old.Meta().OwnerReferences {
			if o := tx.ByUID(r.Kind, r.UID); o != nil && slices.Contains(o.Meta().Finalizers, apiserver.FinalizerForeground) {
				keys = append(keys, "deleting:"+r.Kind+"/"+r.UID)
			}
		}
	}
	return keys
}

// propagating reports an object being deleted with a propagation finalizer.
func propagating(m *api.ObjectMeta) bool {
	return m.Terminating() && (slices.Contains(m.Finalizers, apiserver.FinalizerOrphan) || slices.Contains(m.Finalizers, apiserver.FinalizerForeground))
}

// Reconcile handles one owner.
func (*Controller) Reconcile(ctx *sim.Context, key string) error {
	what, ref, _ := strings.Cut(key, ":")
	kind, uid, _ := strings.Cut(ref, "/")
	if what == "gone" {
		return deleteOrphaned(ctx, uid)
	}
	owner := ctx.Txn().ByUID(kind, uid)
	if owner == nil || !propagating(owner.Meta()) {
		return nil
	}
	if slices.Contains(owner.Meta().Finalizers, apiserver.FinalizerOrphan) {
		return orphanDependents(ctx, owner)
	}
	return deleteDependentsFirst(ctx, owner)
}

// deleteOrphaned deletes the dependents of a removed owner whose owners are
// all gone (attemptToDeleteItem with no owner left).
func deleteOrphaned(ctx *sim.Context, uid string) error {
	tx := ctx.Txn()
	var errs []error
	for _, kind := range dependentKinds {
		for _, dep := range tx.Dependents(kind, uid) {
			if ownersGone(tx, dep) && !dep.Meta().Terminating() {
				err := ctx.Delete(kind, dep.Meta().Key(), apiserver.DeleteOptions{})
				if err != nil && !errors.Is(err, apiserver.ErrNotFound) {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// orphanDependents removes the owner's references from its dependents,
// then its orphan finalizer (orphanDependents, removeFinalizer).
func orphanDependents(ctx *sim.Context, owner api.Object) error {
	tx := ctx.Txn()
	uid := owner.Meta().UID
	for _, kind := range dependentKinds {
		for _, dep := range tx.Dependents(kind, uid) {
			n := dep.DeepCopyObject()
			n.Meta().OwnerReferences = slices.DeleteFunc(n.Meta().OwnerReferences, func(r api.OwnerReference) bool { return r.UID == uid })
			if err := ctx.Update(n); err != nil {
				return err
			}
		}
	}
	return removeFinalizer(ctx, owner, apiserver.FinalizerOrphan)
}

// deleteDependentsFirst deletes the owner's dependents, and once none that
// blocks its deletion is left, removes its foregroundDeletion finalizer
// (processDeletingDependentsItem).
func deleteDependentsFirst(ctx *sim.Context, owner api.Object) error {
	tx := ctx.Txn()
	uid := owner.Meta().UID
	blocked := false
	for _, kind := range dependentKinds {
		for _, dep := range tx.Dependents(kind, uid) {
			for _, r := range dep.Meta().OwnerReferences {
				blocked = blocked || (r.UID == uid && r.BlockOwnerDeletion)
			}
			if dep.Meta().Terminating() {
				continue
			}
			policy := apiserver.PropagationBackground
			if ownsAny(tx, dep) {
				policy = apiserver.PropagationForeground
			}
			err := ctx.Delete(kind, dep.Meta().Key(), apiserver.DeleteOptions{PropagationPolicy: policy})
			if err != nil && !errors.Is(err, apiserver.ErrNotFound) {
				return err
			}
		}
	}
	if blocked {
		return nil // woken again as each blocking dependent goes
	}
	return removeFinalizer(ctx, owner, apiserver.FinalizerForeground)
}

// ownsAny reports whether obj has dependents of its own.
func ownsAny(tx *store.Txn, obj api.Object) bool {
	for _, kind := range dependentKinds {
		if len(tx.Dependents(kind, obj.Meta().UID)) > 0 {
			return true
		}
	}
	return false
}

// removeFinalizer drops a finalizer; the API server removes an object being
// deleted once it has none.
func removeFinalizer(ctx *sim.Context, owner api.Object, finalizer string) error {
	cur := ctx.Txn().ByUID(owner.GetKind(), owner.Meta().UID)
	if cur == nil {
		return nil
	}
	n := cur.DeepCopyObject()
	n.Meta().Finalizers = slices.DeleteFunc(n.Meta().Finalizers, func(f string) bool { return f == finalizer })
	return ctx.Update(n)
}

// ownersGone reports whether no owner of obj exists any more.
func ownersGone(tx *store.Txn, obj api.Object) bool {
	for _, r := range obj.Meta().OwnerReferences {
		if tx.ByUID(r.Kind, r.UID) != nil {
			return false
		}
	}
	return true
}
