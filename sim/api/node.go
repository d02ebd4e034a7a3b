package api

import "time"

// Node is a core/v1 Node: its taints and schedulability, what it can hold
// and the conditions its kubelet reports.
type Node struct {
	TypeMeta   `yaml:",inline" json:",inline"`
	ObjectMeta `yaml:"metadata" json:"metadata"`
	Spec       NodeSpec   `yaml:"spec" json:"spec"`
	Status     NodeStatus `yaml:"-" json:"-"`
}

// NodeSpec holds the simulated fields of a node's spec.
type NodeSpec struct {
	// Unschedulable is set by `kubectl cordon`.
	Unschedulable bool `yaml:"unschedulable,omitempty" json:"unschedulable,omitempty"`
	// Taints repel pods that do not tolerate them.
	Taints []Taint `yaml:"taints,omitempty" json:"taints,omitempty"`
}

// Taint effects.
const (
	TaintNoSchedule       = "NoSchedule"
	TaintPreferNoSchedule = "PreferNoSchedule"
	TaintNoExecute        = "NoExecute"
)

// Well-known taint keys (k8s.io/api/core/v1 well_known_taints.go).
const (
	// TaintNodeNotReady: the node's Ready condition is False.
	TaintNodeNotReady = "node.kubernetes.io/not-ready"
	// TaintNodeUnreachable: the node's Ready condition is Unknown (its
	// kubelet stopped posting status).
	TaintNodeUnreachable = "node.kubernetes.io/unreachable"
	// TaintNodeUnschedulable: the node is cordoned.
	TaintNodeUnschedulable = "node.kubernetes.io/unschedulable"
	// TaintNodeOutOfService: an administrator says the node is shut down
	// for good (non-graceful node shutdown).
	TaintNodeOutOfService = "node.kubernetes.io/out-of-service"
	// The pressure taints follow the pressure conditions.
	TaintNodeMemoryPressure = "node.kubernetes.io/memory-pressure"
	TaintNodeDiskPressure   = "node.kubernetes.io/disk-pressure"
	TaintNodePIDPressure    = "node.kubernetes.io/pid-pressure"
)

// Taint is a node taint.
type Taint struct {
	Key    string `yaml:"key" json:"key"`
	Value  string `yaml:"value,omitempty" json:"value,omitempty"`
	Effect string `yaml:"effect" json:"effect"`
	// TimeAdded is when a NoExecute taint was added.
	TimeAdded *time.Duration `yaml:"-" json:"-"`
}

// MatchTaint reports the same key and effect (Taint.MatchTaint: the value
// and the time added do not matter).
func (t Taint) MatchTaint(o Taint) bool { return t.Key == o.Key && t.Effect == o.Effect }

// Toleration operators.
const (
	TolerationOpEqual  = "Equal"
	TolerationOpExists = "Exists"
)

// Toleration lets a pod be scheduled on, or stay on, a node with a
// matching taint.
type Toleration struct {
	Key string `yaml:"key,omitempty" json:"key,omitempty"`
	// Operator is Equal (the default, written "") or Exists.
	Operator string `yaml:"operator,omitempty" json:"operator,omitempty"`
	Value    string `yaml:"value,omitempty" json:"value,omitempty"`
	// Effect is the effect it tolerates; "" tolerates every effect.
	Effect string `yaml:"effect,omitempty" json:"effect,omitempty"`
	// TolerationSeconds is how long a NoExecute taint is tolerated before
	// the pod is evicted; nil tolerates it for ever.
	TolerationSeconds *int64 `yaml:"tolerationSeconds,omitempty" json:"tolerationSeconds,omitempty"`
}

// ToleratesTaint follows Toleration.ToleratesTaint (k8s.io/api/core/v1
// toleration.go): the effect matches or is empty, the key matches or is
// empty, and Exists matches any value while Equal ("") needs the same one.
func (t Toleration) ToleratesTaint(taint Taint) bool {
	if t.Effect != "" && t.Effect != taint.Effect {
		return false
	}
	if t.Key != "" && t.Key != taint.Key {
		return false
	}
	switch t.Operator {
	case "", TolerationOpEqual:
		return t.Value == taint.Value
	case TolerationOpExists:
		return true
	}
	return false
}

// TolerationsTolerateTaint reports some toleration tolerates the taint
// (v1helper.TolerationsTolerateTaint).
func TolerationsTolerateTaint(tolerations []Toleration, taint Taint) bool {
	for _, t := range tolerations {
		if t.ToleratesTaint(taint) {
			return true
		}
	}
	return false
}

