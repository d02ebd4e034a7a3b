package statefulset

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/store"
)

// Controller reconciles StatefulSets.
type Controller struct{}

// New returns the controller.
func New() *Controller { return &Controller{} }

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

// sync is the state of one reconcile.
type sync struct {
	ctx       *sim.Context
	tx        *store.Txn
	set       *api.StatefulSet
	current   *api.ControllerRevision
	update    *api.ControllerRevision
	status    api.StatefulSetStatus
	monotonic bool
}

// Reconcile is syncStatefulSet: revisions, then updateStatefulSet, then
// status and history truncation.
func (c *Controller) Reconcile(ctx *sim.Context, key string) error {
	tx := ctx.Txn()
	set := tx.StatefulSet(key)
	if set == nil {
		return nil
	}
	pods := c.podsFor(tx, set)
	s := &sync{ctx: ctx, tx: tx, set: set, monotonic: set.Spec.PodManagementPolicy != api.ParallelPodManagement}
	revisions, collision, err := s.revisions()
	if err != nil {
		return err
	}
	err = s.updateStatefulSet(pods)
	if serr := s.writeStatus(collision); serr != nil {
		return serr
	}
	s.truncateHistory(revisions)
	if set.Spec.MinReadySeconds > 0 && s.status.AvailableReplicas != *set.Spec.Replicas {
		// syncStatefulSet requeues after minReadySeconds so availability is
		// noticed without a pod event.
		ctx.After(time.Duration(set.Spec.MinReadySeconds)*time.Second, key)
	}
	return err
}

// podsFor lists the pods the set controls and that are members by name
// (getPodsForStatefulSet with isMemberOf).
func (*Controller) podsFor(tx *store.Txn, set *api.StatefulSet) []*api.Pod {
	var out []*api.Pod
	for _, p := range tx.PodsOwnedBy(set.UID) {
		if p.ControllerUID() == set.UID && isMemberOf(set, p) {
			out = append(out, p)
		}
	}
	return out
}

func revisionOf(p *api.Pod) string { return p.Labels[api.ControllerRevisionHashLabel] }

func isCreated(p *api.Pod) bool { return p.Status.Phase != "" }

// isHealthy is "Running and Ready, and available for minReadySeconds".
func (s *sync) isAvailable(p *api.Pod) bool {
	return p.IsRunningAndReady() && p.IsAvailable(s.set.Spec.MinReadySeconds, s.ctx.Now())
}

// isUnavailable: not available for minReadySeconds, or terminating.
func (s *sync) isUnavailable(p *api.Pod) bool {
	return !s.isAvailable(p) || p.Terminating()
}

// computeStatus is updateStatus / computeReplicaStatus over the set's pods
// as listed at the start of the sync: a pod this sync creates shows in the
// next one, as upstream counts only pods whose phase it has seen.
func (s *sync) computeStatus(pods []*api.Pod) {
	st := api.StatefulSetStatus{
		ObservedGeneration: s.set.Generation,
		CurrentRevision:    s.current.Name,
		UpdateRevision:     s.update.Name,
		CollisionCount:     s.set.Status.CollisionCount,
	}
	for _, p := range pods {
		if !isCreated(p) {
			continue
		}
		st.Replicas++
		if p.IsRunningAndReady() {
			st.ReadyReplicas++
			if s.isAvailable(p) {
				st.AvailableReplicas++
			}
		}
		if !p.Terminating() {
			if revisionOf(p) == s.current.Name {
				st.CurrentReplicas++
			}
			if revisionOf(p) == s.update.Name {
				st.UpdatedReplicas++
			}
		}
	}
	s.status = st
}

