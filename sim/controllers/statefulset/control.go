package statefulset

import (
	"maps"
	"slices"
	"time"

	"stsim/sim/api"
)

// setControl makes the decisions of one sync of one set
// (defaultStatefulSetControl in stateful_set_control.go).
type setControl struct {
	set     *api.StatefulSet
	now     time.Duration
	objects objectManager
	pods    podControl
	current *api.ControllerRevision
	update  *api.ControllerRevision
	status  api.StatefulSetStatus
	// monotonic is OrderedReady: one pod at a time, in ordinal order.
	monotonic bool
	// st is the set's pods.
	st *replicaState
}

func newSetControl(set *api.StatefulSet, now time.Duration, objects objectManager) *setControl {
	return &setControl{set: set, now: now, objects: objects, pods: podControl{objects},
		monotonic: set.Spec.PodManagementPolicy != api.ParallelPodManagement}
}

// UpdateStatefulSet is UpdateStatefulSet: find or create the revisions,
// bring the pods towards the spec, write the status and truncate the
// history, even after an error (performUpdate). It returns the status
// written, or nil and the first error.
func (c *setControl) UpdateStatefulSet(st *replicaState) (*api.StatefulSetStatus, error) {
	c.st = st
	revisions, collision, err := c.revisions()
	if err != nil {
		return nil, err
	}
	st.sweep(c.now)
	c.status = st.status(c.set, c.current, c.update)
	err = c.updateStatefulSet()
	c.status.CollisionCount = collision
	completeRollingUpdate(c.set, &c.status)
	serr := c.writeStatus()
	terr := c.truncateHistory(revisions)
	if err == nil {
		err = serr
	}
	if err == nil {
		err = terr
	}
	if err != nil {
		return nil, err
	}
	return &c.status, nil
}

// isAvailable is Running and Ready, and Ready for minReadySeconds.
func (c *setControl) isAvailable(p *api.Pod) bool { return isAvailable(c.set, p, c.now) }

// isUnavailable: not available for minReadySeconds, or terminating.
func (c *setControl) isUnavailable(p *api.Pod) bool { return !c.isAvailable(p) || p.Terminating() }

// updateStatefulSet partitions the pods into replicas (ordinals start to
// end) and condemned and works through them as stateful_set_control.go's
// updateStatefulSet does. The replicas a previous sync found needing
// nothing, and unchanged since, are skipped: processing them again would
// do nothing.
func (c *setControl) updateStatefulSet() error {
	set, st := c.set, c.st
	if set.Terminating() {
		return nil // a set being deleted only gets status
	}
	start, end := startOrdinal(set), endOrdinal(set)
	condemned := st.condemned(start, end)
	// Upstream builds the pod object of every missing replica here; stsim
	// builds it when processReplica reaches the slot, which is the only
	// place an object that does not exist yet is looked at.
	// firstUnavailablePod: the lowest unavailable replica, else the lowest
	// unavailable condemned pod.
	var firstUnavailable *api.Pod
	for o := st.unavailable.next(start, end); o >= 0 && firstUnavailable == nil; o = st.unavailable.next(o+1, end) {
		if st.created.has(o) {
			firstUnavailable = st.byOrdinal[o]
		}
	}
	for _, p := range st.warming {
		if o := Ordinal(p); o >= start && o <= end && st.byOrdinal[o] == p && (firstUnavailable == nil || o < Ordinal(firstUnavailable)) {
			firstUnavailable = p
		}
	}
	if firstUnavailable == nil {
		for i := len(condemned) - 1; i >= 0; i-- {
			if c.isUnavailable(condemned[i]) {
				firstUnavailable = condemned[i]
				break
			}
		}
	}

	if exit, err := c.processReplicas(start, end); exit || err != nil {
		return err
	}
	if exit, err := runForAll(len(condemned), func(i int) (bool, error) {
		if err := c.fixCondemnedClaimOwners(condemned[i]); err != nil {
			return true, err
		}
		return false, nil
	}, c.monotonic); exit || err != nil {
		return err
	}
	if exit, err := runForAll(len(condemned), func(i int) (bool, error) { return c.processCondemned(condemned[i], firstUnavailable) }, c.monotonic); exit || err != nil {
		return err
	}
	if set.Spec.UpdateStrategy.Type == api.OnDeleteStrategy {
		return nil
	}
	return c.rollingUpdate(start, end)
}

