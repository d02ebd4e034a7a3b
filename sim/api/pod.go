package api

import (
	"time"
)

// Pod is a core/v1 Pod.
type Pod struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       PodSpec   `yaml:"spec" json:"spec"`
	Status     PodStatus `yaml:"-" json:"-"`
}

// PodTemplateSpec is the pod template of a workload.
type PodTemplateSpec struct {
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       PodSpec `yaml:"spec" json:"spec"`
}

// PodSpec holds the simulated fields of a pod's spec.
type PodSpec struct {
	Containers                    []Container       `yaml:"containers" json:"containers"`
	Volumes                       []Volume          `yaml:"volumes,omitempty" json:"volumes,omitempty"`
	RestartPolicy                 string            `yaml:"restartPolicy,omitempty" json:"restartPolicy,omitempty"`
	TerminationGracePeriodSeconds *int64            `yaml:"terminationGracePeriodSeconds,omitempty" json:"terminationGracePeriodSeconds,omitempty"`
	DNSPolicy                     string            `yaml:"dnsPolicy,omitempty" json:"dnsPolicy,omitempty"`
	NodeSelector                  map[string]string `yaml:"nodeSelector,omitempty" json:"nodeSelector,omitempty"`
	NodeName                      string            `yaml:"nodeName,omitempty" json:"nodeName,omitempty"`
	Hostname                      string            `yaml:"hostname,omitempty" json:"hostname,omitempty"`
	Subdomain                     string            `yaml:"subdomain,omitempty" json:"subdomain,omitempty"`
	SchedulerName                 string            `yaml:"schedulerName,omitempty" json:"schedulerName,omitempty"`
}

// Container is one container of a pod.
type Container struct {
	Name            string          `yaml:"name" json:"name"`
	Image           string          `yaml:"image" json:"image"`
	ImagePullPolicy string          `yaml:"imagePullPolicy,omitempty" json:"imagePullPolicy,omitempty"`
	Ports           []ContainerPort `yaml:"ports,omitempty" json:"ports,omitempty"`
	VolumeMounts    []VolumeMount   `yaml:"volumeMounts,omitempty" json:"volumeMounts,omitempty"`
}

// ContainerPort is a port a container exposes.
type ContainerPort struct {
	Name          string `yaml:"name,omitempty" json:"name,omitempty"`
	ContainerPort int32  `yaml:"containerPort" json:"containerPort"`
	Protocol      string `yaml:"protocol,omitempty" json:"protocol,omitempty"`
}

// VolumeMount mounts a pod volume into a container.
type VolumeMount struct {
	Name      string `yaml:"name" json:"name"`
	MountPath string `yaml:"mountPath" json:"mountPath"`
	ReadOnly  bool   `yaml:"readOnly,omitempty" json:"readOnly,omitempty"`
}

// Volume is a pod volume: a claim or an emptyDir.
type Volume struct {
	Name                  string                             `yaml:"name" json:"name"`
	PersistentVolumeClaim *PersistentVolumeClaimVolumeSource `yaml:"persistentVolumeClaim,omitempty" json:"persistentVolumeClaim,omitempty"`
	EmptyDir              *EmptyDirVolumeSource              `yaml:"emptyDir,omitempty" json:"emptyDir,omitempty"`
}

// PersistentVolumeClaimVolumeSource names the claim a volume mounts.
type PersistentVolumeClaimVolumeSource struct {
	ClaimName string `yaml:"claimName" json:"claimName"`
	ReadOnly  bool   `yaml:"readOnly,omitempty" json:"readOnly,omitempty"`
}

// EmptyDirVolumeSource is a scratch volume that lives as long as the pod.
type EmptyDirVolumeSource struct {
	Medium    string `yaml:"medium,omitempty" json:"medium,omitempty"`
	SizeLimit string `yaml:"sizeLimit,omitempty" json:"sizeLimit,omitempty"`
}

// Pod phases.
const (
	PodPending   = "Pending"
	PodRunning   = "Running"
	PodSucceeded = "Succeeded"
	PodFailed    = "Failed"
)

