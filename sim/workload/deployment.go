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

// deployment is the workload under Deployment rules.
type deployment struct{ meta }

func (deployment) Rules() Rules { return Deployment }
func (deployment) Kind() string { return api.KindDeployment }

func (w deployment) Get(tx *store.Txn) api.Object {
	if d := tx.Deployment(w.key()); d != nil {
		return d
	}
	return nil
}

func (w deployment) Is(obj api.Object) bool {
	return obj.GetKind() == api.KindDeployment && obj.Meta().Name == w.name && obj.Meta().Namespace == w.namespace
}

func (deployment) Replicas(obj api.Object) int32 { return *obj.(*api.Deployment).Spec.Replicas }

func (deployment) Template(obj api.Object) *api.PodTemplateSpec {
	return &obj.(*api.Deployment).Spec.Template
}

func (deployment) WithReplicas(obj api.Object, n int32) api.Object {
	d := obj.(*api.Deployment).DeepCopy()
	d.Spec.Replicas = &n
	return d
}

func (deployment) WithSpecOf(cur, desired api.Object) api.Object {
	d, n := cur.(*api.Deployment).DeepCopy(), desired.(*api.Deployment).DeepCopy()
	d.Spec, d.Labels, d.Annotations = n.Spec, n.Labels, n.Annotations
	return d
}

// RolledOut follows kubectl's deploymentStatusViewer
// (kubectl/pkg/polymorphichelpers/rollout_status.go): an error once
// Progressing is ProgressDeadlineExceeded; else the status is observed,
// every replica is updated, no old replica is left and every updated one
// is available.
func (w deployment) RolledOut(tx *store.Txn) (bool, error) {
	d := tx.Deployment(w.key())
	if d == nil || d.Generation > d.Status.ObservedGeneration {
		return false, nil
	}
	for _, c := range d.Status.Conditions {
		if c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded" {
			return false, fmt.Errorf("deployment %q exceeded its progress deadline", d.Name)
		}
	}
	st := d.Status
	return st.UpdatedReplicas >= *d.Spec.Replicas && st.Replicas <= st.UpdatedReplicas && st.AvailableReplicas >= st.UpdatedReplicas, nil
}

func (w deployment) StuckOn(tx *store.Txn) string {
	d := tx.Deployment(w.key())
	if d == nil {
		return ""
	}
	st := d.Status
	return fmt.Sprintf("Deployment %s wants %d replicas; status replicas=%d ready=%d updated=%d available=%d",
		d.Name, *d.Spec.Replicas, st.Replicas, st.ReadyReplicas, st.UpdatedReplicas, st.AvailableReplicas)
}

// OwnsPod: the pod's controller is a ReplicaSet whose controller is the
// Deployment.
func (w deployment) OwnsPod(tx *store.Txn, p *api.Pod) bool {
	ref := p.ControllerRef()
	if ref == nil || ref.Kind != api.KindReplicaSet {
		return false
	}
	rs := tx.ReplicaSet(p.Namespace + "/" + ref.Name)
	return rs != nil && rs.UID == ref.UID && w.ownedBy(&rs.ObjectMeta, api.KindDeployment)
}

func (w deployment) OwnsRevision(obj api.Object) bool {
	return obj.GetKind() == api.KindReplicaSet && w.ownedBy(obj.Meta(), api.KindDeployment)
}

func (deployment) RevisionNumber(obj api.Object) int64 {
	n, _ := strconv.ParseInt(obj.Meta().Annotations[api.DeploymentRevisionAnnotation], 10, 64)
	return n
}

// RevisionOf is the name of the pod's ReplicaSet.
func (deployment) RevisionOf(p *api.Pod) string {
	if ref := p.ControllerRef(); ref != nil && ref.Kind == api.KindReplicaSet {
		return ref.Name
	}
	return ""
}

// Slot: Deployment rules fix no slot.
func (deployment) Slot(*api.Pod) (int, bool) { return 0, false }

func (deployment) Status(obj api.Object) Status {
	st := obj.(*api.Deployment).Status
	un := st.UnavailableReplicas
	s := Status{ObservedGeneration: st.ObservedGeneration, Replicas: st.Replicas, ReadyReplicas: st.ReadyReplicas,
		UpdatedReplicas: st.UpdatedReplicas, AvailableReplicas: st.AvailableReplicas, UnavailableReplicas: &un, TerminatingReplicas: copyInt(st.TerminatingReplicas),
		CollisionCount: copyInt(st.CollisionCount), Conditions: map[string]Condition{}}
	for _, c := range st.Conditions {
		s.Conditions[c.Type] = Condition{Status: c.Status, Reason: c.Reason}
	}
	return s
}

// RevisionTemplate follows kubectl's DeploymentRollbacker: the template of
// the ReplicaSet with revision n (for 0, the second newest revision),
// without its pod-template-hash label.
func (w deployment) RevisionTemplate(tx *store.Txn, obj api.Object, n int64) (api.PodTemplateSpec, int64, error) {
	rss := w.Revisions(tx, obj)
	if len(rss) == 0 {
		return api.PodTemplateSpec{}, 0, errors.New("no rollout history found")
	}
	if n == 0 {
		if len(rss) <= 1 {
			return api.PodTemplateSpec{}, 0, errors.New("no last revision to roll back to")
		}
		n = w.RevisionNumber(rss[len(rss)-2])
	}
	for _, rs := range rss {
		if w.RevisionNumber(rs) == n {
			t := rs.(*api.ReplicaSet).Spec.Template.DeepCopy()
			delete(t.Labels, api.PodTemplateHashLabel)
			return t, n, nil
		}
	}
	return api.PodTemplateSpec{}, 0, fmt.Errorf("unable to find specified revision %d in history", n)
}

// Revisions lists the ReplicaSets the Deployment controls, by revision.
func (w deployment) Revisions(tx *store.Txn, obj api.Object) []api.Object {
	var out []api.Object
	for _, rs := range tx.ReplicaSetsOwnedBy(obj.Meta().UID) {
		if rs.ControllerUID() == obj.Meta().UID {
			out = append(out, rs)
		}
	}
	slices.SortFunc(out, func(a, b api.Object) int { return cmp.Compare(w.RevisionNumber(a), w.RevisionNumber(b)) })
	return out
}
