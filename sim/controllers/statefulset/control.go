package statefulset

import (
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
	// settled, if set, remembers the replicas found needing nothing.
	settled *settledPods
}

func newSetControl(set *api.StatefulSet, now time.Duration, objects objectManager) *setControl {
	return &setControl{set: set, now: now, objects: objects, pods: podControl{objects},
		monotonic: set.Spec.PodManagementPolicy != api.ParallelPodManagement}
}

// UpdateStatefulSet is UpdateStatefulSet: find or create the revisions,
// bring the pods towards the spec, write the status and truncate the
// history, even after an error (performUpdate). It returns the status
// written, or nil and the first error.
func (c *setControl) UpdateStatefulSet(pods []*api.Pod) (*api.StatefulSetStatus, error) {
	revisions, collision, err := c.revisions()
	if err != nil {
		return nil, err
	}
	c.status = computeStatus(c.set, pods, c.current, c.update, c.now)
	err = c.updateStatefulSet(pods)
	c.status.CollisionCount = collision
	completeRollingUpdate(c.set, &c.status)
	serr := c.writeStatus()
	terr := c.truncateHistory(pods, revisions)
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

// updateStatefulSet partitions pods into replicas and condemned and works
// through them as stateful_set_control.go's updateStatefulSet does.
func (c *setControl) updateStatefulSet(pods []*api.Pod) error {
	set := c.set
	if set.Terminating() {
		return nil // a set being deleted only gets status
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
	// Upstream builds the pod object of every missing replica here; stsim
	// builds it when processReplica reaches the slot, which is the only
	// place an object that does not exist yet is looked at (a sync that
	// reaches rollingUpdate has processed every slot). With 100,000
	// replicas under OrderedReady, building them all on every sync took
	// minutes.
	// firstUnavailablePod: the lowest unavailable replica, else the lowest
	// unavailable condemned pod.
	var firstUnavailable *api.Pod
	for _, p := range replicas {
		if p != nil && isCreated(p) && c.isUnavailable(p) {
			firstUnavailable = p
			break
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

	if exit, err := runForAll(len(replicas), func(i int) (bool, error) { return c.processReplica(replicas, i) }, c.monotonic); exit || err != nil {
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
	return c.rollingUpdate(replicas)
}

// processReplica handles slot i; exit means a monotonic sync must stop.
func (c *setControl) processReplica(replicas []*api.Pod, i int) (bool, error) {
	if replicas[i] == nil {
		replicas[i] = newVersionedPod(c.set, c.current, c.update, startOrdinal(c.set)+i)
	}
	p := replicas[i]
	if c.settled.has(p) {
		return false, nil
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
		c.settled.add(p)
		return false, nil
	}
	n, err := c.pods.updateStatefulPod(c.set, p)
	if err != nil {
		return true, err
	}
	replicas[i] = n
	return false, nil
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
// budget (PR #137666).
func (c *setControl) rollingUpdate(replicas []*api.Pod) error {
	ru := c.set.Spec.UpdateStrategy.RollingUpdate
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
		if c.isUnavailable(p) {
			unavailable++
		}
	}
	old := func(p *api.Pod) bool { return revisionOf(p) != c.update.Name && !p.Terminating() }
	if !c.monotonic {
		for i := len(replicas) - 1; i >= partition; i-- {
			if p := replicas[i]; old(p) && c.isUnavailable(p) {
				if err := c.deleteForUpdate(p); err != nil {
					return err
				}
			}
		}
	}
	// unavailable already counts the pods deleted above.
	budget := maxUnavailable - unavailable
	for i := len(replicas) - 1; i >= partition && budget > 0; i-- {
		if p := replicas[i]; old(p) && !c.isUnavailable(p) {
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
