package deployment

import (
	"slices"

	"stsim/sim/api"
)

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
	st := calculateStatus(x.d, x.refresh(all), x.objects.ReplicaSet(newRS.Key()), x.now)
	if complete(x.d, &st) {
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
		for _, p := range x.objects.PodsOwnedBy(rs.UID) {
			if !p.IsTerminal() {
				return true
			}
		}
	}
	return false
}