// processReplicas is runForAll over the replicas with processReplica,
// skipping the settled ones: under OrderedReady until one says to stop,
// under Parallel in slow-start batches, stopping after a batch with an
// error (the batches are those of all the replicas: a settled replica's
// call would return at once, without error).
func (c *setControl) processReplicas(start, end int) (bool, error) {
	settled := &c.st.settled
	if c.monotonic {
		for o := settled.nextAbsent(start); o <= end; o = settled.nextAbsent(o + 1) {
			if exit, err := c.processReplica(o); exit || err != nil {
				return true, err
			}
		}
		return false, nil
	}
	var errs []error
	batchEnd := 0 // the index after the batch of the last call
	for size, o := 1, settled.nextAbsent(start); o <= end; o = settled.nextAbsent(o + 1) {
		for i := o - start; i >= batchEnd; size = min(2*size, maxBatchSize) {
			if len(errs) > 0 {
				return false, aggregate(errs)
			}
			batchEnd += size
		}
		if _, err := c.processReplica(o); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return false, aggregate(errs)
	}
	return false, nil
}

// processReplica handles the replica of ordinal o; exit means a monotonic
// sync must stop.
func (c *setControl) processReplica(o int) (bool, error) {
	p := c.st.byOrdinal[o]
	if p == nil {
		p = newVersionedPod(c.set, c.current, c.update, o)
	}
	// R-POD-1: a Failed or Succeeded pod is deleted; a new one with the same
	// name is created once the old object is gone. This stops the sync even
	// under Parallel, where the return value is ignored.
	if isCreated(p) && p.IsTerminal() {
		if !p.Terminating() {
			if err := c.pods.deleteStatefulPod(c.set, p); err != nil {
				return true, err
			}
		}
		return true, nil
	}
	// R-POD-2: create a missing pod (and its claims first). Under Parallel
	// upstream goes on with the pod object it built, which has no phase and
	// needs no repair.
	if !isCreated(p) {
		if c.pods.claimIsStale(c.set, p) {
			return true, nil
		}
		if err := c.pods.createStatefulPod(c.set, p); err != nil {
			return true, err
		}
		return c.monotonic, nil
	}
	// R-POD-3: a Pending pod gets any claim that went missing.
	if p.Status.Phase == api.PodPending {
		if err := c.pods.createMissingClaims(c.set, p); err != nil {
			return true, err
		}
	}
	// R-POD-4..6: a monotonic set waits for this pod to be gone, or Running,
	// Ready and available; a Parallel one goes on to repair it.
	if c.monotonic && (p.Terminating() || !p.IsRunningAndReady() || !c.isAvailable(p)) {
		return true, nil
	}
	// R-POD-7: repair identity, storage and the claims' owner references in
	// place (R-PVC-R2, R-PVC-R7).
	if identityMatches(c.set, p) && storageMatches(c.set, p) && c.pods.claimsMatchPolicy(c.set, p) {
		c.st.settled.add(o)
		return false, nil
	}
	_, err := c.pods.updateStatefulPod(c.set, p)
	return err != nil, err
}

// processCondemned deletes an out-of-range pod; exit means a monotonic
// sync must stop.
func (c *setControl) processCondemned(p, firstUnavailable *api.Pod) (bool, error) {
	if p.Terminating() {
		// Wait for it to be gone: all successors completely shut down.
		return true, nil
	}
	if c.monotonic && p != firstUnavailable && c.isUnavailable(p) {
		return true, nil
	}
	if err := c.pods.deleteStatefulPod(c.set, p); err != nil {
		return true, err
	}
	return true, nil
}

// fixCondemnedClaimOwners gives the claims of a condemned pod the owner
// references of the retention policy; every condemned pod's claims are
// fixed before any condemned pod is deleted. With whenScaled=Delete the
// reference is to the pod, so the garbage collector removes the claim
// after the pod.
func (c *setControl) fixCondemnedClaimOwners(p *api.Pod) error {
	if c.pods.claimsMatchPolicy(c.set, p) {
		return nil
	}
	return c.pods.updateClaimsForPolicy(c.set, p)
}