// updateStatefulSet partitions pods into replicas and condemned and works
// through them as stateful_set_control.go's updateStatefulSet does.
func (s *sync) updateStatefulSet(pods []*api.Pod) error {
	set := s.set
	s.computeStatus(pods)
	if set.Terminating() {
		return nil // R-SYNC-4: a set being deleted only gets status
	}
	start, n := startOrdinal(set), int(*set.Spec.Replicas)
	replicas := make([]*api.Pod, n)
	var condemned []*api.Pod
	for _, p := range pods {
		o := Ordinal(p)
		switch {
		case o < 0:
		case inRange(set, o):
			replicas[o-start] = p
		default:
			condemned = append(condemned, p)
		}
	}
	// Condemned pods in descending ordinal order.
	slices.SortFunc(condemned, func(a, b *api.Pod) int { return Ordinal(b) - Ordinal(a) })
	for i := range replicas {
		if replicas[i] == nil {
			replicas[i] = s.newVersionedPod(start + i)
		}
	}
	// firstUnavailablePod: the lowest unavailable replica, else the lowest
	// unavailable condemned pod.
	var firstUnavailable *api.Pod
	for _, p := range replicas {
		if isCreated(p) && s.isUnavailable(p) {
			firstUnavailable = p
			break
		}
	}
	if firstUnavailable == nil {
		for i := len(condemned) - 1; i >= 0; i-- {
			if s.isUnavailable(condemned[i]) {
				firstUnavailable = condemned[i]
				break
			}
		}
	}

	var errs []error
	for i := range replicas {
		exit, err := s.processReplica(replicas, i)
		if err != nil {
			errs = append(errs, err)
		}
		if exit && (s.monotonic || err != nil) {
			return errors.Join(errs...)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if err := s.fixCondemnedClaimOwners(condemned); err != nil {
		return err
	}
	for _, p := range condemned {
		exit, err := s.processCondemned(p, firstUnavailable)
		if err != nil {
			return err
		}
		if exit && s.monotonic {
			return nil
		}
	}
	if set.Spec.UpdateStrategy.Type == api.OnDeleteStrategy {
		return nil
	}
	return s.rollingUpdate(replicas)
}

// processReplica handles slot i; exit means a monotonic sync must stop.
func (s *sync) processReplica(replicas []*api.Pod, i int) (bool, error) {
	p := replicas[i]
	// R-POD-1: a Failed or Succeeded pod is deleted; a new one with the same
	// name is created once the old object is gone.
	if isCreated(p) && p.IsTerminal() {
		if !p.Terminating() {
			if err := s.deletePod(p, "delete"); err != nil {
				return true, err
			}
		}
		return true, nil
	}
	// R-POD-2: create a missing pod (and its claims first).
	if !isCreated(p) {
		if stale, err := s.claimIsStale(p); err != nil || stale {
			return true, err
		}
		if err := s.createPod(p); err != nil {
			return true, err
		}
		replicas[i] = p
		return s.monotonic, nil
	}
	// R-POD-3: a Pending pod gets any claim that went missing.
	if p.Status.Phase == api.PodPending {
		if err := s.createMissingClaims(p); err != nil {
			return true, err
		}
	}
	// R-POD-4..6: a monotonic set waits for this pod to be gone, or Running,
	// Ready and available; a Parallel one goes on to repair it.
	if s.monotonic && (p.Terminating() || !p.IsRunningAndReady() || !s.isAvailable(p)) {
		return true, nil
	}
	// R-POD-7: repair identity and storage in place.
	if !identityMatches(s.set, p) || !s.storageMatches(p) {
		n := p.DeepCopy()
		setIdentity(s.set, n)
		setStorage(s.set, n)
		if err := s.ctx.Update(n); err != nil {
			return true, err
		}
		replicas[i] = n
	}
	return s.ensureClaimOwners(p)
}

// storageMatches reports whether each claim template has its volume.
func (s *sync) storageMatches(p *api.Pod) bool {
	_, ordinal := ParentAndOrdinal(p.Name)
	for _, t := range s.set.Spec.VolumeClaimTemplates {
		found := false
		for _, v := range p.Spec.Volumes {
			if v.Name == t.Name && v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == ClaimName(t.Name, s.set.Name, ordinal) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// processCondemned deletes an out-of-range pod; exit means a monotonic
// sync must stop.
func (s *sync) processCondemned(p, firstUnavailable *api.Pod) (bool, error) {
	if p.Terminating() {
		// Wait for it to be gone: all successors completely shut down.
		return true, nil
	}
	if s.monotonic && p != firstUnavailable && s.isUnavailable(p) {
		return true, nil
	}
	if err := s.deletePod(p, "delete"); err != nil {
		return true, err
	}
	return true, nil
}

// rollingUpdate is updateStatefulSetAfterInvariantEstablished with the
// MaxUnavailableStatefulSet gate on (v1.37): delete up to maxUnavailable
// minus the unavailable pods, highest ordinal first, among the pods at or
// above the partition that run an old revision. For Parallel sets, old
// revision pods that are unavailable are deleted first regardless of the
// budget (PR #137666).
func (s *sync) rollingUpdate(replicas []*api.Pod) error {
	set := s.set
	ru := set.Spec.UpdateStrategy.RollingUpdate
	partition, maxUnavailable := 0, 1
	if ru != nil {
		if ru.Partition != nil {
			partition = int(*ru.Partition)
		}
		if ru.MaxUnavailable != nil {
			v, err := ru.MaxUnavailable.ScaledValue(len(replicas), false)
			if err != nil {
				return err
			}
			maxUnavailable = max(v, 1)
		}
	}
	unavailable := 0
	for _, p := range replicas {
		if s.isUnavailable(p) {
			unavailable++
		}
	}
	old := func(p *api.Pod) bool { return revisionOf(p) != s.update.Name && !p.Terminating() }
	if !s.monotonic {
		for i := len(replicas) - 1; i >= partition; i-- {
			if p := replicas[i]; old(p) && s.isUnavailable(p) {
				if err := s.deletePod(p, "update"); err != nil {
					return err
				}
			}
		}
	}
	// unavailable already counts the pods deleted above.
	budget := maxUnavailable - unavailable
	for i := len(replicas) - 1; i >= partition && budget > 0; i-- {
		if p := replicas[i]; old(p) && !s.isUnavailable(p) {
			if err := s.deletePod(p, "update"); err != nil {
				return err
			}
			budget--
		}
	}
	return nil
}

// deletePod deletes a pod and records the event (DeleteStatefulPod).
func (s *sync) deletePod(p *api.Pod, why string) error {
	err := s.ctx.Delete(api.KindPod, p.Key(), apiserver.DeleteOptions{})
	if err != nil && !errors.Is(err, apiserver.ErrNotFound) {
		s.ctx.Event(s.set, "Warning", "FailedDelete", "delete Pod %s in StatefulSet %s failed error: %v", p.Name, s.set.Name, err)
		return err
	}
	s.ctx.Event(s.set, "Normal", "SuccessfulDelete", "delete Pod %s in StatefulSet %s successful", p.Name, s.set.Name)
	if why == "update" && revisionOf(p) == s.current.Name {
		s.status.CurrentReplicas--
	}
	return nil
}

// newVersionedPod builds the pod for an ordinal at the revision
// newVersionedStatefulSetPod picks: the current revision below the
// partition, else the update revision.
func (s *sync) newVersionedPod(ordinal int) *api.Pod {
	rev := s.update
	if ru := s.set.Spec.UpdateStrategy.RollingUpdate; s.set.Spec.UpdateStrategy.Type == api.RollingUpdateStrategy {
		start := startOrdinal(s.set)
		if ru != nil && ru.Partition != nil && ordinal-start < int(*ru.Partition) {
			rev = s.current
		} else if ru == nil && ordinal-start < int(s.set.Status.CurrentReplicas) {
			rev = s.current
		}
	}
	t := rev.Template.DeepCopy()
	p := &api.Pod{
		TypeMeta:   api.TypeMeta{APIVersion: "v1", Kind: api.KindPod},
		ObjectMeta: t.ObjectMeta,
		Spec:       t.Spec,
	}
	p.Name = PodName(s.set.Name, ordinal)
	p.GenerateName = ""
	p.Namespace = s.set.Namespace
	p.OwnerReferences = []api.OwnerReference{{APIVersion: "apps/v1", Kind: api.KindStatefulSet, Name: s.set.Name, UID: s.set.UID, Controller: true}}
	setIdentity(s.set, p)
	setStorage(s.set, p)
	p.Labels[api.ControllerRevisionHashLabel] = rev.Name
	return p
}

// createPod creates the pod's missing claims, then the pod (CreateStatefulPod).
func (s *sync) createPod(p *api.Pod) error {
	if err := s.createMissingClaims(p); err != nil {
		return err
	}
	if err := s.ctx.Create(p); err != nil {
		s.ctx.Event(s.set, "Warning", "FailedCreate", "create Pod %s in StatefulSet %s failed error: %v", p.Name, s.set.Name, err)
		return err
	}
	s.ctx.Event(s.set, "Normal", "SuccessfulCreate", "create Pod %s in StatefulSet %s successful", p.Name, s.set.Name)
	return nil
}

// claimsFor builds the claims of a pod from the templates
// (getPersistentVolumeClaims): labels are the template's plus the
// selector's matchLabels.
func (s *sync) claimsFor(p *api.Pod) []*api.PersistentVolumeClaim {
	_, ordinal := ParentAndOrdinal(p.Name)
	var out []*api.PersistentVolumeClaim
	for _, t := range s.set.Spec.VolumeClaimTemplates {
		c := t.DeepCopy()
		c.TypeMeta = api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolumeClaim}
		c.Name = ClaimName(t.Name, s.set.Name, ordinal)
		c.Namespace = s.set.Namespace
		if c.Labels == nil {
			c.Labels = map[string]string{}
		}
		for k, v := range s.set.Spec.Selector.MatchLabels {
			c.Labels[k] = v
		}
		out = append(out, c)
	}
	return out
}

// claimKeys are the store keys of the pod's claims.
func (s *sync) claimKeys(p *api.Pod) []string {
	_, ordinal := ParentAndOrdinal(p.Name)
	keys := make([]string, len(s.set.Spec.VolumeClaimTemplates))
	for i, t := range s.set.Spec.VolumeClaimTemplates {
		keys[i] = s.set.Namespace + "/" + ClaimName(t.Name, s.set.Name, ordinal)
	}
	return keys
}

// createMissingClaims creates each claim of the pod that does not exist
// (createPersistentVolumeClaims). A claim being deleted blocks the pod.
func (s *sync) createMissingClaims(p *api.Pod) error {
	for _, c := range s.claimsFor(p) {
		existing := s.tx.Claim(c.Key())
		if existing != nil {
			if existing.Terminating() {
				err := fmt.Errorf("pvc %s is being deleted", c.Name)
				s.ctx.Event(s.set, "Warning", "FailedCreate", "create Pod %s in StatefulSet %s failed error: %v", p.Name, s.set.Name, err)
				return err
			}
			continue
		}
		if s.set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted == api.DeletePolicy {
			c.OwnerReferences = []api.OwnerReference{s.setRef()}
		}
		if err := s.ctx.Create(c); err != nil {
			s.ctx.Event(s.set, "Warning", "FailedCreate", "create Claim %s for Pod %s in StatefulSet %s failed error: %v", c.Name, p.Name, s.set.Name, err)
			return err
		}
		s.ctx.Event(s.set, "Normal", "SuccessfulCreate", "create Claim %s Pod %s in StatefulSet %s success", c.Name, p.Name, s.set.Name)
	}
	return nil
}

func (s *sync) setRef() api.OwnerReference {
	return api.OwnerReference{APIVersion: "apps/v1", Kind: api.KindStatefulSet, Name: s.set.Name, UID: s.set.UID, Controller: true}
}

// claimIsStale reports a claim of the slot whose pod owner reference names
// this pod's name with another UID (PodClaimIsStale): creation waits for
// the garbage collector to remove it.
func (s *sync) claimIsStale(p *api.Pod) (bool, error) {
	if s.set.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled != api.DeletePolicy {
		return false, nil
	}
	for _, key := range s.claimKeys(p) {
		existing := s.tx.Claim(key)
		if existing == nil {
			continue
		}
		for _, r := range existing.OwnerReferences {
			if r.Kind == api.KindPod && r.Name == p.Name && r.UID != p.UID {
				return true, nil
			}
		}
	}
	return false, nil
}

// ensureClaimOwners makes an in-range pod's claims carry the owner
// references of the retention policy (isClaimOwnerUpToDate /
// updateClaimOwnerRefForSetAndPod, table row "in range").
func (s *sync) ensureClaimOwners(p *api.Pod) (bool, error) {
	want := []api.OwnerReference(nil)
	if s.set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted == api.DeletePolicy {
		want = []api.OwnerReference{s.setRef()}
	}
	return false, s.setClaimOwners(p, want)
}

// fixCondemnedClaimOwners gives the claims of every condemned pod the
// owner references of the retention policy before any is deleted
// (R-SYNC-7): with whenScaled=Delete a reference to the pod, so the garbage
// collector removes the claim after the pod.
func (s *sync) fixCondemnedClaimOwners(condemned []*api.Pod) error {
	policy := s.set.Spec.PersistentVolumeClaimRetentionPolicy
	for _, p := range condemned {
		var want []api.OwnerReference
		switch {
		case policy.WhenScaled == api.DeletePolicy:
			want = []api.OwnerReference{{APIVersion: "v1", Kind: api.KindPod, Name: p.Name, UID: p.UID, Controller: true}}
		case policy.WhenDeleted == api.DeletePolicy:
			want = []api.OwnerReference{s.setRef()}
		}
		if err := s.setClaimOwners(p, want); err != nil {
			return err
		}
	}
	return nil
}

func (s *sync) setClaimOwners(p *api.Pod, want []api.OwnerReference) error {
	for _, key := range s.claimKeys(p) {
		existing := s.tx.Claim(key)
		if existing == nil || reflect.DeepEqual(existing.OwnerReferences, want) {
			continue
		}
		if r := existing.ControllerRef(); r != nil && r.UID != s.set.UID && r.UID != p.UID {
			s.ctx.Event(existing, "Warning", "ConflictingController", "found a controller reference to %s %s on claim %s", r.Kind, r.Name, existing.Name)
			continue
		}
		n := existing.DeepCopy()
		n.OwnerReferences = want
		if err := s.ctx.Update(n); err != nil {
			return err
		}
	}
	return nil
}

// writeStatus stores the status if it changed (inconsistentStatus), after
// completing a finished update (completeUpdate).
func (s *sync) writeStatus(collision *int32) error {
	st := &s.status
	st.CollisionCount = collision
	if st.UpdatedReplicas == st.ReadyReplicas && st.ReadyReplicas == st.Replicas && st.Replicas == *s.set.Spec.Replicas {
		st.CurrentRevision = st.UpdateRevision
		st.CurrentReplicas = st.UpdatedReplicas
	}
	cur := s.tx.StatefulSet(s.set.Key())
	if cur == nil || reflect.DeepEqual(cur.Status, *st) {
		return nil
	}
	n := cur.DeepCopy()
	n.Status = *st
	return s.ctx.Update(n)
}
