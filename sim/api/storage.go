package api

// PersistentVolumeClaim is a core/v1 PersistentVolumeClaim.
type PersistentVolumeClaim struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       PersistentVolumeClaimSpec   `yaml:"spec" json:"spec"`
	Status     PersistentVolumeClaimStatus `yaml:"-" json:"-"`
}

// PersistentVolumeClaimSpec is what a claim asks for.
type PersistentVolumeClaimSpec struct {
	AccessModes      []string             `yaml:"accessModes,omitempty" json:"accessModes,omitempty"`
	Resources        ResourceRequirements `yaml:"resources,omitempty" json:"resources,omitempty"`
	StorageClassName *string              `yaml:"storageClassName,omitempty" json:"storageClassName,omitempty"`
	VolumeName       string               `yaml:"volumeName,omitempty" json:"volumeName,omitempty"`
	VolumeMode       string               `yaml:"volumeMode,omitempty" json:"volumeMode,omitempty"`
}

// ResourceRequirements holds requests and limits as quantity strings.
type ResourceRequirements struct {
	Requests map[string]string `yaml:"requests,omitempty" json:"requests,omitempty"`
	Limits   map[string]string `yaml:"limits,omitempty" json:"limits,omitempty"`
}

// Claim and volume phases.
const (
	ClaimPending    = "Pending"
	ClaimBound      = "Bound"
	VolumeAvailable = "Available"
	VolumeBound     = "Bound"
	VolumeReleased  = "Released"
)

// PersistentVolumeClaimStatus is the binding state of a claim.
type PersistentVolumeClaimStatus struct {
	Phase string
}

// GetKind implements Object.
func (*PersistentVolumeClaim) GetKind() string { return KindPersistentVolumeClaim }

// Meta implements Object.
func (c *PersistentVolumeClaim) Meta() *ObjectMeta { return &c.ObjectMeta }

// PersistentVolume is a core/v1 PersistentVolume.
type PersistentVolume struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       PersistentVolumeSpec   `yaml:"spec" json:"spec"`
	Status     PersistentVolumeStatus `yaml:"-" json:"-"`
}

// PersistentVolumeSpec is a volume's capacity, modes and binding.
type PersistentVolumeSpec struct {
	Capacity                      map[string]string `yaml:"capacity,omitempty" json:"capacity,omitempty"`
	AccessModes                   []string          `yaml:"accessModes,omitempty" json:"accessModes,omitempty"`
	ClaimRef                      *ObjectReference  `yaml:"claimRef,omitempty" json:"claimRef,omitempty"`
	PersistentVolumeReclaimPolicy string            `yaml:"persistentVolumeReclaimPolicy,omitempty" json:"persistentVolumeReclaimPolicy,omitempty"`
	StorageClassName              string            `yaml:"storageClassName,omitempty" json:"storageClassName,omitempty"`
}

// ObjectReference points at another object.
type ObjectReference struct {
	Kind      string `yaml:"kind,omitempty" json:"kind,omitempty"`
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Name      string `yaml:"name,omitempty" json:"name,omitempty"`
	UID       string `yaml:"uid,omitempty" json:"uid,omitempty"`
}

// PersistentVolumeStatus is a volume's phase.
type PersistentVolumeStatus struct {
	Phase string
}

// GetKind implements Object.
func (*PersistentVolume) GetKind() string { return KindPersistentVolume }

// Meta implements Object.
func (v *PersistentVolume) Meta() *ObjectMeta { return &v.ObjectMeta }

// StorageClass is a storage.k8s.io/v1 StorageClass.
type StorageClass struct {
	TypeMeta          `yaml:",inline" json:",inline"`
	ObjectMeta        `yaml:"metadata" json:"metadata"`
	Provisioner       string  `yaml:"provisioner" json:"provisioner"`
	ReclaimPolicy     *string `yaml:"reclaimPolicy,omitempty" json:"reclaimPolicy,omitempty"`
	VolumeBindingMode *string `yaml:"volumeBindingMode,omitempty" json:"volumeBindingMode,omitempty"`
}

// GetKind implements Object.
func (*StorageClass) GetKind() string { return KindStorageClass }

// Meta implements Object.
func (s *StorageClass) Meta() *ObjectMeta { return &s.ObjectMeta }

// IsDefault reports the storageclass.kubernetes.io/is-default-class annotation.
func (s *StorageClass) IsDefault() bool {
	return s.Annotations["storageclass.kubernetes.io/is-default-class"] == "true"
}
