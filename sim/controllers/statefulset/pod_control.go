package statefulset

import (
	"errors"
	"fmt"
	"slices"
	"strings"

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
	// Revision reads a ControllerRevision by namespace/name, or nil.
	Revision(key string) *api.ControllerRevision
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
func (o storeObjects) Revision(key string) *api.ControllerRevision {
	return o.ctx.Txn().ControllerRevision(key)
}
func (o storeObjects) CreateRevision(r *api.ControllerRevision) error { return o.ctx.Create(r) }
func (o storeObjects) UpdateRevision(r *api.ControllerRevision) error { return o.ctx.Update(r) }
func (o storeObjects) DeleteRevision(r *api.ControllerRevision) error {
	return o.ctx.Delete(api.KindControllerRevision, r.Key(), apiserver.DeleteOptions{})
}
func (o storeObjects) StatefulSet(key string) *api.StatefulSet { return o.ctx.Txn().StatefulSet(key) }
func (o storeObjects) UpdateStatus(set *api.StatefulSet) error { return o.ctx.UpdateStatus(set) }
func (o storeObjects) Event(obj api.Object, typ, reason, format string, args ...any) {
	o.ctx.Event(obj, typ, reason, format, args...)
}

// podControl carries out a sync's decisions on pods and claims through the
// object manager and records the events upstream's StatefulPodControl
// records (recordPodEvent, recordClaimEvent).
type podControl struct{ objects objectManager }

// podEvent is recordPodEvent: "SuccessfulCreate" and "create Pod web-0 in
// StatefulSet web successful", or "FailedCreate" and "create Pod web-0 in
// StatefulSet web failed error: …".
func (pc podControl) podEvent(verb string, set *api.StatefulSet, p *api.Pod, err error) {
	title := strings.ToUpper(verb[:1]) + verb[1:]
	if err == nil {
		pc.objects.Event(set, "Normal", "Successful"+title, "%s Pod %s in StatefulSet %s successful", verb, p.Name, set.Name)
		return
	}
	pc.objects.Event(set, "Warning", "Failed"+title, "%s Pod %s in StatefulSet %s failed error: %v", verb, p.Name, set.Name, err)
}

// createStatefulPod creates the pod's missing claims, then the pod, then
// gives the claims the retention policy's owner references
// (CreateStatefulPod). A claim that cannot be created stops the pod.
func (pc podControl) createStatefulPod(set *api.StatefulSet, p *api.Pod) error {
	if err := pc.createClaims(set, p); err != nil {
		pc.podEvent("create", set, p, err)
		return err
	}
	err := pc.objects.CreatePod(p)
	if errors.Is(err, apiserver.ErrAlreadyExists) {
		return err // sink already exists errors
	}
	if uerr := pc.updateClaimsForPolicy(set, p); uerr != nil {
		pc.podEvent("update", set, p, uerr)
		return uerr
	}
	pc.podEvent("create", set, p, err)
	return err
}

// updateStatefulPod gives a pod back its identity labels and storage, and
// its claims the retention policy's owner references (UpdateStatefulPod
// with updateIdentity, updateStorage and UpdatePodClaimForRetentionPolicy);
// it returns the pod as updated. The update is recorded as upstream records
// it ("update Pod web-0 in StatefulSet web successful"), also when only the
// claims changed: upstream then writes the pod unchanged, which the API
// server does not store.
func (pc podControl) updateStatefulPod(set *api.StatefulSet, p *api.Pod) (*api.Pod, error) {
	n := p.DeepCopy()
	changed, consistent := false, true
	if !identityMatches(set, n) {
		updateIdentity(set, n)
		changed, consistent = true, false
	}
	if !storageMatches(set, n) {
		setStorage(set, n)
		changed, consistent = true, false
		if err := pc.createClaims(set, n); err != nil {
			pc.podEvent("update", set, n, err)
			return p, err
		}
	}
	if !pc.claimsMatchPolicy(set, n) {
		if err := pc.updateClaimsForPolicy(set, n); err != nil {
			pc.podEvent("update", set, n, err)
			return p, err
		}
		consistent = false
	}
	if consistent {
		return p, nil
	}
	var err error
	if changed {
		err = pc.objects.UpdatePod(n)
	}
	pc.podEvent("update", set, n, err)
	if err != nil {
		return p, err
	}
	return n, nil
}

// deleteStatefulPod deletes a pod gracefully (DeleteStatefulPod); a pod
// already gone is not an error.
func (pc podControl) deleteStatefulPod(set *api.StatefulSet, p *api.Pod) error {
	err := pc.objects.DeletePod(p)
	if err != nil && !errors.Is(err, apiserver.ErrNotFound) {
		pc.podEvent("delete", set, p, err)
		return err
	}
	pc.podEvent("delete", set, p, nil)
	return nil
}

// createMissingClaims creates the missing claims of a Pending pod and gives
// them the retention policy's owner references
// (createMissingPersistentVolumeClaims).
func (pc podControl) createMissingClaims(set *api.StatefulSet, p *api.Pod) error {
	if err := pc.createClaims(set, p); err != nil {
		return err
	}
	if err := pc.updateClaimsForPolicy(set, p); err != nil {
		pc.podEvent("update", set, p, err)
		return err
	}
	return nil
}

// createClaims creates each claim of the pod that does not exist, without
// owner references, and goes on after a failure; a claim being deleted is
// an error too (createPersistentVolumeClaims). Existing claims are left as
// they are, even when they differ from the template.
func (pc podControl) createClaims(set *api.StatefulSet, p *api.Pod) error {
	var errs []error
	for _, c := range claimsFor(set, p) {
		existing := pc.objects.Claim(c.Key())
		switch {
		case existing == nil:
			err := pc.objects.CreateClaim(c)
			if err != nil {
				errs = append(errs, fmt.Errorf("failed to create PVC %s: %w", c.Name, err))
			}
			if err == nil {
				pc.objects.Event(set, "Normal", "SuccessfulCreate", "create Claim %s Pod %s in StatefulSet %s success", c.Name, p.Name, set.Name)
			} else if !errors.Is(err, apiserver.ErrAlreadyExists) {
				pc.objects.Event(set, "Warning", "FailedCreate", "create Claim %s for Pod %s in StatefulSet %s failed error: %v", c.Name, p.Name, set.Name, err)
			}
		case existing.Terminating():
			errs = append(errs, fmt.Errorf("pvc %s is being deleted", c.Name))
		}
	}
	return aggregate(errs)
}

// aggregate joins errors as utilerrors.NewAggregate does: none is nil, one
// is itself, several print as "[a, b]" and unwrap to each of them.
func aggregate(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return aggregateError(errs)
}

type aggregateError []error

func (a aggregateError) Error() string {
	msgs := make([]string, len(a))
	for i, e := range a {
		msgs[i] = e.Error()
	}
	return "[" + strings.Join(msgs, ", ") + "]"
}

func (a aggregateError) Unwrap() []error { return a }

// claimIsStale reports a claim of the slot whose pod owner reference names
// this pod's name with another UID (PodClaimIsStale): creation waits for
// the garbage collector to remove it.
func (pc podControl) claimIsStale(set *api.StatefulSet, p *api.Pod) bool {
	if retentionPolicy(set).WhenScaled == api.RetainPolicy {
		return false
	}
	for _, key := range claimKeys(set, p) {
		if existing := pc.objects.Claim(key); existing != nil && hasStaleRef(existing, podKind, p) {
			return true
		}
	}
	return false
}

// claimsMatchPolicy reports whether every existing claim of the pod has the
// owner references of the retention policy (ClaimsMatchRetentionPolicy).
func (pc podControl) claimsMatchPolicy(set *api.StatefulSet, p *api.Pod) bool {
	for _, key := range claimKeys(set, p) {
		if existing := pc.objects.Claim(key); existing != nil && !claimOwnersUpToDate(existing, set, p) {
			return false
		}
	}
	return true
}

// updateClaimsForPolicy gives the pod's claims the owner references of the
// retention policy (UpdatePodClaimForRetentionPolicy). A claim controlled by
// another object, or referencing an earlier set or pod of the same name, is
// reported with a ConflictingController warning (unless the policy is
// Retain/Retain) and is not given new references.
func (pc podControl) updateClaimsForPolicy(set *api.StatefulSet, p *api.Pod) error {
	for _, key := range claimKeys(set, p) {
		existing := pc.objects.Claim(key)
		if existing == nil {
			continue
		}
		if hasUnexpectedController(existing, set, p) {
			pc.objects.Event(set, "Warning", "ConflictingController", "PersistentVolumeClaim %s has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim", existing.Name)
		}
		if claimOwnersUpToDate(existing, set, p) {
			continue
		}
		n := existing.DeepCopy()
		updateClaimOwners(n, set, p)
		if err := pc.objects.UpdateClaim(n); err != nil {
			return fmt.Errorf("could not update claim %s for delete policy ownerRefs: %w", n.Name, err)
		}
	}
	return nil
}

// The owner kinds a claim's references are matched against (controllerKind
// and podKind upstream).
var (
	setKind = ownerKind{"apps/v1", api.KindStatefulSet}
	podKind = ownerKind{"v1", api.KindPod}
)

type ownerKind struct{ apiVersion, kind string }

// matchesRef reports a reference to an object of that kind and name,
// whatever its UID (matchesRef).
func matchesRef(r api.OwnerReference, k ownerKind, owner api.Object) bool {
	return r.APIVersion == k.apiVersion && r.Kind == k.kind && r.Name == owner.Meta().Name
}

// hasRef reports a reference to the owner's UID (hasOwnerRef).
func hasRef(c *api.PersistentVolumeClaim, owner api.Object) bool {
	return slices.ContainsFunc(c.OwnerReferences, func(r api.OwnerReference) bool { return r.UID == owner.Meta().UID })
}

// hasStaleRef reports that the first reference to an object of that kind
// and name carries another UID: an earlier object of the same name
// (hasStaleOwnerRef).
func hasStaleRef(c *api.PersistentVolumeClaim, k ownerKind, owner api.Object) bool {
	for _, r := range c.OwnerReferences {
		if matchesRef(r, k, owner) {
			return r.UID != owner.Meta().UID
		}
	}
	return false
}

// retentionPolicy is the set's policy, Retain/Retain when unset
// (getPersistentVolumeClaimRetentionPolicy).
func retentionPolicy(set *api.StatefulSet) api.StatefulSetPersistentVolumeClaimRetentionPolicy {
	if p := set.Spec.PersistentVolumeClaimRetentionPolicy; p != nil {
		return *p
	}
	return api.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenDeleted: api.RetainPolicy, WhenScaled: api.RetainPolicy}
}