// FindMatchingUntoleratedTaint returns the first taint, in the node's
// order, that passes filter and that no toleration tolerates
// (v1helper.FindMatchingUntoleratedTaint).
func FindMatchingUntoleratedTaint(taints []Taint, tolerations []Toleration, filter func(Taint) bool) (Taint, bool) {
	for _, taint := range taints {
		if filter != nil && !filter(taint) {
			continue
		}
		if !TolerationsTolerateTaint(tolerations, taint) {
			return taint, true
		}
	}
	return Taint{}, false
}

// GetMatchingTolerations reports whether every taint is tolerated and, if
// so, the first toleration that tolerates each one
// (v1helper.GetMatchingTolerations).
func GetMatchingTolerations(taints []Taint, tolerations []Toleration) (bool, []Toleration) {
	if len(taints) == 0 {
		return true, nil
	}
	var used []Toleration
	for _, taint := range taints {
		found := false
		for _, t := range tolerations {
			if t.ToleratesTaint(taint) {
				used = append(used, t)
				found = true
				break
			}
		}
		if !found {
			return false, nil
		}
	}
	return true, used
}

// NodeStatus is what the node's kubelet reports.
type NodeStatus struct {
	Capacity   NodeCapacity
	Conditions []NodeCondition
	// Lease stands for the node's heartbeat, the Lease the kubelet renews
	// in kube-node-lease every 10s.
	Lease NodeLease
}

// NodeLease is the node's heartbeat Lease, folded into the Node. stsim
// does not write each renewal: while Stopped is false the kubelet renews
// it every 10s and it counts as just renewed. A node failure stops the
// renewals: RenewTime is then the last one (the failure's time), and a
// recovery starts them again.
type NodeLease struct {
	RenewTime time.Duration
	Stopped   bool
}

// NodeCapacity is what a node can hold (its allocatable resources: stsim
// reserves nothing for the system).
type NodeCapacity struct {
	Pods int
	// MilliCPU and Memory (bytes) are the node's cpu and memory; 0 means
	// the scenario gave none, and requests are not checked against it.
	MilliCPU int64
	Memory   int64
}

// Node condition types and statuses.
const (
	NodeReady          = "Ready"
	NodeMemoryPressure = "MemoryPressure"
	NodeDiskPressure   = "DiskPressure"
	NodePIDPressure    = "PIDPressure"
	ConditionTrue      = "True"
	ConditionFalse     = "False"
	ConditionUnknown   = "Unknown"
)

// NodeCondition is one condition of a node, such as Ready.
type NodeCondition struct {
	Type    string
	Status  string
	Reason  string
	Message string
	// LastHeartbeatTime is when the kubelet last reported the condition;
	// LastTransitionTime when its status last changed.
	LastHeartbeatTime  time.Duration
	LastTransitionTime time.Duration
}

// GetKind implements Object.
func (*Node) GetKind() string { return KindNode }

// Meta implements Object.
func (n *Node) Meta() *ObjectMeta { return &n.ObjectMeta }

// Condition returns the condition of a type, or nil.
func (n *Node) Condition(typ string) *NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == typ {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// Ready reports the Ready condition is True (nodeutil.IsNodeReady).
func (n *Node) Ready() bool {
	c := n.Condition(NodeReady)
	return c != nil && c.Status == ConditionTrue
}

// ReadyStatus is the status of the Ready condition, or "" without one.
func (n *Node) ReadyStatus() string {
	if c := n.Condition(NodeReady); c != nil {
		return c.Status
	}
	return ""
}

// KubeletReady is the Ready condition a healthy kubelet reports at a time.
func KubeletReady(at time.Duration) NodeCondition {
	return NodeCondition{Type: NodeReady, Status: ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status",
		LastHeartbeatTime: at, LastTransitionTime: at}
}

// KubeletConditions are the conditions a healthy kubelet reports at a
// time (setNodeReadyCondition and the pressure setters in
// pkg/kubelet/nodestatus/setters.go): Ready, and no memory, disk or PID
// pressure.
func KubeletConditions(at time.Duration) []NodeCondition {
	return []NodeCondition{
		{Type: NodeMemoryPressure, Status: ConditionFalse, Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available",
			LastHeartbeatTime: at, LastTransitionTime: at},
		{Type: NodeDiskPressure, Status: ConditionFalse, Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure",
			LastHeartbeatTime: at, LastTransitionTime: at},
		{Type: NodePIDPressure, Status: ConditionFalse, Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available",
			LastHeartbeatTime: at, LastTransitionTime: at},
		KubeletReady(at),
	}
}

// HasTaint reports a taint with that key and effect.
func (n *Node) HasTaint(key, effect string) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key && t.Effect == effect {
			return true
		}
	}
	return false
}

// HasTaintKey reports a taint with that key, whatever its effect
// (taints.TaintKeyExists).
func (n *Node) HasTaintKey(key string) bool {
	for _, t := range n.Spec.Taints {
		if t.Key == key {
			return true
		}
	}
	return false
}
