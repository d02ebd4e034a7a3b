package statefulset

import (
	"errors"
	"fmt"
	"reflect"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// objectManager is everything a sync reads beyond the pods it is given and
// everything it writes (upstream's StatefulPodControlObjectManager, the
// ControllerRevision history and the status updater together). The
// controller's is the API server (storeObjects); a test's is an in-memory
// fake that can fail after N calls.
type objectManager interface {
	CreatePod(p *api.Pod) error
	UpdatePod(p *api.Pod) error
	DeletePod(p *api.Pod) error
	// Claim reads a claim by namespace/name, or nil.
	Claim(key string) *api.PersistentVolumeClaim
	CreateClaim(c *api.PersistentVolumeClaim) error
	UpdateClaim(c *api.PersistentVolumeClaim) error
	// Revisions lists the ControllerRevisions a set controls or may adopt:
	// those matching its selector that no other controller controls
	// (ListControllerRevisions).
	Revisions(set *api.StatefulSet) []*api.ControllerRevision
	CreateRevision(r *api.ControllerRevision) error
	UpdateRevision(r *api.ControllerRevision) error
	DeleteRevision(r *api.ControllerRevision) error
	// StatefulSet reads the set as it is now, or nil.
	StatefulSet(key string) *api.StatefulSet
	UpdateStatus(set *api.StatefulSet) error
	// Event records an event about obj.
	Event(obj api.Object, typ, reason, format string, args ...any)
}

// storeObjects is the object manager of the running controller: the
// simulated API server, at the sync's instant.
type storeObjects struct{ ctx *sim.Context }

func (o storeObjects) CreatePod(p *api.Pod) error { return o.ctx.Create(p) }
func (o storeObjects) UpdatePod(p *api.Pod) error { return o.ctx.Update(p) }
func (o storeObjects) DeletePod(p *api.Pod) error {
	return o.ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{})
}
func (o storeObjects) Claim(key string) *api.PersistentVolumeClaim    { return o.ctx.Txn().Claim(key) }
func (o storeObjects) CreateClaim(c *api.PersistentVolumeClaim) error { return o.ctx.Create(c) }
func (o storeObjects) UpdateClaim(c *api.PersistentVolumeClaim) error { return o.ctx.Update(c) }
func (o storeObjects) Revisions(set *api.StatefulSet) []*api.ControllerRevision {
	var out []*api.ControllerRevision
	for _, r := range o.ctx.Txn().ControllerRevisions() {
		if ref := r.ControllerRef(); r.Namespace == set.Namespace && set.Spec.Selector.Matches(r.Labels) && (ref == nil || ref.UID == set.UID) {
			out = append(out, r)
		}
	}
	return out
}
func (o storeObjects) CreateRevision(r *api.ControllerRevision) error { return o.ctx.Create(r) }
func (o storeObjects) UpdateRevision(r *api.ControllerRevision) error { return o.ctx.Update(r) }
func (o storeObjects) DeleteRevision(r *api.ControllerRevision) error {
	return o.ctx.Delete(api.KindControllerRevision, r.Key(), apiserver.DeleteOptions{})
}
func (o storeObjects) StatefulSet(key string) *api.StatefulSet { return o.ctx.Txn().StatefulSet(key) }
func (o storeObjects) UpdateStatus(set *api.StatefulSet) error { return o.ctx.Update(set) }
func (o storeObjects) Event(obj api.Object, typ, reason, format string, args ...any) {
	o.ctx.Event(obj, typ, reason, format, args...)
}

// podControl carries out a sync's decisions on pods and claims through the
// object manager and records the events upstream's StatefulPodControl
// records (recordPodEvent, recordClaimEvent).
type podControl struct{ objects objectManager }

// createStatefulPod creates the pod's missing claims, then the pod
// (CreateStatefulPod).
func (pc podControl) createStatefulPod(set *api.StatefulSet, p *api.Pod) error {
	if err := pc.createMissingClaims(set, p); err != nil {
		return err
	}
	if err := pc.objects.CreatePod(p); err != nil {
		pc.objects.Event(set, "Warning", "FailedCreate", "create Pod %s in StatefulSet %s failed error: %v", p.Name, set.Name, err)
		return err
	}
	pc.objects.Event(set, "Normal", "SuccessfulCreate", "create Pod %s in StatefulSet %s successful", p.Name, set.Name)
	return nil
}

