package workload

import (
	"maps"

	"stsim/sim/api"
	"stsim/sim/store"
)

// Workload is the one StatefulSet or Deployment of a run, as its rule set
// sees it. Objects passed in are of the workload's kind; methods that
// return an object return a fresh copy.
type Workload interface {
	// Rules is the rule set the workload runs under.
	Rules() Rules
	// Kind is StatefulSet or Deployment.
	Kind() string
	// Name and Namespace name the workload object.
	Name() string
	Namespace() string
	// Get reads the workload object, or nil when it does not exist.
	Get(tx *store.Txn) api.Object
	// Is reports whether obj is the workload object (kind and name).
	Is(obj api.Object) bool
	// Replicas is spec.replicas.
	Replicas(obj api.Object) int32
	// Template is spec.template (read it; change only a copy).
	Template(obj api.Object) *api.PodTemplateSpec
	// WithReplicas returns a copy of obj with spec.replicas set to n, as
	// `kubectl scale` sends it.
	WithReplicas(obj api.Object, n int32) api.Object
	// WithSpecOf returns a copy of cur with the spec, labels and
	// annotations of desired, as `kubectl apply` replaces them.
	WithSpecOf(cur, desired api.Object) api.Object
	// RolledOut decides as `kubectl rollout status` does; an error is
	// kubectl's when it gives up (a StatefulSet that is not RollingUpdate,
	// a Deployment past its progress deadline).
	RolledOut(tx *store.Txn) (bool, error)
	// StuckOn describes the status a rollout waits on, for a waitFor that
	// timed out; "" when the workload does not exist.
	StuckOn(tx *store.Txn) string
	// OwnsPod reports whether p is one of the workload's pods.
	OwnsPod(tx *store.Txn, p *api.Pod) bool
	// OwnsRevision reports whether obj is one of the workload's revisions:
	// a ControllerRevision of the StatefulSet or a ReplicaSet of the
	// Deployment.
	OwnsRevision(obj api.Object) bool
	// RevisionNumber is a revision object's number.
	RevisionNumber(obj api.Object) int64
	// Revisions lists the workload's revisions: its ControllerRevisions or
	// ReplicaSets.
	Revisions(tx *store.Txn, obj api.Object) []api.Object
	// RevisionOf names the revision a pod runs: its ControllerRevision or
	// ReplicaSet.
	RevisionOf(p *api.Pod) string
	// Slot is the slot the rules fix for a pod (a StatefulSet pod's
	// ordinal), and whether they fix one; otherwise a pod takes the lowest
	// free slot.
	Slot(p *api.Pod) (int, bool)
	// Status is the workload's status.
	Status(obj api.Object) Status
	// RevisionTemplate finds the pod template of a revision of the
	// workload, as `kubectl rollout undo` does: revision number n, or for 0
	// the one before the newest. It returns the template and its number.
	RevisionTemplate(tx *store.Txn, obj api.Object, n int64) (api.PodTemplateSpec, int64, error)
}

// New returns the workload namespace/name run under rules.
func New(rules Rules, namespace, name string) Workload {
	if namespace == "" {
		namespace = api.DefaultNamespace
	}
	m := meta{namespace: namespace, name: name}
	if rules == StatefulSet {
		return statefulSet{m}
	}
	return deployment{m}
}

// Status is a workload's status fields and conditions. CurrentReplicas,
// CurrentRevision and UpdateRevision are StatefulSet fields;
// UnavailableReplicas and Conditions are Deployment fields.
type Status struct {
	ObservedGeneration  int64
	Replicas            int32
	ReadyReplicas       int32
	CurrentReplicas     *int32
	UpdatedReplicas     int32
	AvailableReplicas   int32
	UnavailableReplicas *int32
	TerminatingReplicas *int32
	CurrentRevision     string
	UpdateRevision      string
	CollisionCount      *int32
	Conditions          map[string]Condition
}

// Condition is one workload condition's status and reason.
type Condition struct {
	Status string
	Reason string
}

// Equal reports whether two statuses hold the same values.
func (s Status) Equal(o Status) bool {
	eq := func(x, y *int32) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return s.ObservedGeneration == o.ObservedGeneration && s.Replicas == o.Replicas && s.ReadyReplicas == o.ReadyReplicas &&
		eq(s.CurrentReplicas, o.CurrentReplicas) && s.UpdatedReplicas == o.UpdatedReplicas && s.AvailableReplicas == o.AvailableReplicas &&
		eq(s.UnavailableReplicas, o.UnavailableReplicas) && eq(s.TerminatingReplicas, o.TerminatingReplicas) &&
		s.CurrentRevision == o.CurrentRevision && s.UpdateRevision == o.UpdateRevision &&
		eq(s.CollisionCount, o.CollisionCount) &&
		maps.Equal(s.Conditions, o.Conditions)
}

// meta is what both kinds share: the workload's namespace and name.
type meta struct{ namespace, name string }

func (m meta) Name() string      { return m.name }
func (m meta) Namespace() string { return m.namespace }
func (m meta) key() string       { return m.namespace + "/" + m.name }

// ownedBy reports whether o's controller is the workload of kind, by name.
func (m meta) ownedBy(o *api.ObjectMeta, kind string) bool {
	ref := o.ControllerRef()
	return ref != nil && ref.Kind == kind && ref.Name == m.name && o.Namespace == m.namespace
}

func copyInt(p *int32) *int32 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
