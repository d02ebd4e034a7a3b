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

// Taint is a node taint.
type Taint struct {
	Key    string `yaml:"key" json:"key"`
	Value  string `yaml:"value,omitempty" json:"value,omitempty"`
	Effect string `yaml:"effect" json:"effect"`
	// TimeAdded is when a NoExecute taint was added.
	TimeAdded *time.Duration `yaml:"-" json:"-"`
}

// NodeStatus is what the node's kubelet reports.
type NodeStatus struct {
	Capacity   NodeCapacity
	Conditions []NodeCondition
}

// NodeCapacity is what a node can hold.
type NodeCapacity struct {
	Pods int
}

// Node condition types and statuses.
const (
	NodeReady        = "Ready"
	ConditionTrue    = "True"
	ConditionFalse   = "False"
	ConditionUnknown = "Unknown"
)

// NodeCondition is one condition of a node, such as Ready.
type NodeCondition struct {
	Type   string
	Status string
	Reason string
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

// KubeletReady is the Ready condition a healthy kubelet reports at a time.
func KubeletReady(at time.Duration) NodeCondition {
	return NodeCondition{Type: NodeReady, Status: ConditionTrue, Reason: "KubeletReady", LastHeartbeatTime: at, LastTransitionTime: at}
}
