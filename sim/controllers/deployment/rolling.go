package deployment

import (
	"errors"
	"fmt"
	"slices"

	"stsim/sim/api"
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
	scaled, err = x.reconcileOldReplicaSets(x.refresh(all), x.refresh(old), x.objects.ReplicaSet(newRS.Key()))
	if err != nil {
		return err
	}
	if scaled {
		return x.syncRolloutStatus(all, newRS)
	}
	st := calculateStatus(x.d, x.refresh(all), x.objects.ReplicaSet(newRS.Key()), x.now)
	if complete(x.d, &st) {
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
	n := newRSNewReplicas(x.d, all, newRS)
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
	minAvailable := int(*x.d.Spec.Replicas) - MaxUnavailable(x.d)
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
	all = append(slices.Clone(old), x.objects.ReplicaSet(newRS.Key()))
	scaled, err := x.scaleDownOldForRollingUpdate(all, old)
	return cleaned+scaled > 0, err
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
	minAvailable := int(*x.d.Spec.Replicas) - MaxUnavailable(x.d)
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
