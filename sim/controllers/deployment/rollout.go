package deployment

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// rolloutRolling is rolloutRolling (rolling.go): scale the new ReplicaSet
// up, else the old ones down, else clean up; then status.
func (x *deploy) rolloutRolling(rsList []*api.ReplicaSet) error {
	newRS, old, err := x.getNewReplicaSet(rsList, true)
	if err != nil {
		return err
	}
	all := append(slices.Clone(old), newRS)
	scaled, err := x.reconcileNewReplicaSet(all, newRS)
	if err != nil {
		return err
	}
	if scaled {
		return x.syncRolloutStatus(all, newRS)
	}
	scaled, err = x.reconcileOldReplicaSets(x.refresh(all), x.refresh(old), x.tx.ReplicaSet(newRS.Key()))
	if err != nil {
		return err
	}
	if scaled {
		return x.syncRolloutStatus(all, newRS)
	}
	st := x.calculateStatus(x.refresh(all), x.tx.ReplicaSet(newRS.Key()))
	if x.complete(&st) {
		x.cleanup(old)
	}
	return x.syncRolloutStatus(all, newRS)
}

// reconcileNewReplicaSet scales the new ReplicaSet towards spec.replicas.
func (x *deploy) reconcileNewReplicaSet(all []*api.ReplicaSet, newRS *api.ReplicaSet) (bool, error) {
	want := int(*x.d.Spec.Replicas)
	switch cur := replicas(newRS); {
	case cur == want:
		return false, nil
	case cur > want:
		_, err := x.scaleReplicaSet(newRS, want, "down")
		return true, err
	}
	n := x.newRSNewReplicas(all, newRS)
	if n == replicas(newRS) {
		return false, nil
	}
	_, err := x.scaleReplicaSet(newRS, n, "up")
	return true, err
}

// reconcileOldReplicaSets scales old ReplicaSets down without taking
// availability below replicas - maxUnavailable.
func (x *deploy) reconcileOldReplicaSets(all, old []*api.ReplicaSet, newRS *api.ReplicaSet) (bool, error) {
	old = activeOnly(old)
	if sumSpec(old) == 0 {
		return false, nil
	}
	minAvailable := int(*x.d.Spec.Replicas) - x.maxUnavailable()
	newUnavailable := replicas(newRS) - int(newRS.Status.AvailableReplicas)
	maxScaledDown := sumSpec(all) - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, nil
	}
	cleaned, err := x.cleanupUnhealthyReplicas(old, maxScaledDown)
	if errors.Is(err, errInvalidScaleDown) {
		return false, nil // upstream gives up this pass on any cleanup error
	}
	if err != nil {
		return false, err
	}
	old = x.refresh(old)
	all = append(slices.Clone(old), x.tx.ReplicaSet(newRS.Key()))
	scaled, err := x.scaleDownOldForRollingUpdate(all, old)
	return cleaned+scaled > 0, err
}

