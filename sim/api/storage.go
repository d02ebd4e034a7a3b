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
	// Selector limits static binding to volumes whose labels match it.
	Selector *LabelSelector `yaml:"selector,omitempty" json:"selector,omitempty"`
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
	ClaimLost       = "Lost"
	VolumePending   = "Pending"
	VolumeAvailable = "Available"
	VolumeBound     = "Bound"
	VolumeReleased  = "Released"
	VolumeFailed    = "Failed"
)

// Access modes of claims and volumes.
const (
	ReadWriteOnce    = "ReadWriteOnce"
	ReadOnlyMany     = "ReadOnlyMany"
	ReadWriteMany    = "ReadWriteMany"
	ReadWriteOncePod = "ReadWriteOncePod"
)

// Volume binding modes of a StorageClass, the reclaim policy Recycle (Retain
// and Delete are shared with the StatefulSet retention policy), and the
// provisioner that provisions nothing.
const (
	BindingImmediate            = "Immediate"
	BindingWaitForFirstConsumer = "WaitForFirstConsumer"
	RecyclePolicy               = "Recycle"
	NoProvisioner               = "kubernetes.io/no-provisioner"
)

// Annotations of the storage controllers (k8s.io/component-helpers/storage/volume).
const (
	// AnnBindCompleted marks a claim whose binding the PV controller finished.
	AnnBindCompleted = "pv.kubernetes.io/bind-completed"
	// AnnBoundByController marks a binding the PV controller made (not
	// pre-bound by the user).
	AnnBoundByController = "pv.kubernetes.io/bound-by-controller"
	// AnnDynamicallyProvisioned names the provisioner of a volume.
	AnnDynamicallyProvisioned = "pv.kubernetes.io/provisioned-by"
	// AnnStorageProvisioner names the provisioner asked to provision a claim.
	AnnStorageProvisioner = "volume.kubernetes.io/storage-provisioner"
	// AnnDefaultStorageClass marks the cluster's default StorageClass.
	AnnDefaultStorageClass = "storageclass.kubernetes.io/is-default-class"
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

// PersistentVolumeSpec is a volume's capacity, modes, binding, where it can
// be used (nodeAffinity) and what backs it: one of csi (a cloud disk that is
// attached to a node), hostPath (a directory of whichever node the pod runs
// on), local (a disk of one node) and nfs (a network share, never attached).
type PersistentVolumeSpec struct {
	Capacity                      map[string]string   `yaml:"capacity,omitempty" json:"capacity,omitempty"`
	AccessModes                   []string            `yaml:"accessModes,omitempty" json:"accessModes,omitempty"`
	ClaimRef                      *ObjectReference    `yaml:"claimRef,omitempty" json:"claimRef,omitempty"`
	PersistentVolumeReclaimPolicy string              `yaml:"persistentVolumeReclaimPolicy,omitempty" json:"persistentVolumeReclaimPolicy,omitempty"`
	StorageClassName              string              `yaml:"storageClassName,omitempty" json:"storageClassName,omitempty"`
	VolumeMode                    string              `yaml:"volumeMode,omitempty" json:"volumeMode,omitempty"`
	NodeAffinity                  *VolumeNodeAffinity `yaml:"nodeAffinity,omitempty" json:"nodeAffinity,omitempty"`

	CSI      *CSIPersistentVolumeSource `yaml:"csi,omitempty" json:"csi,omitempty"`
	HostPath *HostPathVolumeSource      `yaml:"hostPath,omitempty" json:"hostPath,omitempty"`
	Local    *LocalVolumeSource         `yaml:"local,omitempty" json:"local,omitempty"`
	NFS      *NFSVolumeSource           `yaml:"nfs,omitempty" json:"nfs,omitempty"`
}

// VolumeNodeAffinity is the nodes a volume can be used from.
type VolumeNodeAffinity struct {
	Required *NodeSelector `yaml:"required,omitempty" json:"required,omitempty"`
}

// CSIPersistentVolumeSource is a volume of a CSI driver.
type CSIPersistentVolumeSource struct {
	Driver       string `yaml:"driver" json:"driver"`
	VolumeHandle string `yaml:"volumeHandle" json:"volumeHandle"`
	ReadOnly     bool   `yaml:"readOnly,omitempty" json:"readOnly,omitempty"`
	FSType       string `yaml:"fsType,omitempty" json:"fsType,omitempty"`
}

// HostPathVolumeSource is a directory on the node a pod runs on.
type HostPathVolumeSource struct {
	Path string `yaml:"path" json:"path"`
	Type string `yaml:"type,omitempty" json:"type,omitempty"`
}

// LocalVolumeSource is a disk or directory of one node.
type LocalVolumeSource struct {
	Path   string `yaml:"path" json:"path"`
	FSType string `yaml:"fsType,omitempty" json:"fsType,omitempty"`
}

// NFSVolumeSource is an NFS export.
type NFSVolumeSource struct {
	Server   string `yaml:"server" json:"server"`
	Path     string `yaml:"path" json:"path"`
	ReadOnly bool   `yaml:"readOnly,omitempty" json:"readOnly,omitempty"`
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
	return s.Annotations[AnnDefaultStorageClass] == "true"
}

// WaitForFirstConsumer reports a class whose binding waits for a pod.
func (s *StorageClass) WaitForFirstConsumer() bool {
	return s.VolumeBindingMode != nil && *s.VolumeBindingMode == BindingWaitForFirstConsumer
}

// ClassName is GetPersistentVolumeClaimClass: the claim's storageClassName,
// "" when unset.
func (c *PersistentVolumeClaim) ClassName() string {
	if c.Spec.StorageClassName == nil {
		return ""
	}
	return *c.Spec.StorageClassName
}

// Bound reports a claim bound to a volume.
func (c *PersistentVolumeClaim) Bound() bool {
	return c.Status.Phase == ClaimBound && c.Spec.VolumeName != ""
}

// HasAccessMode reports whether modes holds mode (ContainsAccessMode).
func HasAccessMode(modes []string, mode string) bool {
	for _, m := range modes {
		if m == mode {
			return true
		}
	}
	return false
}

// BoundTo reports whether the volume is bound, or pre-bound, to the claim:
// same namespace and name, and the same UID when the reference has one
// (IsVolumeBoundToClaim).
func (v *PersistentVolume) BoundTo(c *PersistentVolumeClaim) bool {
	r := v.Spec.ClaimRef
	if r == nil || r.Name != c.Name || r.Namespace != c.Namespace {
		return false
	}
	return r.UID == "" || r.UID == c.UID
}

// Zone is the zone of a zonal volume: its topology.kubernetes.io/zone label,
// else the one zone its node affinity requires, else "".
func (v *PersistentVolume) Zone() string {
	if z := v.Labels[LabelZone]; z != "" {
		return z
	}
	if v.Spec.NodeAffinity == nil || v.Spec.NodeAffinity.Required == nil {
		return ""
	}
	zone := ""
	for _, t := range v.Spec.NodeAffinity.Required.NodeSelectorTerms {
		for _, r := range t.MatchExpressions {
			if r.Key != LabelZone || r.Operator != NodeSelectorOpIn || len(r.Values) != 1 || (zone != "" && zone != r.Values[0]) {
				return ""
			}
			zone = r.Values[0]
		}
	}
	return zone
}

// VolumeAttachment is a storage.k8s.io/v1 VolumeAttachment: the attach/detach
// controller's request that a volume be attached to a node, and the
// attacher's answer. It is cluster-scoped.
type VolumeAttachment struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       VolumeAttachmentSpec   `yaml:"spec" json:"spec"`
	Status     VolumeAttachmentStatus `yaml:"-" json:"-"`
}

// VolumeAttachmentSpec names the attacher (the CSI driver), the node and
// the PersistentVolume.
type VolumeAttachmentSpec struct {
	Attacher             string `yaml:"attacher" json:"attacher"`
	NodeName             string `yaml:"nodeName" json:"nodeName"`
	PersistentVolumeName string `yaml:"persistentVolumeName" json:"persistentVolumeName"`
}

// VolumeAttachmentStatus says whether the volume is attached.
type VolumeAttachmentStatus struct {
	Attached bool
}

// GetKind implements Object.
func (*VolumeAttachment) GetKind() string { return KindVolumeAttachment }

// Meta implements Object.
func (a *VolumeAttachment) Meta() *ObjectMeta { return &a.ObjectMeta }