// PodStatus is what the kubelet reports.
type PodStatus struct {
	Phase string
	// Reason is a pod-level reason: Unschedulable (the PodScheduled
	// condition's reason) or Evicted.
	Reason string
	// Ready is the Ready condition; ReadySince its lastTransitionTime.
	Ready      bool
	ReadySince time.Duration
	PodIP      string
	// ContainerStatuses has one entry per container of the spec, in order,
	// once the kubelet has seen the pod.
	ContainerStatuses []ContainerStatus
}

// ContainerStatus is the kubelet's view of one container.
type ContainerStatus struct {
	Name  string
	Image string
	// State is what the container does now; LastTerminationState how its
	// previous run ended, if it was restarted.
	State                ContainerState
	LastTerminationState ContainerState
	Ready                bool
	RestartCount         int32
}

// ContainerState is one of waiting, running or terminated (at most one set).
type ContainerState struct {
	Waiting    *ContainerStateWaiting
	Running    *ContainerStateRunning
	Terminated *ContainerStateTerminated
}

// ContainerStateWaiting is a container not running yet, with why
// (ContainerCreating, CrashLoopBackOff).
type ContainerStateWaiting struct {
	Reason  string
	Message string
}

// ContainerStateRunning is a running container.
type ContainerStateRunning struct {
	StartedAt time.Duration
}

// ContainerStateTerminated is a container that exited.
type ContainerStateTerminated struct {
	ExitCode   int32
	Reason     string
	StartedAt  time.Duration
	FinishedAt time.Duration
}

// Restarts sums the containers' restart counts (the RESTARTS column of
// kubectl get pods).
func (p *Pod) Restarts() int32 {
	var n int32
	for _, c := range p.Status.ContainerStatuses {
		n += c.RestartCount
	}
	return n
}

// MaxContainerRestarts is the highest restart count of the pod's
// containers (maxContainerRestarts in pkg/controller/controller_utils.go).
func (p *Pod) MaxContainerRestarts() int32 {
	var n int32
	for _, c := range p.Status.ContainerStatuses {
		n = max(n, c.RestartCount)
	}
	return n
}

// WaitingReason is the pod-level reason, else the first waiting
// container's reason, else "".
func (p *Pod) WaitingReason() string {
	if p.Status.Reason != "" {
		return p.Status.Reason
	}
	for _, c := range p.Status.ContainerStatuses {
		if c.State.Waiting != nil {
			return c.State.Waiting.Reason
		}
	}
	return ""
}

// GetKind implements Object.
func (*Pod) GetKind() string { return KindPod }

// Meta implements Object.
func (p *Pod) Meta() *ObjectMeta { return &p.ObjectMeta }

// IsTerminal reports a Succeeded or Failed pod.
func (p *Pod) IsTerminal() bool {
	return p.Status.Phase == PodSucceeded || p.Status.Phase == PodFailed
}

// IsRunningAndReady is phase Running with the Ready condition true
// (podutil.IsPodReady as used by the StatefulSet controller's isRunningAndReady).
func (p *Pod) IsRunningAndReady() bool { return p.Status.Phase == PodRunning && p.Status.Ready }

// IsAvailable follows podutil.IsPodAvailable: Ready, and Ready for longer than
// minReadySeconds (strictly) unless minReadySeconds is 0.
func (p *Pod) IsAvailable(minReadySeconds int32, now time.Duration) bool {
	if !p.Status.Ready {
		return false
	}
	if minReadySeconds == 0 {
		return true
	}
	return p.Status.ReadySince+time.Duration(minReadySeconds)*time.Second < now
}

// ClaimNames lists the claims the pod mounts, in volume order.
func (p *Pod) ClaimNames() []string {
	var out []string
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			out = append(out, v.PersistentVolumeClaim.ClaimName)
		}
	}
	return out
}

// GracePeriod is the pod's termination grace period (default 30s).
func (p *Pod) GracePeriod() time.Duration {
	if p.Spec.TerminationGracePeriodSeconds == nil {
		return 30 * time.Second
	}
	return time.Duration(*p.Spec.TerminationGracePeriodSeconds) * time.Second
}