// rollingUpdate is updateStatefulSetAfterInvariantEstablished with the
// MaxUnavailableStatefulSet gate on (v1.37): delete up to maxUnavailable
// minus the unavailable pods, highest ordinal first, among the pods at or
// above the partition that run an old revision. For Parallel sets, old
// revision pods that are unavailable are deleted first regardless of the
// budget (PR #137666). A replica that does not exist yet (created by this
// sync) is unavailable and runs the update revision.
func (c *setControl) rollingUpdate(start, end int) error {
	st, n := c.st, end-start+1
	ru := c.set.Spec.UpdateStrategy.RollingUpdate
	partition, maxUnavailable := 0, 1
	if ru != nil {
		if ru.Partition != nil {
			partition = int(*ru.Partition)
		}
		if ru.MaxUnavailable != nil {
			v, err := ru.MaxUnavailable.ScaledValue(n, false)
			if err != nil {
				return err
			}
			maxUnavailable = max(v, 1)
		}
	}
	available := st.present.count(start, end) - st.unavailable.count(start, end) - st.warmingIn(start, end)
	unavailable := n - available
	lo := start + max(partition, 0)
	old := func(p *api.Pod) bool { return revisionOf(p) != c.update.Name && !p.Terminating() }
	if !c.monotonic {
		// The unavailable replicas at or above the partition, highest first.
		var down []int
		for o := st.unavailable.prev(lo, end); o >= 0; o = st.unavailable.prev(lo, o-1) {
			down = append(down, o)
		}
		for _, p := range st.warming {
			if o := Ordinal(p); o >= lo && o <= end && st.byOrdinal[o] == p && !st.unavailable.has(o) {
				down = append(down, o)
			}
		}
		slices.SortFunc(down, func(a, b int) int { return b - a })
		for _, o := range down {
			if p := st.byOrdinal[o]; old(p) && c.isUnavailable(p) {
				if err := c.deleteForUpdate(p); err != nil {
					return err
				}
			}
		}
	}
	// unavailable already counts the pods deleted above. The old live
	// replicas, highest first, across the old revisions.
	budget := maxUnavailable - unavailable
	var olds []*ordinalSet
	for _, rev := range slices.Sorted(maps.Keys(st.live)) {
		if rev != c.update.Name {
			olds = append(olds, st.live[rev])
		}
	}
	for hi := end; budget > 0; {
		o := -1
		for _, l := range olds {
			o = max(o, l.prev(lo, hi))
		}
		if o < 0 {
			break
		}
		hi = o - 1
		if p := st.byOrdinal[o]; !c.isUnavailable(p) {
			if err := c.deleteForUpdate(p); err != nil {
				return err
			}
			budget--
		}
	}
	return nil
}

// deleteForUpdate deletes a pod of an old revision; the status stops
// counting it as current.
func (c *setControl) deleteForUpdate(p *api.Pod) error {
	if err := c.pods.deleteStatefulPod(c.set, p); err != nil {
		return err
	}
	if revisionOf(p) == c.current.Name {
		c.status.CurrentReplicas--
	}
	return nil
}

// writeStatus stores the status if it changed (updateStatefulSetStatus
// with inconsistentStatus).
func (c *setControl) writeStatus() error {
	cur := c.objects.StatefulSet(c.set.Key())
	if cur == nil || !inconsistentStatus(cur.Status, c.status) {
		return nil
	}
	n := cur.DeepCopy()
	n.Status = c.status
	return c.objects.UpdateStatus(n)
}

// runForAll runs fn over n pods (runForAll): under OrderedReady one at a
// time until one says to stop or fails; under Parallel all of them in slow
// start batches.
func runForAll(n int, fn func(i int) (bool, error), monotonic bool) (bool, error) {
	if !monotonic {
		return false, slowStartBatch(1, n, fn)
	}
	for i := range n {
		if exit, err := fn(i); exit || err != nil {
			return true, err
		}
	}
	return false, nil
}

// maxBatchSize caps a slow-start batch (MaxBatchSize, "realistic value for
// maximum in-flight requests when processing in parallel mode").
const maxBatchSize = 500

// slowStartBatch runs fn over n items in batches of 1, 2, 4, … (at most
// maxBatchSize) and stops after the first batch in which a call failed,
// returning its errors (slowStartBatch). Every call of a batch runs, failed
// or not. Upstream runs a batch's calls concurrently; here they run in
// order, which is one of the orders upstream may take.
func slowStartBatch(initial, n int, fn func(i int) (bool, error)) error {
	next := 0
	for size := min(n, initial); size > 0; size = min(2*size, n-next, maxBatchSize) {
		var errs []error
		for range size {
			if _, err := fn(next); err != nil {
				errs = append(errs, err)
			}
			next++
		}
		if len(errs) > 0 {
			return aggregate(errs)
		}
	}
	return nil
}
