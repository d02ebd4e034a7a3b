package api

import "strings"

func ptr[T any](v T) *T { return &v }

// SetDefaultsPodSpec applies the core/v1 pod defaults the simulator reads
// (SetDefaults_PodSpec, SetDefaults_Container in pkg/apis/core/v1/defaults.go).
func SetDefaultsPodSpec(s *PodSpec) {
	if s.RestartPolicy == "" {
		s.RestartPolicy = "Always"
	}
	if s.DNSPolicy == "" {
		s.DNSPolicy = "ClusterFirst"
	}
	if s.SchedulerName == "" {
		s.SchedulerName = "default-scheduler"
	}
	if s.TerminationGracePeriodSeconds == nil {
		s.TerminationGracePeriodSeconds = ptr(int64(30))
	}
	for i := range s.Containers {
		c := &s.Containers[i]
		if c.ImagePullPolicy == "" {
			// SetDefaults_Container: Always for :latest or an untagged image.
			c.ImagePullPolicy = "IfNotPresent"
			if imageTag(c.Image) == "latest" || imageTag(c.Image) == "" {
				c.ImagePullPolicy = "Always"
			}
		}
		for j := range c.Ports {
			if c.Ports[j].Protocol == "" {
				c.Ports[j].Protocol = "TCP"
			}
		}
		for _, p := range []*Probe{c.ReadinessProbe, c.LivenessProbe, c.StartupProbe} {
			setDefaultsProbe(p)
		}
	}
}

// setDefaultsProbe is SetDefaults_Probe: timeout 1s, period 10s, success
// threshold 1, failure threshold 3.
func setDefaultsProbe(p *Probe) {
	if p == nil {
		return
	}
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
}

// imageTag is the tag of an image reference ("" when it has a digest or none).
func imageTag(image string) string {
	if strings.Contains(image, "@") {
		return "digest"
	}
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[colon+1:]
	}
	return ""
}

// SetDefaultsStatefulSet applies SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go)
// as of v1.37, where MaxUnavailableStatefulSet is on: OrderedReady,
// RollingUpdate with partition 0 and maxUnavailable 1, one replica, a history
// of 10 and the Retain/Retain claim retention policy.
func SetDefaultsStatefulSet(s *StatefulSet) {
	if s.Namespace == "" {
		s.Namespace = DefaultNamespace
	}
	if s.Spec.PodManagementPolicy == "" {
		s.Spec.PodManagementPolicy = OrderedReadyPodManagement
	}
	if s.Spec.UpdateStrategy.Type == "" {
		s.Spec.UpdateStrategy.Type = RollingUpdateStrategy
		if s.Spec.UpdateStrategy.RollingUpdate == nil {
			s.Spec.UpdateStrategy.RollingUpdate = &RollingUpdateStatefulSetStrategy{}
		}
	}
	if ru := s.Spec.UpdateStrategy.RollingUpdate; s.Spec.UpdateStrategy.Type == RollingUpdateStrategy && ru != nil {
		if ru.Partition == nil {
			ru.Partition = ptr(int32(0))
		}
		if ru.MaxUnavailable == nil {
			ru.MaxUnavailable = FromInt(1)
		}
	}
	if s.Spec.PersistentVolumeClaimRetentionPolicy == nil {
		s.Spec.PersistentVolumeClaimRetentionPolicy = &StatefulSetPersistentVolumeClaimRetentionPolicy{}
	}
	if p := s.Spec.PersistentVolumeClaimRetentionPolicy; p.WhenDeleted == "" {
		p.WhenDeleted = RetainPolicy
	}
	if p := s.Spec.PersistentVolumeClaimRetentionPolicy; p.WhenScaled == "" {
		p.WhenScaled = RetainPolicy
	}
	if s.Spec.Replicas == nil {
		s.Spec.Replicas = ptr(int32(1))
	}
	if s.Spec.RevisionHistoryLimit == nil {
		s.Spec.RevisionHistoryLimit = ptr(int32(10))
	}
	SetDefaultsPodSpec(&s.Spec.Template.Spec)
	for i := range s.Spec.VolumeClaimTemplates {
		SetDefaultsPersistentVolumeClaim(&s.Spec.VolumeClaimTemplates[i])
	}
}

