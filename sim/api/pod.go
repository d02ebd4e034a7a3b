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
	// Tolerations let the pod onto (and keep it on) nodes with matching
	// taints; admission adds the default not-ready and unreachable ones.
	Tolerations []Toleration `yaml:"tolerations,omitempty" json:"tolerations,omitempty"`
}

// Container is one container of a pod.
type Container struct {
	Name            string          `yaml:"name" json:"name"`
	Image           string          `yaml:"image" json:"image"`
	ImagePullPolicy string          `yaml:"imagePullPolicy,omitempty" json:"imagePullPolicy,omitempty"`
	Ports           []ContainerPort `yaml:"ports,omitempty" json:"ports,omitempty"`
	VolumeMounts    []VolumeMount   `yaml:"volumeMounts,omitempty" json:"volumeMounts,omitempty"`
	// Resources: the scheduler checks the cpu and memory requests against
	// the nodes' capacity.
	Resources ResourceRequirements `yaml:"resources,omitempty" json:"resources,omitzero"`
	// Probes: their timing is simulated; what they check (httpGet,
	// tcpSocket, exec, grpc) stands for the application, whose health
	// the scenario gives.
	ReadinessProbe *Probe `yaml:"readinessProbe,omitempty" json:"readinessProbe,omitempty"`
	LivenessProbe  *Probe `yaml:"livenessProbe,omitempty" json:"livenessProbe,omitempty"`
	StartupProbe   *Probe `yaml:"startupProbe,omitempty" json:"startupProbe,omitempty"`
}

// Probe is a container probe: what it checks (one handler) and its timing
// (defaults in SetDefaults_Probe). The handler is kept, not run: the
// scenario says when the application answers.
type Probe struct {
	HTTPGet             *HTTPGetAction   `yaml:"httpGet,omitempty" json:"httpGet,omitempty"`
	TCPSocket           *TCPSocketAction `yaml:"tcpSocket,omitempty" json:"tcpSocket,omitempty"`
	Exec                *ExecAction      `yaml:"exec,omitempty" json:"exec,omitempty"`
	GRPC                *GRPCAction      `yaml:"grpc,omitempty" json:"grpc,omitempty"`
	InitialDelaySeconds int32            `yaml:"initialDelaySeconds,omitempty" json:"initialDelaySeconds,omitempty"`
	TimeoutSeconds      int32            `yaml:"timeoutSeconds,omitempty" json:"timeoutSeconds,omitempty"`
	PeriodSeconds       int32            `yaml:"periodSeconds,omitempty" json:"periodSeconds,omitempty"`
	SuccessThreshold    int32            `yaml:"successThreshold,omitempty" json:"successThreshold,omitempty"`
	FailureThreshold    int32            `yaml:"failureThreshold,omitempty" json:"failureThreshold,omitempty"`
}

// HTTPGetAction is an HTTP GET probe.
type HTTPGetAction struct {
	Path   string      `yaml:"path,omitempty" json:"path,omitempty"`
	Port   IntOrString `yaml:"port" json:"port"`
	Scheme string      `yaml:"scheme,omitempty" json:"scheme,omitempty"`
}

// TCPSocketAction is a TCP connect probe.
type TCPSocketAction struct {
	Port IntOrString `yaml:"port" json:"port"`
}

// ExecAction is a command probe.
type ExecAction struct {
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
}

// GRPCAction is a gRPC health probe.
type GRPCAction struct {
	Port    int32  `yaml:"port" json:"port"`
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
}

// ContainerPort is a port a container exposes.
type ContainerPort struct {
	Name          string `yaml:"name,omitempty" json:"name,omitempty"`
	ContainerPort int32  `yaml:"containerPort" json:"containerPort"`
	// HostPort is validated (1-65535, unique per protocol across the
	// pod's containers) but not simulated: no node port is bound, and the
	// scheduler's NodePorts filter is not run, so the report lists it as
	// not simulated.
	HostPort int32  `yaml:"hostPort,omitempty" json:"hostPort,omitempty" stsim:"validated"`
	Protocol string `yaml:"protocol,omitempty" json:"protocol,omitempty"`
}

// VolumeMount mounts a pod volume into a container.
type VolumeMount struct {
	Name      string `yaml:"name" json:"name"`
	MountPath string `yaml:"mountPath" json:"mountPath"`
	ReadOnly  bool   `yaml:"readOnly,omitempty" json:"readOnly,omitempty"`
}

// Volume is a pod volume: a claim, an emptyDir, a generic ephemeral volume
// (a claim made for the pod and deleted with it) or a hostPath directory.
type Volume struct {
	Name                  string                             `yaml:"name" json:"name"`
	PersistentVolumeClaim *PersistentVolumeClaimVolumeSource `yaml:"persistentVolumeClaim,omitempty" json:"persistentVolumeClaim,omitempty"`
	EmptyDir              *EmptyDirVolumeSource              `yaml:"emptyDir,omitempty" json:"emptyDir,omitempty"`
	Ephemeral             *EphemeralVolumeSource             `yaml:"ephemeral,omitempty" json:"ephemeral,omitempty"`
	HostPath              *HostPathVolumeSource              `yaml:"hostPath,omitempty" json:"hostPath,omitempty"`
}

// EphemeralVolumeSource is a generic ephemeral volume: the ephemeral volume
// controller creates the claim <pod>-<volume> from the template, owned by
// the pod.
type EphemeralVolumeSource struct {
	VolumeClaimTemplate *PersistentVolumeClaimTemplate `yaml:"volumeClaimTemplate,omitempty" json:"volumeClaimTemplate,omitempty"`
}

// PersistentVolumeClaimTemplate is the claim an ephemeral volume makes: its
// labels and annotations, and its spec.
type PersistentVolumeClaimTemplate struct {
	ObjectMeta `yaml:"metadata,omitempty" json:"metadata,omitempty"`
	Spec       PersistentVolumeClaimSpec `yaml:"spec" json:"spec"`
}

// EphemeralClaimName is ephemeral.VolumeClaimName: the claim of a pod's
// generic ephemeral volume is named <pod>-<volume>.
func EphemeralClaimName(pod, volume string) string { return pod + "-" + volume }

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

// ClaimNames lists the claims the pod mounts, in volume order: those its
// volumes name and those of its generic ephemeral volumes.
func (p *Pod) ClaimNames() []string {
	var out []string
	for _, v := range p.Spec.Volumes {
		if n := p.ClaimOf(v); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// ClaimOf is the claim behind one of the pod's volumes, or "".
func (p *Pod) ClaimOf(v Volume) string {
	switch {
	case v.PersistentVolumeClaim != nil:
		return v.PersistentVolumeClaim.ClaimName
	case v.Ephemeral != nil:
		return EphemeralClaimName(p.Name, v.Name)
	}
	return ""
}

// GracePeriod is the pod's termination grace period (default 30s).
func (p *Pod) GracePeriod() time.Duration { return Seconds(p.GracePeriodSeconds()) }

// GracePeriodSeconds is terminationGracePeriodSeconds, default 30.
func (p *Pod) GracePeriodSeconds() int64 {
	if p.Spec.TerminationGracePeriodSeconds == nil {
		return 30
	}
	return *p.Spec.TerminationGracePeriodSeconds
}
