package api

import (
	"time"
)

// TypeMeta is the apiVersion and kind of a manifest.
type TypeMeta struct {
	APIVersion string `yaml:"apiVersion,omitempty" json:"apiVersion,omitempty"`
	Kind       string `yaml:"kind,omitempty" json:"kind,omitempty"`
}

// ObjectMeta is the metadata every object carries.
type ObjectMeta struct {
	Name              string            `yaml:"name,omitempty" json:"name,omitempty"`
	GenerateName      string            `yaml:"generateName,omitempty" json:"generateName,omitempty"`
	Namespace         string            `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Labels            map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`
	Annotations       map[string]string `yaml:"annotations,omitempty" json:"annotations,omitempty"`
	OwnerReferences   []OwnerReference  `yaml:"ownerReferences,omitempty" json:"ownerReferences,omitempty"`
	Finalizers        []string          `yaml:"finalizers,omitempty" json:"finalizers,omitempty"`
	UID               string            `yaml:"-" json:"-"`
	ResourceVersion   uint64            `yaml:"-" json:"-"`
	Generation        int64             `yaml:"-" json:"-"`
	CreationTimestamp time.Duration     `yaml:"-" json:"-"`
	// DeletionTimestamp is set when a graceful deletion was requested.
	DeletionTimestamp *time.Duration `yaml:"-" json:"-"`
	// DeletionGracePeriodSeconds is the grace period of a requested deletion.
	DeletionGracePeriodSeconds *int64 `yaml:"-" json:"-"`
}

// OwnerReference names an object's owner; Controller marks the managing one.
type OwnerReference struct {
	APIVersion string `yaml:"apiVersion" json:"apiVersion"`
	Kind       string `yaml:"kind" json:"kind"`
	Name       string `yaml:"name" json:"name"`
	UID        string `yaml:"uid" json:"uid"`
	Controller bool   `yaml:"controller,omitempty" json:"controller,omitempty"`
	// BlockOwnerDeletion keeps a foreground deletion of the owner waiting
	// until this dependent is gone.
	BlockOwnerDeletion bool `yaml:"blockOwnerDeletion,omitempty" json:"blockOwnerDeletion,omitempty"`
}

// NewControllerRef is a controller reference to owner that blocks its
// foreground deletion (metav1.NewControllerRef).
func NewControllerRef(owner Object, apiVersion string) OwnerReference {
	m := owner.Meta()
	return OwnerReference{APIVersion: apiVersion, Kind: owner.GetKind(), Name: m.Name, UID: m.UID, Controller: true, BlockOwnerDeletion: true}
}

// DefaultNamespace is where objects without a namespace live.
const DefaultNamespace = "default"

// Key is the store key of an object: namespace/name.
func (m *ObjectMeta) Key() string { return m.Namespace + "/" + m.Name }

// Terminating reports whether a deletion was requested.
func (m *ObjectMeta) Terminating() bool { return m.DeletionTimestamp != nil }

// ControllerRef returns the managing owner, or nil.
func (m *ObjectMeta) ControllerRef() *OwnerReference {
	for i := range m.OwnerReferences {
		if m.OwnerReferences[i].Controller {
			return &m.OwnerReferences[i]
		}
	}
	return nil
}

// ControllerUID is the UID of the managing owner, or "".
func (m *ObjectMeta) ControllerUID() string {
	if r := m.ControllerRef(); r != nil {
		return r.UID
	}
	return ""
}

// Object is any stored object.
type Object interface {
	// Meta returns the object's metadata (read it; change only a clone).
	Meta() *ObjectMeta
	// GetKind is the object's kind, such as "Pod".
	GetKind() string
	// DeepCopyObject returns a copy that shares nothing with the object.
	DeepCopyObject() Object
}

// Kinds simulated by stsim.
const (
	KindPod                   = "Pod"
	KindPersistentVolumeClaim = "PersistentVolumeClaim"
	KindPersistentVolume      = "PersistentVolume"
	KindStorageClass          = "StorageClass"
	KindService               = "Service"
	KindEndpointSlice         = "EndpointSlice"
	KindNode                  = "Node"
	KindStatefulSet           = "StatefulSet"
	KindDeployment            = "Deployment"
	KindReplicaSet            = "ReplicaSet"
	KindControllerRevision    = "ControllerRevision"
	KindVolumeAttachment      = "VolumeAttachment"
	KindEvent                 = "Event"
)