// updateStatefulPod gives a pod back its identity and storage
// (UpdateStatefulPod with updateIdentity and updateStorage); it returns
// the updated pod.
func (pc podControl) updateStatefulPod(set *api.StatefulSet, p *api.Pod) (*api.Pod, error) {
	n := p.DeepCopy()
	setIdentity(set, n)
	setStorage(set, n)
	if err := pc.objects.UpdatePod(n); err != nil {
		return p, err
	}
	return n, nil
}

// deleteStatefulPod deletes a pod gracefully (DeleteStatefulPod); a pod
// already gone is not an error.
func (pc podControl) deleteStatefulPod(set *api.StatefulSet, p *api.Pod) error {
	err := pc.objects.DeletePod(p)
	if err != nil && !errors.Is(err, apiserver.ErrNotFound) {
		pc.objects.Event(set, "Warning", "FailedDelete", "delete Pod %s in StatefulSet %s failed error: %v", p.Name, set.Name, err)
		return err
	}
	pc.objects.Event(set, "Normal", "SuccessfulDelete", "delete Pod %s in StatefulSet %s successful", p.Name, set.Name)
	return nil
}

// createMissingClaims creates each claim of the pod that does not exist
// (createPersistentVolumeClaims). A claim being deleted blocks the pod.
func (pc podControl) createMissingClaims(set *api.StatefulSet, p *api.Pod) error {
	for _, c := range claimsFor(set, p) {
		existing := pc.objects.Claim(c.Key())
		if existing != nil {
			if existing.Terminating() {
				err := fmt.Errorf("pvc %s is being deleted", c.Name)
				pc.objects.Event(set, "Warning", "FailedCreate", "create Pod %s in StatefulSet %s failed error: %v", p.Name, set.Name, err)
				return err
			}
			continue
		}
		if set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted == api.DeletePolicy {
			c.OwnerReferences = []api.OwnerReference{setRef(set)}
		}
		if err := pc.objects.CreateClaim(c); err != nil {
			pc.objects.Event(set, "Warning", "FailedCreate", "create Claim %s for Pod %s in StatefulSet %s failed error: %v", c.Name, p.Name, set.Name, err)
			return err
		}
		pc.objects.Event(set, "Normal", "SuccessfulCreate", "create Claim %s Pod %s in StatefulSet %s success", c.Name, p.Name, set.Name)
	}
	return nil
}

// claimIsStale reports a claim of the slot whose pod owner reference names
// this pod's name with another UID (PodClaimIsStale): creation waits for
// the garbage collector to remove it.
func (pc podControl) claimIsStale(set *api.StatefulSet, p *api.Pod) bool {
	if set.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled != api.DeletePolicy {
		return false
	}
	for _, key := range claimKeys(set, p) {
		existing := pc.objects.Claim(key)
		if existing == nil {
			continue
		}
		for _, r := range existing.OwnerReferences {
			if r.Kind == api.KindPod && r.Name == p.Name && r.UID != p.UID {
				return true
			}
		}
	}
	return false
}

// setClaimOwners gives the pod's claims the owner references want
// (UpdatePodClaimForRetentionPolicy); a claim controlled by someone else is
// left alone with a ConflictingController event.
func (pc podControl) setClaimOwners(set *api.StatefulSet, p *api.Pod, want []api.OwnerReference) error {
	for _, key := range claimKeys(set, p) {
		existing := pc.objects.Claim(key)
		if existing == nil || reflect.DeepEqual(existing.OwnerReferences, want) {
			continue
		}
		if r := existing.ControllerRef(); r != nil && r.UID != set.UID && r.UID != p.UID {
			pc.objects.Event(existing, "Warning", "ConflictingController", "found a controller reference to %s %s on claim %s", r.Kind, r.Name, existing.Name)
			continue
		}
		n := existing.DeepCopy()
		n.OwnerReferences = want
		if err := pc.objects.UpdateClaim(n); err != nil {
			return err
		}
	}
	return nil
}

// setRef is the controller reference to the set.
func setRef(set *api.StatefulSet) api.OwnerReference {
	return api.NewControllerRef(set, "apps/v1")
}