// SetDefaultsDeployment applies SetDefaults_Deployment (pkg/apis/apps/v1/defaults.go):
// one replica, RollingUpdate with maxSurge and maxUnavailable 25%, a history
// of 10 and a progress deadline of 600 seconds.
func SetDefaultsDeployment(d *Deployment) {
	if d.Namespace == "" {
		d.Namespace = DefaultNamespace
	}
	if d.Spec.Replicas == nil {
		d.Spec.Replicas = ptr(int32(1))
	}
	if d.Spec.Strategy.Type == "" {
		d.Spec.Strategy.Type = RollingUpdateStrategy
	}
	if d.Spec.Strategy.Type == RollingUpdateStrategy {
		if d.Spec.Strategy.RollingUpdate == nil {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{}
		}
		if d.Spec.Strategy.RollingUpdate.MaxUnavailable == nil {
			d.Spec.Strategy.RollingUpdate.MaxUnavailable = FromString("25%")
		}
		if d.Spec.Strategy.RollingUpdate.MaxSurge == nil {
			d.Spec.Strategy.RollingUpdate.MaxSurge = FromString("25%")
		}
	}
	if d.Spec.RevisionHistoryLimit == nil {
		d.Spec.RevisionHistoryLimit = ptr(int32(10))
	}
	if d.Spec.ProgressDeadlineSeconds == nil {
		d.Spec.ProgressDeadlineSeconds = ptr(int32(600))
	}
	SetDefaultsPodSpec(&d.Spec.Template.Spec)
}

// SetDefaultsService applies SetDefaults_Service: type ClusterIP, protocol
// TCP, targetPort equal to port.
func SetDefaultsService(s *Service) {
	if s.Namespace == "" {
		s.Namespace = DefaultNamespace
	}
	if s.Spec.Type == "" {
		s.Spec.Type = "ClusterIP"
	}
	if s.Spec.SessionAffinity == "" {
		s.Spec.SessionAffinity = "None"
	}
	for i := range s.Spec.Ports {
		p := &s.Spec.Ports[i]
		if p.Protocol == "" {
			p.Protocol = "TCP"
		}
		if !p.TargetPort.IsString && p.TargetPort.IntVal == 0 {
			p.TargetPort = IntOrString{IntVal: p.Port}
		}
	}
}

// SetDefaultsPersistentVolumeClaim applies SetDefaults_PersistentVolumeClaim
// and SetDefaults_PersistentVolumeClaimSpec: volumeMode Filesystem, phase
// Pending.
func SetDefaultsPersistentVolumeClaim(c *PersistentVolumeClaim) {
	if c.Spec.VolumeMode == "" {
		c.Spec.VolumeMode = "Filesystem"
	}
	if c.Status.Phase == "" {
		c.Status.Phase = ClaimPending
	}
}

// SetDefaultsPersistentVolume applies SetDefaults_PersistentVolume: reclaim
// policy Retain, volumeMode Filesystem, phase Pending (the PersistentVolume
// controller's first sync makes it Available).
func SetDefaultsPersistentVolume(v *PersistentVolume) {
	if v.Spec.PersistentVolumeReclaimPolicy == "" {
		v.Spec.PersistentVolumeReclaimPolicy = RetainPolicy
	}
	if v.Spec.VolumeMode == "" {
		v.Spec.VolumeMode = "Filesystem"
	}
	if v.Status.Phase == "" {
		v.Status.Phase = VolumePending
	}
}

// SetDefaultsStorageClass applies SetDefaults_StorageClass
// (pkg/apis/storage/v1/defaults.go): reclaim policy Delete, volume binding
// mode Immediate.
func SetDefaultsStorageClass(s *StorageClass) {
	if s.ReclaimPolicy == nil {
		s.ReclaimPolicy = ptr(DeletePolicy)
	}
	if s.VolumeBindingMode == nil {
		s.VolumeBindingMode = ptr(BindingImmediate)
	}
}
