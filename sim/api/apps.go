package api

import (
	"time"
)

// LabelSelector selects objects by labels (matchLabels and matchExpressions).
type LabelSelector struct {
	MatchLabels      map[string]string          `yaml:"matchLabels,omitempty" json:"matchLabels,omitempty"`
	MatchExpressions []LabelSelectorRequirement `yaml:"matchExpressions,omitempty" json:"matchExpressions,omitempty"`
}

// LabelSelectorRequirement is one matchExpressions entry.
type LabelSelectorRequirement struct {
	Key      string   `yaml:"key" json:"key"`
	Operator string   `yaml:"operator" json:"operator"`
	Values   []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// StatefulSet is an apps/v1 StatefulSet.
type StatefulSet struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       StatefulSetSpec   `yaml:"spec" json:"spec"`
	Status     StatefulSetStatus `yaml:"-" json:"-"`
}

// Pod management policies.
const (
	OrderedReadyPodManagement = "OrderedReady"
	ParallelPodManagement     = "Parallel"
)

// Update strategy types.
const (
	RollingUpdateStrategy = "RollingUpdate"
	OnDeleteStrategy      = "OnDelete"
	RecreateStrategy      = "Recreate"
)

// Retention policy values.
const (
	RetainPolicy = "Retain"
	DeletePolicy = "Delete"
)

// StatefulSetSpec holds the simulated fields of a StatefulSet's spec.
type StatefulSetSpec struct {
	Replicas                             *int32                                           `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	Selector                             *LabelSelector                                   `yaml:"selector" json:"selector"`
	Template                             PodTemplateSpec                                  `yaml:"template" json:"template"`
	VolumeClaimTemplates                 []PersistentVolumeClaim                          `yaml:"volumeClaimTemplates,omitempty" json:"volumeClaimTemplates,omitempty"`
	ServiceName                          string                                           `yaml:"serviceName,omitempty" json:"serviceName,omitempty"`
	PodManagementPolicy                  string                                           `yaml:"podManagementPolicy,omitempty" json:"podManagementPolicy,omitempty"`
	UpdateStrategy                       StatefulSetUpdateStrategy                        `yaml:"updateStrategy,omitempty" json:"updateStrategy,omitempty"`
	RevisionHistoryLimit                 *int32                                           `yaml:"revisionHistoryLimit,omitempty" json:"revisionHistoryLimit,omitempty"`
	MinReadySeconds                      int32                                            `yaml:"minReadySeconds,omitempty" json:"minReadySeconds,omitempty"`
	PersistentVolumeClaimRetentionPolicy *StatefulSetPersistentVolumeClaimRetentionPolicy `yaml:"persistentVolumeClaimRetentionPolicy,omitempty" json:"persistentVolumeClaimRetentionPolicy,omitempty"`
	Ordinals                             *StatefulSetOrdinals                             `yaml:"ordinals,omitempty" json:"ordinals,omitempty"`
}

// StatefulSetUpdateStrategy is how template changes reach the pods.
type StatefulSetUpdateStrategy struct {
	Type          string                            `yaml:"type,omitempty" json:"type,omitempty"`
	RollingUpdate *RollingUpdateStatefulSetStrategy `yaml:"rollingUpdate,omitempty" json:"rollingUpdate,omitempty"`
}

// RollingUpdateStatefulSetStrategy is the partition and maxUnavailable of a rolling update.
type RollingUpdateStatefulSetStrategy struct {
	Partition      *int32       `yaml:"partition,omitempty" json:"partition,omitempty"`
	MaxUnavailable *IntOrString `yaml:"maxUnavailable,omitempty" json:"maxUnavailable,omitempty"`
}

// StatefulSetPersistentVolumeClaimRetentionPolicy says what happens to claims.
type StatefulSetPersistentVolumeClaimRetentionPolicy struct {
	WhenDeleted string `yaml:"whenDeleted,omitempty" json:"whenDeleted,omitempty"`
	WhenScaled  string `yaml:"whenScaled,omitempty" json:"whenScaled,omitempty"`
}

// StatefulSetOrdinals sets the first ordinal.
type StatefulSetOrdinals struct {
	Start int32 `yaml:"start" json:"start"`
}

// StatefulSetStatus is what the StatefulSet controller reports.
type StatefulSetStatus struct {
	ObservedGeneration int64
	Replicas           int32
	ReadyReplicas      int32
	CurrentReplicas    int32
	UpdatedReplicas    int32
	AvailableReplicas  int32
	CurrentRevision    string
	UpdateRevision     string
	CollisionCount     *int32
}

// GetKind implements Object.
func (*StatefulSet) GetKind() string { return KindStatefulSet }

// Meta implements Object.
func (s *StatefulSet) Meta() *ObjectMeta { return &s.ObjectMeta }

// Deployment is an apps/v1 Deployment.
type Deployment struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       DeploymentSpec   `yaml:"spec" json:"spec"`
	Status     DeploymentStatus `yaml:"-" json:"-"`
}

// DeploymentSpec holds the simulated fields of a Deployment's spec.
type DeploymentSpec struct {
	Replicas                *int32             `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	Selector                *LabelSelector     `yaml:"selector" json:"selector"`
	Template                PodTemplateSpec    `yaml:"template" json:"template"`
	Strategy                DeploymentStrategy `yaml:"strategy,omitempty" json:"strategy,omitempty"`
	MinReadySeconds         int32              `yaml:"minReadySeconds,omitempty" json:"minReadySeconds,omitempty"`
	RevisionHistoryLimit    *int32             `yaml:"revisionHistoryLimit,omitempty" json:"revisionHistoryLimit,omitempty"`
	Paused                  bool               `yaml:"paused,omitempty" json:"paused,omitempty"`
	ProgressDeadlineSeconds *int32             `yaml:"progressDeadlineSeconds,omitempty" json:"progressDeadlineSeconds,omitempty"`
}

