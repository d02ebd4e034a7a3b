package statefulset

import (
	"time"

	"stsim/sim/api"
)

func revisionOf(p *api.Pod) string { return p.Labels[api.ControllerRevisionHashLabel] }

// isCreated: the pod exists (has a phase); pods this sync builds do not yet.
func isCreated(p *api.Pod) bool { return p.Status.Phase != "" }

// isAvailable is "Running and Ready, and available for minReadySeconds".
func isAvailable(set *api.StatefulSet, p *api.Pod, now time.Duration) bool {
	return p.IsRunningAndReady() && p.IsAvailable(set.Spec.MinReadySeconds, now)
}

// completeRollingUpdate makes the update revision current once every
// replica is updated and ready (completeRollingUpdate).
func completeRollingUpdate(set *api.StatefulSet, st *api.StatefulSetStatus) {
	if st.UpdatedReplicas == st.ReadyReplicas && st.ReadyReplicas == st.Replicas && st.Replicas == *set.Spec.Replicas {
		st.CurrentRevision = st.UpdateRevision
		st.CurrentReplicas = st.UpdatedReplicas
	}
}

// inconsistentStatus reports a status that must be written: a newer
// observed generation, or other counts or revisions (inconsistentStatus;
// collisionCount alone does not count).
func inconsistentStatus(old, st api.StatefulSetStatus) bool {
	return st.ObservedGeneration > old.ObservedGeneration ||
		st.Replicas != old.Replicas ||
		st.CurrentReplicas != old.CurrentReplicas ||
		st.ReadyReplicas != old.ReadyReplicas ||
		st.UpdatedReplicas != old.UpdatedReplicas ||
		st.CurrentRevision != old.CurrentRevision ||
		st.AvailableReplicas != old.AvailableReplicas ||
		st.UpdateRevision != old.UpdateRevision
}
