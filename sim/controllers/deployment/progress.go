package deployment

import (
	"fmt"
	"reflect"
	"slices"
	"time"

	"stsim/sim/api"
)

// syncRolloutStatus is syncRolloutStatus (progress.go): status plus the
// Progressing condition and its deadline.
func (x *deploy) syncRolloutStatus(all []*api.ReplicaSet, newRS *api.ReplicaSet) error {
	x.d = x.objects.Deployment(x.d.Key())
	d := x.d
	all = x.refresh(all)
	if newRS != nil {
		newRS = x.objects.ReplicaSet(newRS.Key())
	}
	st := calculateStatus(d, all, newRS, x.now)
	if !hasProgressDeadline(d) {
		st.Conditions = slices.DeleteFunc(st.Conditions, func(c api.DeploymentCondition) bool { return c.Type == ConditionProgressing })
	}
	now := x.now
	cur := condition(d.Status.Conditions, ConditionProgressing)
	isComplete := st.Replicas == st.UpdatedReplicas && cur != nil && cur.Reason == ReasonNewRSAvailable
	// Messages name the new ReplicaSet, or the Deployment while there is
	// none (under Recreate, until the old pods are gone).
	subject := fmt.Sprintf("Deployment %q", d.Name)
	if newRS != nil {
		subject = fmt.Sprintf("ReplicaSet %q", newRS.Name)
	}
	if hasProgressDeadline(d) && !isComplete {
		oldSt := d.Status
		switch {
		case complete(d, &st):
			setCondition(&st, api.DeploymentCondition{Type: ConditionProgressing, Status: "True", Reason: ReasonNewRSAvailable, Message: subject + " has successfully progressed."}, now)
		case st.UpdatedReplicas > oldSt.UpdatedReplicas || st.Replicas-st.UpdatedReplicas < oldSt.Replicas-oldSt.UpdatedReplicas ||
			st.ReadyReplicas > oldSt.ReadyReplicas || st.AvailableReplicas > oldSt.AvailableReplicas:
			c := api.DeploymentCondition{Type: ConditionProgressing, Status: "True", Reason: ReasonRSUpdated, Message: subject + " is progressing.", LastUpdateTime: now, LastTransitionTime: now}
			if pc := condition(st.Conditions, ConditionProgressing); pc != nil && pc.Status == "True" {
				c.LastTransitionTime = pc.LastTransitionTime
			}
			st.Conditions = slices.DeleteFunc(st.Conditions, func(x api.DeploymentCondition) bool { return x.Type == ConditionProgressing })
			st.Conditions = append(st.Conditions, c)
		case timedOut(d, &st, now):
			setCondition(&st, api.DeploymentCondition{Type: ConditionProgressing, Status: "False", Reason: ReasonTimedOut, Message: subject + " has timed out progressing."}, now)
		}
	}
	// requeueStuckDeployment: look again a second after the deadline of
	// the condition as it was before this sync. Upstream requeues at once,
	// rate-limited, when less than a second is left; once the deadline has
	// passed without a timeout (a complete rollout's condition) nothing
	// more comes of it, so stsim does not requeue then.
	if c := condition(d.Status.Conditions, ConditionProgressing); c != nil && hasProgressDeadline(d) &&
		!complete(d, &st) && c.Reason != ReasonTimedOut {
		if left := c.LastUpdateTime + time.Duration(*d.Spec.ProgressDeadlineSeconds)*time.Second - now; left > 0 {
			after := left + time.Second
			x.requeue = &after
		}
	}
	if reflect.DeepEqual(d.Status, st) {
		return nil
	}
	n := d.DeepCopy()
	n.Status = st
	return x.objects.UpdateDeployment(n)
}