// DeploymentStrategy is Recreate or RollingUpdate with its bounds.
type DeploymentStrategy struct {
	Type          string                   `yaml:"type,omitempty" json:"type,omitempty"`
	RollingUpdate *RollingUpdateDeployment `yaml:"rollingUpdate,omitempty" json:"rollingUpdate,omitempty"`
}

// RollingUpdateDeployment bounds a rolling update.
type RollingUpdateDeployment struct {
	MaxUnavailable *IntOrString `yaml:"maxUnavailable,omitempty" json:"maxUnavailable,omitempty"`
	MaxSurge       *IntOrString `yaml:"maxSurge,omitempty" json:"maxSurge,omitempty"`
}

// DeploymentStatus is what the Deployment controller reports.
type DeploymentStatus struct {
	ObservedGeneration  int64
	Replicas            int32
	UpdatedReplicas     int32
	ReadyReplicas       int32
	AvailableReplicas   int32
	UnavailableReplicas int32
	// TerminatingReplicas counts the pods of its ReplicaSets that are
	// being deleted (DeploymentReplicaSetTerminatingReplicas, beta and on
	// since v1.35); nil while a ReplicaSet does not report it.
	TerminatingReplicas *int32
	Conditions          []DeploymentCondition
	CollisionCount      *int32
}

// DeploymentCondition is the Available or Progressing condition.
type DeploymentCondition struct {
	Type               string
	Status             string
	Reason             string
	Message            string
	LastUpdateTime     time.Duration
	LastTransitionTime time.Duration
}

// GetKind implements Object.
func (*Deployment) GetKind() string { return KindDeployment }

// Meta implements Object.
func (d *Deployment) Meta() *ObjectMeta { return &d.ObjectMeta }

// ReplicaSet is an apps/v1 ReplicaSet.
type ReplicaSet struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       ReplicaSetSpec   `yaml:"spec" json:"spec"`
	Status     ReplicaSetStatus `yaml:"-" json:"-"`
}

// ReplicaSetSpec is a ReplicaSet's size, selector and template.
type ReplicaSetSpec struct {
	Replicas        *int32          `yaml:"replicas,omitempty" json:"replicas,omitempty"`
	MinReadySeconds int32           `yaml:"minReadySeconds,omitempty" json:"minReadySeconds,omitempty"`
	Selector        *LabelSelector  `yaml:"selector" json:"selector"`
	Template        PodTemplateSpec `yaml:"template" json:"template"`
}

// ReplicaSetStatus is what the ReplicaSet controller reports.
type ReplicaSetStatus struct {
	ObservedGeneration   int64
	Replicas             int32
	FullyLabeledReplicas int32
	ReadyReplicas        int32
	AvailableReplicas    int32
	// TerminatingReplicas counts its pods that are being deleted and not
	// yet Succeeded or Failed.
	TerminatingReplicas *int32
}

// GetKind implements Object.
func (*ReplicaSet) GetKind() string { return KindReplicaSet }

// Meta implements Object.
func (r *ReplicaSet) Meta() *ObjectMeta { return &r.ObjectMeta }

// ControllerRevision is an apps/v1 ControllerRevision: one StatefulSet template.
type ControllerRevision struct {
	ObjectMeta
	// Data is the revision's patch: the template, canonical JSON.
	Data     string
	Revision int64
	// Template is Data decoded.
	Template PodTemplateSpec
}

// GetKind implements Object.
func (*ControllerRevision) GetKind() string { return KindControllerRevision }

// Meta implements Object.
func (r *ControllerRevision) Meta() *ObjectMeta { return &r.ObjectMeta }

// ClaimTemplates are the volumeClaimTemplates as the StatefulSet
// controller reads them: one per name, in the order names first appear,
// each with the spec of the last template of that name. The API server
// accepts two templates of one name (volumesToAddForTemplates keys a map
// by name, so validation sees one volume), and the controller's
// getPersistentVolumeClaims builds a map by name, where the last wins.
func (s *StatefulSet) ClaimTemplates() []PersistentVolumeClaim {
	ts := s.Spec.VolumeClaimTemplates
	unique := true
	for i := 1; i < len(ts) && unique; i++ {
		for j := range i {
			if ts[i].Name == ts[j].Name {
				unique = false
				break
			}
		}
	}
	if unique {
		return ts // the common case, on every sync of every pod: no copy
	}
	out := make([]PersistentVolumeClaim, 0, len(s.Spec.VolumeClaimTemplates))
	at := map[string]int{}
	for _, t := range s.Spec.VolumeClaimTemplates {
		if i, ok := at[t.Name]; ok {
			out[i] = t
			continue
		}
		at[t.Name] = len(out)
		out = append(out, t)
	}
	return out
}