// hasUnexpectedController reports, for a policy other than Retain/Retain, a
// claim controlled by another object, or referencing an earlier set or pod
// of the same name (hasUnexpectedController).
func hasUnexpectedController(c *api.PersistentVolumeClaim, set *api.StatefulSet, p *api.Pod) bool {
	if policy := retentionPolicy(set); policy.WhenScaled == api.RetainPolicy && policy.WhenDeleted == api.RetainPolicy {
		return false
	}
	for _, r := range c.OwnerReferences {
		switch {
		case matchesRef(r, setKind, set):
			if r.UID != set.UID {
				return true
			}
		case matchesRef(r, podKind, p):
			if r.UID != p.UID {
				return true
			}
		case r.Controller:
			return true
		}
	}
	return false
}

// claimOwnersUpToDate reports whether the claim's references follow the
// retention policy (isClaimOwnerUpToDate). Claims referencing an earlier
// set or pod of the same name are left alone; so are claims another object
// controls, once they no longer reference this set or pod.
//
//	whenScaled/whenDeleted  pod in range    pod condemned
//	Retain/Retain           no reference    no reference
//	Retain/Delete           the set         the set
//	Delete/Retain           no reference    the pod
//	Delete/Delete           the set         the pod
func claimOwnersUpToDate(c *api.PersistentVolumeClaim, set *api.StatefulSet, p *api.Pod) bool {
	if hasStaleRef(c, setKind, set) || hasStaleRef(c, podKind, p) {
		return true
	}
	setRef, podRef := hasRef(c, set), hasRef(c, p)
	if hasUnexpectedController(c, set, p) {
		return !setRef && !podRef
	}
	for _, r := range c.OwnerReferences {
		if (r.UID == set.UID || r.UID == p.UID) && !r.Controller {
			return false // hasNonControllerOwner
		}
	}
	policy, scaledDown := retentionPolicy(set), !inRange(set, Ordinal(p))
	switch {
	case policy.WhenScaled == api.RetainPolicy && policy.WhenDeleted == api.DeletePolicy:
		return setRef && !podRef
	case policy.WhenScaled == api.DeletePolicy && policy.WhenDeleted == api.RetainPolicy:
		return !setRef && scaledDown == podRef
	case policy.WhenScaled == api.DeletePolicy && policy.WhenDeleted == api.DeletePolicy:
		return scaledDown != setRef && scaledDown == podRef
	default: // Retain/Retain, and unknown values treated as Retain
		return !setRef && !podRef
	}
}