func activeOnly(rss []*api.ReplicaSet) []*api.ReplicaSet {
	var out []*api.ReplicaSet
	for _, rs := range rss {
		if replicas(rs) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// errInvalidScaleDown is cleanupUnhealthyReplicas refusing to scale a
// ReplicaSet up ("got invalid request to scale down").
var errInvalidScaleDown = errors.New("when cleaning up unhealthy replicas, got invalid request to scale down")

// cleanupUnhealthyReplicas removes unavailable replicas of old
// ReplicaSets, oldest first, at most maxCleanup in all.
func (x *deploy) cleanupUnhealthyReplicas(old []*api.ReplicaSet, maxCleanup int) (int, error) {
	sortByCreation(old)
	total := 0
	for _, rs := range old {
		if total >= maxCleanup {
			break
		}
		spec, avail := replicas(rs), int(rs.Status.AvailableReplicas)
		if spec == 0 || spec == avail {
			continue
		}
		if spec < avail {
			// A status not yet caught up with a scale-down: never scale up.
			return total, fmt.Errorf("%w: %s %d -> %d", errInvalidScaleDown, rs.Name, spec, avail)
		}
		n := min(maxCleanup-total, spec-avail)
		if _, err := x.scaleReplicaSet(rs, spec-n, "down"); err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// scaleDownOldForRollingUpdate removes available old replicas above
// replicas - maxUnavailable, oldest ReplicaSet first.
func (x *deploy) scaleDownOldForRollingUpdate(all, old []*api.ReplicaSet) (int, error) {
	minAvailable := int(*x.d.Spec.Replicas) - x.maxUnavailable()
	available := 0
	for _, rs := range all {
		available += int(rs.Status.AvailableReplicas)
	}
	if available <= minAvailable {
		return 0, nil
	}
	want := available - minAvailable
	sortByCreation(old)
	total := 0
	for _, rs := range old {
		if total >= want {
			break
		}
		if replicas(rs) == 0 {
			continue
		}
		n := min(replicas(rs), want-total)
		if _, err := x.scaleReplicaSet(rs, replicas(rs)-n, "down"); err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// rolloutRecreate is rolloutRecreate (recreate.go): old ReplicaSets to 0,
// wait until no old pod runs, then the new one at full size.
func (x *deploy) rolloutRecreate(rsList []*api.ReplicaSet) error {
	newRS, old, err := x.getNewReplicaSet(rsList, false)
	if err != nil {
		return err
	}
	all := append(slices.Clone(old), newRS)
	scaledDown := false
	for _, rs := range activeOnly(old) {
		if _, err := x.scaleReplicaSet(rs, 0, "down"); err != nil {
			return err
		}
		scaledDown = true
	}
	if scaledDown {
		return x.syncRolloutStatus(all, newRS)
	}
	if x.oldPodsRunning(old) {
		return x.syncRolloutStatus(all, newRS)
	}
	if newRS == nil {
		if newRS, old, err = x.getNewReplicaSet(rsList, true); err != nil {
			return err
		}
		all = append(slices.Clone(old), newRS)
	}
	if replicas(newRS) != int(*x.d.Spec.Replicas) {
		if _, err := x.scaleReplicaSet(newRS, int(*x.d.Spec.Replicas), "up"); err != nil {
			return err
		}
	}
	st := x.calculateStatus(x.refresh(all), x.tx.ReplicaSet(newRS.Key()))
	if x.complete(&st) {
		x.cleanup(old)
	}
	return x.syncRolloutStatus(all, newRS)
}

// oldPodsRunning: an old ReplicaSet still reports pods, or one of its pods
// is in a phase other than Succeeded or Failed (terminating pods count).
func (x *deploy) oldPodsRunning(old []*api.ReplicaSet) bool {
	for _, rs := range old {
		if rs.Status.Replicas > 0 {
			return true
		}
		for _, p := range x.tx.PodsOwnedBy(rs.UID) {
			if !p.IsTerminal() {
				return true
			}
		}
	}
	return false
}

// isScalingEvent: an active ReplicaSet's desired-replicas annotation
// differs from spec.replicas.
func (x *deploy) isScalingEvent(rsList []*api.ReplicaSet) bool {
	want := strconv.Itoa(int(*x.d.Spec.Replicas))
	for _, rs := range activeOnly(rsList) {
		if v, ok := rs.Annotations[DesiredReplicasAnnotation]; ok && v != want {
			return true
		}
	}
	return false
}

// sync is sync (sync.go): scale, clean up when paused, status.
func (x *deploy) sync(rsList []*api.ReplicaSet) error {
	newRS, old, err := x.getNewReplicaSet(rsList, false)
	if err != nil {
		return err
	}
	if err := x.scale(newRS, old); err != nil {
		return err
	}
	if x.d.Spec.Paused {
		x.cleanup(old)
	}
	all := old
	if newRS != nil {
		all = append(slices.Clone(old), newRS)
	}
	all = x.refresh(all)
	if newRS != nil {
		newRS = x.tx.ReplicaSet(newRS.Key())
	}
	st := x.calculateStatus(all, newRS)
	cur := x.tx.Deployment(x.d.Key())
	if equalStatus(cur.Status, st) {
		return nil
	}
	n := cur.DeepCopy()
	n.Status = st
	return x.ctx.Update(n)
}

func equalStatus(a, b api.DeploymentStatus) bool {
	return a.ObservedGeneration == b.ObservedGeneration && a.Replicas == b.Replicas && a.UpdatedReplicas == b.UpdatedReplicas &&
		a.ReadyReplicas == b.ReadyReplicas && a.AvailableReplicas == b.AvailableReplicas && a.UnavailableReplicas == b.UnavailableReplicas &&
		slices.Equal(a.Conditions, b.Conditions)
}

// scale is scale (sync.go): one active ReplicaSet takes all replicas; a
// saturated new one sends the old ones to zero; otherwise replicas are
// shared out in proportion (getReplicaSetFraction).
func (x *deploy) scale(newRS *api.ReplicaSet, old []*api.ReplicaSet) error {
	want := int(*x.d.Spec.Replicas)
	all := old
	if newRS != nil {
		all = append(slices.Clone(old), newRS)
	}
	active := activeOnly(all)
	if len(active) <= 1 {
		target := newRS
		if len(active) == 1 {
			target = active[0]
		} else if target == nil && len(all) > 0 {
			target = latest(all)
		}
		if target == nil || replicas(target) == want {
			return nil
		}
		op := "up"
		if replicas(target) > want {
			op = "down"
		}
		_, err := x.scaleReplicaSet(target, want, op)
		return err
	}
	if newRS != nil && replicas(newRS) == want && newRS.Annotations[DesiredReplicasAnnotation] == strconv.Itoa(want) && int(newRS.Status.AvailableReplicas) == want {
		for _, rs := range activeOnly(old) {
			if _, err := x.scaleReplicaSet(rs, 0, "down"); err != nil {
				return err
			}
		}
		return nil
	}
	if x.d.Spec.Strategy.Type != api.RollingUpdateStrategy {
		return nil
	}
	allowed := want + x.maxSurge()
	if want == 0 {
		allowed = 0
	}
	toAdd := allowed - sumSpec(active)
	// Largest first; ties to the newer when growing, the older when shrinking.
	slices.SortStableFunc(active, func(a, b *api.ReplicaSet) int {
		if replicas(a) != replicas(b) {
			return replicas(b) - replicas(a)
		}
		if toAdd > 0 {
			return int(b.CreationTimestamp - a.CreationTimestamp)
		}
		return int(a.CreationTimestamp - b.CreationTimestamp)
	})
	sizes := make([]int, len(active))
	added := 0
	for i, rs := range active {
		sizes[i] = replicas(rs)
		if toAdd == 0 {
			continue
		}
		maxR, err := strconv.Atoi(rs.Annotations[MaxReplicasAnnotation])
		if err != nil || maxR == 0 {
			continue
		}
		f := int(math.Round(float64(replicas(rs))*float64(allowed)/float64(maxR))) - replicas(rs)
		if toAdd > 0 {
			f = min(f, toAdd-added)
		} else {
			f = max(f, toAdd-added)
		}
		sizes[i] += f
		added += f
	}
	if left := toAdd - added; left != 0 && len(sizes) > 0 {
		sizes[0] = max(sizes[0]+left, 0)
	}
	for i, rs := range active {
		op := "up"
		if sizes[i] < replicas(rs) {
			op = "down"
		}
		if _, err := x.scaleReplicaSet(rs, sizes[i], op); err != nil {
			return err
		}
	}
	return nil
}

func latest(rss []*api.ReplicaSet) *api.ReplicaSet {
	c := slices.Clone(rss)
	sortByCreation(c)
	return c[len(c)-1]
}

// cleanup is cleanupDeployment: delete the oldest empty old ReplicaSets
// beyond revisionHistoryLimit.
func (x *deploy) cleanup(old []*api.ReplicaSet) {
	var candidates []*api.ReplicaSet
	for _, rs := range x.refresh(old) {
		if !rs.Terminating() {
			candidates = append(candidates, rs)
		}
	}
	diff := len(candidates) - int(*x.d.Spec.RevisionHistoryLimit)
	if diff <= 0 {
		return
	}
	slices.SortStableFunc(candidates, func(a, b *api.ReplicaSet) int {
		return int(revisionOf(&a.ObjectMeta) - revisionOf(&b.ObjectMeta))
	})
	for _, rs := range candidates {
		if diff == 0 {
			break
		}
		if replicas(rs) != 0 || rs.Status.Replicas != 0 || rs.Status.ObservedGeneration < rs.Generation {
			continue
		}
		_ = x.ctx.Delete(api.KindReplicaSet, rs.Key(), apiserver.DeleteOptions{})
		diff--
	}
}
