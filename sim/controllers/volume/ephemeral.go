package volume

import (
	"fmt"
	"maps"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/store"
)

// Ephemeral is the ephemeral volume controller
// (pkg/controller/volume/ephemeral/controller.go): for each generic
// ephemeral volume of a pod it creates the claim <pod>-<volume> from the
// volume's claim template, with the pod as its controller, so the claim
// lives as long as the pod: the garbage collector deletes it once the pod
// object is gone, and its volume is reclaimed by its class's policy.
type Ephemeral struct{}

// NewEphemeral returns the ephemeral volume controller.
func NewEphemeral() *Ephemeral { return &Ephemeral{} }

// Name implements sim.Controller.
func (*Ephemeral) Name() string { return "ephemeral-volume-controller" }

// Keys wakes a pod with ephemeral volumes when it is added or changed, and
// the pods that use a claim when the claim is deleted (onPVCDelete: the
// claim is made again while its pod runs).
func (*Ephemeral) Keys(tx *store.Txn, ch store.Change) []string {
	switch ch.Kind {
	case api.KindPod:
		if p, ok := ch.New.(*api.Pod); ok && !p.Terminating() && hasEphemeral(p) {
			return []string{p.Key()}
		}
	case api.KindPersistentVolumeClaim:
		if ch.New != nil {
			return nil
		}
		var keys []string
		for _, p := range tx.PodsUsingClaim(ch.Old.Meta().Key()) {
			if hasEphemeral(p) {
				keys = append(keys, p.Key())
			}
		}
		return keys
	}
	return nil
}

func hasEphemeral(p *api.Pod) bool {
	for _, v := range p.Spec.Volumes {
		if v.Ephemeral != nil {
			return true
		}
	}
	return false
}

// Reconcile is syncHandler: pods being deleted are left alone; a missing
// claim is created; a claim of that name that the pod does not control is
// a FailedBinding event on the pod.
func (e *Ephemeral) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	p := tx.Pod(key)
	if p == nil || p.Terminating() {
		return nil
	}
	for _, v := range p.Spec.Volumes {
		if v.Ephemeral == nil || v.Ephemeral.VolumeClaimTemplate == nil {
			continue
		}
		name := api.EphemeralClaimName(p.Name, v.Name)
		if cl := tx.Claim(p.Namespace + "/" + name); cl != nil {
			if err := EphemeralClaimIsForPod(p, cl); err != nil {
				ctx.Event(p, "Warning", "FailedBinding", "ephemeral volume %s: %v", v.Name, err)
				return nil
			}
			continue
		}
		t := v.Ephemeral.VolumeClaimTemplate
		cl := &api.PersistentVolumeClaim{
			TypeMeta: api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolumeClaim},
			ObjectMeta: api.ObjectMeta{Name: name, Namespace: p.Namespace,
				Labels: maps.Clone(t.Labels), Annotations: maps.Clone(t.Annotations),
				OwnerReferences: []api.OwnerReference{api.NewControllerRef(p, "v1")}},
			Spec: t.Spec.DeepCopy(),
		}
		if err := ctx.Create(cl); err != nil {
			ctx.Event(p, "Warning", "FailedBinding", "ephemeral volume %s: %v", v.Name, fmt.Errorf("create PVC %s: %w", name, err))
			return nil
		}
	}
	return nil
}
