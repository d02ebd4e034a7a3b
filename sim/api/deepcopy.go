package api

import (
	"maps"
	"slices"
)

// This file holds the one deep-copy mechanism of the API types: each kind
// has DeepCopy (typed) and DeepCopyObject (the Object interface), built from
// a DeepCopy per nested type. A copy shares no pointer, slice or map with
// its original, so a writer changes its copy and stores it; deepcopy_test.go
// fills every field by reflection and checks that nothing is shared, so a
// new field cannot be forgotten here.

// copyPtr copies the value behind a pointer.
func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// copyEach deep-copies every element of a slice.
func copyEach[T any](s []T, f func(T) T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// DeepCopy copies the metadata.
func (m ObjectMeta) DeepCopy() ObjectMeta {
	m.Labels = maps.Clone(m.Labels)
	m.Annotations = maps.Clone(m.Annotations)
	m.OwnerReferences = slices.Clone(m.OwnerReferences)
	m.Finalizers = slices.Clone(m.Finalizers)
	m.DeletionTimestamp = copyPtr(m.DeletionTimestamp)
	m.DeletionGracePeriodSeconds = copyPtr(m.DeletionGracePeriodSeconds)
	return m
}

// DeepCopy copies the selector.
func (s *LabelSelector) DeepCopy() *LabelSelector {
	if s == nil {
		return nil
	}
	return &LabelSelector{
		MatchLabels: maps.Clone(s.MatchLabels),
		MatchExpressions: copyEach(s.MatchExpressions, func(r LabelSelectorRequirement) LabelSelectorRequirement {
			r.Values = slices.Clone(r.Values)
			return r
		}),
	}
}

// DeepCopy copies the container.
func (c Container) DeepCopy() Container {
	c.Ports = slices.Clone(c.Ports)
	c.VolumeMounts = slices.Clone(c.VolumeMounts)
	c.ReadinessProbe = c.ReadinessProbe.DeepCopy()
	c.LivenessProbe = c.LivenessProbe.DeepCopy()
	c.StartupProbe = c.StartupProbe.DeepCopy()
	c.Resources = c.Resources.DeepCopy()
	return c
}

// DeepCopy copies the requests and limits.
func (r ResourceRequirements) DeepCopy() ResourceRequirements {
	r.Requests = maps.Clone(r.Requests)
	r.Limits = maps.Clone(r.Limits)
	return r
}

// DeepCopy copies the probe.
func (p *Probe) DeepCopy() *Probe {
	if p == nil {
		return nil
	}
	c := *p
	c.HTTPGet = copyPtr(p.HTTPGet)
	c.TCPSocket = copyPtr(p.TCPSocket)
	c.GRPC = copyPtr(p.GRPC)
	if p.Exec != nil {
		c.Exec = &ExecAction{Command: slices.Clone(p.Exec.Command)}
	}
	return &c
}

// DeepCopy copies the volume.
func (v Volume) DeepCopy() Volume {
	v.PersistentVolumeClaim = copyPtr(v.PersistentVolumeClaim)
	v.EmptyDir = copyPtr(v.EmptyDir)
	v.HostPath = copyPtr(v.HostPath)
	if e := v.Ephemeral; e != nil {
		v.Ephemeral = &EphemeralVolumeSource{}
		if t := e.VolumeClaimTemplate; t != nil {
			v.Ephemeral.VolumeClaimTemplate = &PersistentVolumeClaimTemplate{ObjectMeta: t.ObjectMeta.DeepCopy(), Spec: t.Spec.DeepCopy()}
		}
	}
	return v
}

// DeepCopy copies the pod spec.
func (s PodSpec) DeepCopy() PodSpec {
	s.Containers = copyEach(s.Containers, Container.DeepCopy)
	s.Volumes = copyEach(s.Volumes, Volume.DeepCopy)
	s.TerminationGracePeriodSeconds = copyPtr(s.TerminationGracePeriodSeconds)
	s.NodeSelector = maps.Clone(s.NodeSelector)
	s.Tolerations = copyEach(s.Tolerations, func(t Toleration) Toleration {
		t.TolerationSeconds = copyPtr(t.TolerationSeconds)
		return t
	})
	return s
}

// DeepCopy copies the container state.
func (s ContainerState) DeepCopy() ContainerState {
	return ContainerState{Waiting: copyPtr(s.Waiting), Running: copyPtr(s.Running), Terminated: copyPtr(s.Terminated)}
}

// DeepCopy copies the container status.
func (s ContainerStatus) DeepCopy() ContainerStatus {
	s.State = s.State.DeepCopy()
	s.LastTerminationState = s.LastTerminationState.DeepCopy()
	return s
}

// DeepCopy copies the pod status.
func (s PodStatus) DeepCopy() PodStatus {
	s.ContainerStatuses = copyEach(s.ContainerStatuses, ContainerStatus.DeepCopy)
	return s
}

// DeepCopy copies the template.
func (t PodTemplateSpec) DeepCopy() PodTemplateSpec {
	t.ObjectMeta = t.ObjectMeta.DeepCopy()
	t.Spec = t.Spec.DeepCopy()
	return t
}

// DeepCopy copies the pod.
func (p *Pod) DeepCopy() *Pod {
	c := *p
	c.ObjectMeta = p.ObjectMeta.DeepCopy()
	c.Spec = p.Spec.DeepCopy()
	c.Status = p.Status.DeepCopy()
	return &c
}

// DeepCopyObject implements Object.
func (p *Pod) DeepCopyObject() Object { return p.DeepCopy() }

// DeepCopy copies the claim.
func (c *PersistentVolumeClaim) DeepCopy() *PersistentVolumeClaim {
	n := *c
	n.ObjectMeta = c.ObjectMeta.DeepCopy()
	n.Spec = c.Spec.DeepCopy()
	return &n
}

// DeepCopy copies the claim spec.
func (s PersistentVolumeClaimSpec) DeepCopy() PersistentVolumeClaimSpec {
	s.AccessModes = slices.Clone(s.AccessModes)
	s.Resources.Requests = maps.Clone(s.Resources.Requests)
	s.Resources.Limits = maps.Clone(s.Resources.Limits)
	s.StorageClassName = copyPtr(s.StorageClassName)
	s.Selector = s.Selector.DeepCopy()
	return s
}

// DeepCopyObject implements Object.
func (c *PersistentVolumeClaim) DeepCopyObject() Object { return c.DeepCopy() }

// DeepCopy copies the volume.
func (v *PersistentVolume) DeepCopy() *PersistentVolume {
	n := *v
	n.ObjectMeta = v.ObjectMeta.DeepCopy()
	n.Spec.Capacity = maps.Clone(v.Spec.Capacity)
	n.Spec.AccessModes = slices.Clone(v.Spec.AccessModes)
	n.Spec.ClaimRef = copyPtr(v.Spec.ClaimRef)
	if a := v.Spec.NodeAffinity; a != nil {
		n.Spec.NodeAffinity = &VolumeNodeAffinity{Required: a.Required.DeepCopy()}
	}
	n.Spec.CSI = copyPtr(v.Spec.CSI)
	n.Spec.HostPath = copyPtr(v.Spec.HostPath)
	n.Spec.Local = copyPtr(v.Spec.Local)
	n.Spec.NFS = copyPtr(v.Spec.NFS)
	return &n
}

// DeepCopy copies the attachment.
func (a *VolumeAttachment) DeepCopy() *VolumeAttachment {
	n := *a
	n.ObjectMeta = a.ObjectMeta.DeepCopy()
	return &n
}

// DeepCopyObject implements Object.
func (a *VolumeAttachment) DeepCopyObject() Object { return a.DeepCopy() }

// DeepCopyObject implements Object.
func (v *PersistentVolume) DeepCopyObject() Object { return v.DeepCopy() }

// DeepCopy copies the class.
func (s *StorageClass) DeepCopy() *StorageClass {
	n := *s
	n.ObjectMeta = s.ObjectMeta.DeepCopy()
	n.ReclaimPolicy = copyPtr(s.ReclaimPolicy)
	n.VolumeBindingMode = copyPtr(s.VolumeBindingMode)
	return &n
}

// DeepCopyObject implements Object.
func (s *StorageClass) DeepCopyObject() Object { return s.DeepCopy() }

// DeepCopy copies the Service.
func (s *Service) DeepCopy() *Service {
	n := *s
	n.ObjectMeta = s.ObjectMeta.DeepCopy()
	n.Spec.Selector = maps.Clone(s.Spec.Selector)
	n.Spec.Ports = slices.Clone(s.Spec.Ports)
	return &n
}

// DeepCopyObject implements Object.
func (s *Service) DeepCopyObject() Object { return s.DeepCopy() }

// DeepCopy copies the slice.
func (e *EndpointSlice) DeepCopy() *EndpointSlice {
	n := *e
	n.ObjectMeta = e.ObjectMeta.DeepCopy()
	n.Endpoints = slices.Clone(e.Endpoints)
	n.Ports = slices.Clone(e.Ports)
	return &n
}

// DeepCopyObject implements Object.
func (e *EndpointSlice) DeepCopyObject() Object { return e.DeepCopy() }

// DeepCopy copies the node.
func (n *Node) DeepCopy() *Node {
	c := *n
	c.ObjectMeta = n.ObjectMeta.DeepCopy()
	c.Spec.Taints = copyEach(n.Spec.Taints, func(t Taint) Taint {
		t.TimeAdded = copyPtr(t.TimeAdded)
		return t
	})
	c.Status.Conditions = slices.Clone(n.Status.Conditions)
	return &c
}

// DeepCopyObject implements Object.
func (n *Node) DeepCopyObject() Object { return n.DeepCopy() }

// DeepCopy copies the StatefulSet.
func (s *StatefulSet) DeepCopy() *StatefulSet {
	c := *s
	c.ObjectMeta = s.ObjectMeta.DeepCopy()
	sp := &c.Spec
	sp.Replicas = copyPtr(s.Spec.Replicas)
	sp.Selector = s.Spec.Selector.DeepCopy()
	sp.Template = s.Spec.Template.DeepCopy()
	sp.VolumeClaimTemplates = copyEach(s.Spec.VolumeClaimTemplates, func(t PersistentVolumeClaim) PersistentVolumeClaim {
		return *t.DeepCopy()
	})
	if ru := s.Spec.UpdateStrategy.RollingUpdate; ru != nil {
		sp.UpdateStrategy.RollingUpdate = &RollingUpdateStatefulSetStrategy{Partition: copyPtr(ru.Partition),
			MaxUnavailable: copyPtr(ru.MaxUnavailable)}
	}
	sp.RevisionHistoryLimit = copyPtr(s.Spec.RevisionHistoryLimit)
	sp.PersistentVolumeClaimRetentionPolicy = copyPtr(s.Spec.PersistentVolumeClaimRetentionPolicy)
	sp.Ordinals = copyPtr(s.Spec.Ordinals)
	c.Status.CollisionCount = copyPtr(s.Status.CollisionCount)
	return &c
}

// DeepCopyObject implements Object.
func (s *StatefulSet) DeepCopyObject() Object { return s.DeepCopy() }

// DeepCopy copies the Deployment.
func (d *Deployment) DeepCopy() *Deployment {
	c := *d
	c.ObjectMeta = d.ObjectMeta.DeepCopy()
	sp := &c.Spec
	sp.Replicas = copyPtr(d.Spec.Replicas)
	sp.Selector = d.Spec.Selector.DeepCopy()
	sp.Template = d.Spec.Template.DeepCopy()
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		sp.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxUnavailable: copyPtr(ru.MaxUnavailable), MaxSurge: copyPtr(ru.MaxSurge)}
	}
	sp.RevisionHistoryLimit = copyPtr(d.Spec.RevisionHistoryLimit)
	sp.ProgressDeadlineSeconds = copyPtr(d.Spec.ProgressDeadlineSeconds)
	c.Status.Conditions = slices.Clone(d.Status.Conditions)
	c.Status.CollisionCount = copyPtr(d.Status.CollisionCount)
	c.Status.TerminatingReplicas = copyPtr(d.Status.TerminatingReplicas)
	return &c
}

// DeepCopyObject implements Object.
func (d *Deployment) DeepCopyObject() Object { return d.DeepCopy() }

// DeepCopy copies the ReplicaSet.
func (r *ReplicaSet) DeepCopy() *ReplicaSet {
	c := *r
	c.ObjectMeta = r.ObjectMeta.DeepCopy()
	c.Spec.Replicas = copyPtr(r.Spec.Replicas)
	c.Spec.Selector = r.Spec.Selector.DeepCopy()
	c.Spec.Template = r.Spec.Template.DeepCopy()
	c.Status.TerminatingReplicas = copyPtr(r.Status.TerminatingReplicas)
	return &c
}

// DeepCopyObject implements Object.
func (r *ReplicaSet) DeepCopyObject() Object { return r.DeepCopy() }

// DeepCopy copies the revision.
func (r *ControllerRevision) DeepCopy() *ControllerRevision {
	c := *r
	c.ObjectMeta = r.ObjectMeta.DeepCopy()
	c.Template = r.Template.DeepCopy()
	return &c
}

// DeepCopyObject implements Object.
func (r *ControllerRevision) DeepCopyObject() Object { return r.DeepCopy() }
