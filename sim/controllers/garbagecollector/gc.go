// Package garbagecollector deletes dependents whose owners are gone
// (background cascading deletion): when an object leaves the store, every
// object with an ownerReference to its UID whose owners are all gone is
// deleted. This is how a StatefulSet's claims follow a retention policy of
// Delete, a Deployment's ReplicaSets and pods follow it, and a
// ControllerRevision follows its set.
package garbagecollector

import (
	"errors"
	"strings"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// dependentKinds are the kinds that carry owner references here.
var dependentKinds = []string{api.KindPod, api.KindPersistentVolumeClaim, api.KindReplicaSet, api.KindControllerRevision}

// Controller is the garbage collector.
type Controller struct{}

// New returns the controller.
func New() *Controller { return &Controller{} }

// Name implements sim.Controller.
func (*Controller) Name() string { return "garbage-collector" }

// Keys are "<kind>/<uid>" of every removed object that can own others.
func (*Controller) Keys(_ *store.Txn, c store.Change) []string {
	if c.New != nil {
		return nil
	}
	switch c.Kind {
	case api.KindStatefulSet, api.KindDeployment, api.KindReplicaSet, api.KindPod, api.KindService:
		return []string{c.Kind + "/" + c.Old.Meta().UID}
	}
	return nil
}

// Reconcile deletes the orphaned dependents of a removed owner.
func (*Controller) Reconcile(ctx *sim.Context, key string) error {
	_, uid, _ := strings.Cut(key, "/")
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

// ownersGone reports whether no owner of obj exists any more.
func ownersGone(tx *store.Txn, obj api.Object) bool {
	for _, r := range obj.Meta().OwnerReferences {
		if tx.ByUID(r.Kind, r.UID) != nil {
			return false
		}
	}
	return true
}