// updateClaimOwners removes the claim's references to the set and the pod
// and adds the ones the policy wants, as controller references; other
// owners' references stay (updateClaimOwnerRefForSetAndPod).
func updateClaimOwners(c *api.PersistentVolumeClaim, set *api.StatefulSet, p *api.Pod) {
	unexpected := hasUnexpectedController(c, set, p)
	var refs []api.OwnerReference
	for _, r := range c.OwnerReferences {
		if !matchesRef(r, setKind, set) && !matchesRef(r, podKind, p) {
			refs = append(refs, r)
		}
	}
	policy, scaledDown := retentionPolicy(set), !inRange(set, Ordinal(p))
	switch {
	case unexpected:
	case policy.WhenScaled == api.RetainPolicy && policy.WhenDeleted == api.DeletePolicy:
		refs = append(refs, setRef(set))
	case policy.WhenScaled == api.DeletePolicy && policy.WhenDeleted == api.RetainPolicy:
		if scaledDown {
			refs = append(refs, api.NewControllerRef(p, podKind.apiVersion))
		}
	case policy.WhenScaled == api.DeletePolicy && policy.WhenDeleted == api.DeletePolicy:
		if scaledDown {
			refs = append(refs, api.NewControllerRef(p, podKind.apiVersion))
		} else {
			refs = append(refs, setRef(set))
		}
	}
	c.OwnerReferences = refs
}

// setRef is the controller reference to the set.
func setRef(set *api.StatefulSet) api.OwnerReference {
	return api.NewControllerRef(set, setKind.apiVersion)
}
