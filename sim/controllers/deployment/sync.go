package deployment

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// getNewReplicaSet returns the new ReplicaSet, creating it when create is
// set, and keeps the revision annotations of it and the Deployment in step
// (getNewReplicaSet in sync.go).
func (x *deploy) getNewReplicaSet(rsList []*api.ReplicaSet, create bool) (*api.ReplicaSet, []*api.ReplicaSet, error) {
	newRS, old := findNewReplicaSet(x.d, rsList)
	maxOld := maxRevision(old)
	newRevision := strconv.FormatInt(maxOld+1, 10)
	d := x.d
	if newRS != nil {
		probe := newRS.DeepCopy()
		if copyDeploymentAnnotations(d, &probe.ObjectMeta) ||
			newRS.Annotations[api.DeploymentRevisionAnnotation] != newRevision && revisionOf(&newRS.ObjectMeta) <= maxOld ||
			newRS.Spec.MinReadySeconds != d.Spec.MinReadySeconds {
			n := probe
			if revisionOf(&n.ObjectMeta) <= maxOld {
				// SetNewReplicaSetAnnotations: a rollback keeps the
				// revision it replaces in revision-history.
				if prev := n.Annotations[api.DeploymentRevisionAnnotation]; prev != "" {
					h := n.Annotations[RevisionHistoryAnnotation]
					if h != "" {
						h += ","
					}
					setAnnotation(&n.ObjectMeta, RevisionHistoryAnnotation, h+prev)
				}
				setAnnotation(&n.ObjectMeta, api.DeploymentRevisionAnnotation, newRevision)
			}
			n.Spec.MinReadySeconds = d.Spec.MinReadySeconds
			if err := x.objects.UpdateReplicaSet(n); err != nil {
				return nil, old, err
			}
			newRS = n
		}
		if err := x.syncDeploymentRevision(newRS, ReasonFoundNewRS, fmt.Sprintf("Found new replica set %q", newRS.Name)); err != nil {
			return nil, old, err
		}
		return newRS, old, nil
	}
	if !create {
		return nil, old, nil
	}
	for {
		n := int32(newRSNewReplicas(d, rsList, nil))
		rs := newReplicaSet(d, podTemplateHash(d), maxOld+1, n)
		err := x.objects.CreateReplicaSet(rs)
		if errors.Is(err, apiserver.ErrAlreadyExists) {
			existing := x.objects.ReplicaSet(rs.Key())
			if existing != nil && existing.ControllerUID() == d.UID && string(canonicalTemplate(existing.Spec.Template)) == string(canonicalTemplate(d.Spec.Template)) {
				return existing, old, nil
			}
			// A hash collision: bump status.collisionCount and retry.
			c := int32(0)
			if d.Status.CollisionCount != nil {
				c = *d.Status.CollisionCount
			}
			c++
			nd := d.DeepCopy()
			nd.Status.CollisionCount = &c
			if err := x.objects.UpdateDeployment(nd); err != nil {
				return nil, old, err
			}
			x.d = nd
			d = nd
			continue
		}
		if err != nil {
			return nil, old, err
		}
		if n > 0 {
			x.objects.Event(d, "Normal", "ScalingReplicaSet", "Scaled up replica set %s from 0 to %d", rs.Name, n)
		}
		return rs, old, x.syncDeploymentRevision(rs, ReasonNewRSCreated, fmt.Sprintf("Created new replica set %q", rs.Name))
	}
}

// syncDeploymentRevision mirrors the new ReplicaSet's revision on the
// Deployment and sets Progressing when it has none.
func (x *deploy) syncDeploymentRevision(rs *api.ReplicaSet, reason, msg string) error {
	d := x.objects.Deployment(x.d.Key())
	n := d.DeepCopy()
	changed := false
	if n.Annotations[api.DeploymentRevisionAnnotation] != rs.Annotations[api.DeploymentRevisionAnnotation] {
		setAnnotation(&n.ObjectMeta, api.DeploymentRevisionAnnotation, rs.Annotations[api.DeploymentRevisionAnnotation])
		changed = true
	}
	if reason == ReasonNewRSCreated || condition(n.Status.Conditions, ConditionProgressing) == nil {
		setCondition(&n.Status, api.DeploymentCondition{Type: ConditionProgressing, Status: "True", Reason: reason, Message: msg}, x.now)
		changed = true
	}
	if !changed {
		return nil
	}
	if err := x.objects.UpdateDeployment(n); err != nil {
		return err
	}
	x.d = n
	return nil
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
		newRS = x.objects.ReplicaSet(newRS.Key())
	}
	st := calculateStatus(x.d, all, newRS, x.now)
	cur := x.objects.Deployment(x.d.Key())
	if equalStatus(cur.Status, st) {
		return nil
	}
	n := cur.DeepCopy()
	n.Status = st
	return x.objects.UpdateDeployment(n)
}

// scale is scale (sync.go): one active ReplicaSet takes all replicas; a
// saturated new one sends the old ones to zero; otherwise replicas are
// shared out in proportion (proportionalSizes).
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
	sorted, sizes := proportionalSizes(x.d, active)
	for i, rs := range sorted {
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
		_ = x.objects.DeleteReplicaSet(rs)
		diff--
	}
}

// syncStatusOnly writes the status of a Deployment being deleted.
func (x *deploy) syncStatusOnly(rsList []*api.ReplicaSet) error {
	newRS, _ := findNewReplicaSet(x.d, rsList)
	st := calculateStatus(x.d, rsList, newRS, x.now)
	if reflect.DeepEqual(x.d.Status, st) {
		return nil
	}
	n := x.d.DeepCopy()
	n.Status = st
	return x.objects.UpdateDeployment(n)
}
