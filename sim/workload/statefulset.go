package workload

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"stsim/sim/api"
	"stsim/sim/store"
)

// statefulSet is the workload under StatefulSet rules.
type statefulSet struct{ meta }

func (statefulSet) Rules() Rules { return StatefulSet }
func (statefulSet) Kind() string { return api.KindStatefulSet }

func (w statefulSet) Get(tx *store.Txn) api.Object {
	if s := tx.StatefulSet(w.key()); s != nil {
		return s
	}
	return nil
}

func (w statefulSet) Is(obj api.Object) bool {
	return obj.GetKind() == api.KindStatefulSet && obj.Meta().Name == w.name && obj.Meta().Namespace == w.namespace
}

func (statefulSet) Replicas(obj api.Object) int32 { return *obj.(*api.StatefulSet).Spec.Replicas }

func (statefulSet) Template(obj api.Object) *api.PodTemplateSpec {
	return &obj.(*api.StatefulSet).Spec.Template
}

func (statefulSet) WithReplicas(obj api.Object, n int32) api.Object {
	s := obj.(*api.StatefulSet).DeepCopy()
	s.Spec.Replicas = &n
	return s
}

func (statefulSet) WithSpecOf(cur, desired api.Object) api.Object {
	s, d := cur.(*api.StatefulSet).DeepCopy(), desired.(*api.StatefulSet).DeepCopy()
	s.Spec, s.Labels, s.Annotations = d.Spec, d.Labels, d.Annotations
	return s
}

// RolledOut follows kubectl's statefulSetStatusViewer
// (kubectl/pkg/polymorphichelpers/rollout_status.go): an error for a set
// that is not RollingUpdate; else the status is observed, readyReplicas
// reached spec.replicas and, with a rollingUpdate block (the API server
// always defaults one, partition 0), updatedReplicas reached replicas −
// partition; only a set without one compares the revisions.
func (w statefulSet) RolledOut(tx *store.Txn) (bool, error) {
	s := tx.StatefulSet(w.key())
	if s == nil {
		return false, nil
	}
	if s.Spec.UpdateStrategy.Type != api.RollingUpdateStrategy {
		return false, errors.New("rollout status is only available for RollingUpdate strategy type")
	}
	if s.Status.ObservedGeneration == 0 || s.Generation > s.Status.ObservedGeneration || s.Status.ReadyReplicas < *s.Spec.Replicas {
		return false, nil
	}
	if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		return ru.Partition == nil || s.Status.UpdatedReplicas >= *s.Spec.Replicas-*ru.Partition, nil
	}
	return s.Status.UpdateRevision == s.Status.CurrentRevision, nil
}

func (w statefulSet) StuckOn(tx *store.Txn) string {
	s := tx.StatefulSet(w.key())
	if s == nil {
		return ""
	}
	st := s.Status
	return fmt.Sprintf("StatefulSet %s wants %d replicas; status replicas=%d ready=%d current=%d updated=%d (revision %s -> %s)",
		s.Name, *s.Spec.Replicas, st.Replicas, st.ReadyReplicas, st.CurrentReplicas, st.UpdatedReplicas, st.CurrentRevision, st.UpdateRevision)
}

// OwnsPod: the pod's controller is the StatefulSet (by name, so a set
// deleted and created again owns the pods it adopts).
func (w statefulSet) OwnsPod(_ *store.Txn, p *api.Pod) bool {
	return w.ownedBy(&p.ObjectMeta, api.KindStatefulSet)
}

func (w statefulSet) OwnsRevision(obj api.Object) bool {
	return obj.GetKind() == api.KindControllerRevision && w.ownedBy(obj.Meta(), api.KindStatefulSet)
}

func (statefulSet) RevisionNumber(obj api.Object) int64 {
	return obj.(*api.ControllerRevision).Revision
}

func (statefulSet) RevisionOf(p *api.Pod) string { return p.Labels[api.ControllerRevisionHashLabel] }

// Slot is the ordinal of the pod-index label.
func (statefulSet) Slot(p *api.Pod) (int, bool) {
	o, err := strconv.Atoi(p.Labels[api.PodIndexLabel])
	return o, err == nil
}

func (statefulSet) Status(obj api.Object) Status {
	st := obj.(*api.StatefulSet).Status
	cur := st.CurrentReplicas
	return Status{ObservedGeneration: st.ObservedGeneration, Replicas: st.Replicas, ReadyReplicas: st.ReadyReplicas,
		CurrentReplicas: &cur, UpdatedReplicas: st.UpdatedReplicas, AvailableReplicas: st.AvailableReplicas,
		CurrentRevision: st.CurrentRevision, UpdateRevision: st.UpdateRevision, CollisionCount: copyInt(st.CollisionCount),
		Conditions: map[string]Condition{}}
}

// Revisions lists the set's ControllerRevisions, by number.
func (statefulSet) Revisions(tx *store.Txn, obj api.Object) []api.Object {
	revs := tx.ControllerRevisionsOwnedBy(obj.Meta().UID)
	slices.SortFunc(revs, func(a, b *api.ControllerRevision) int { return cmp.Compare(a.Revision, b.Revision) })
	out := make([]api.Object, len(revs))
	for i, r := range revs {
		out[i] = r
	}
	return out
}

// RevisionTemplate follows kubectl's StatefulSetRollbacker: the set's
// ControllerRevisions by number; 0 is the one before the newest.
func (statefulSet) RevisionTemplate(tx *store.Txn, obj api.Object, n int64) (api.PodTemplateSpec, int64, error) {
	revs := tx.ControllerRevisionsOwnedBy(obj.Meta().UID)
	slices.SortFunc(revs, func(a, b *api.ControllerRevision) int { return cmp.Compare(a.Revision, b.Revision) })
	if n == 0 {
		if len(revs) <= 1 {
			return api.PodTemplateSpec{}, 0, errors.New("no last revision to roll back to")
		}
		n = revs[len(revs)-2].Revision
	}
	for _, r := range revs {
		if r.Revision == n {
			return r.Template.DeepCopy(), r.Revision, nil
		}
	}
	return api.PodTemplateSpec{}, 0, fmt.Errorf("unable to find specified revision %d in history", n)
}
