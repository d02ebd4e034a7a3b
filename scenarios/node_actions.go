package scenarios

import (
	"strings"

	"stsim/sim/api"
)

// This file holds the actions that happen to nodes: a failure (a crash or
// a network partition), a recovery, the deletion of a Node object, and a
// taint.

// Failure modes of nodeFail.
const (
	// NodeCrash: the machine goes down; its kubelet and containers stop.
	NodeCrash = "crash"
	// NodePartition: the machine runs on, cut off from the API server.
	NodePartition = "partition"
)

// NodeFail makes a node fail: it stops sending heartbeats, so the node
// lifecycle controller marks it unreachable after the grace period, and
// its pods are evicted once their toleration of the unreachable taint
// runs out. With Mode crash its containers stop; with partition they run
// on, and their application keeps writing to its volumes.
type NodeFail struct {
	Node string
	Mode string
}

// ActionName implements Action.
func (*NodeFail) ActionName() string { return "nodeFail" }

type rawNodeFail struct {
	Node *string `yaml:"node"`
	Mode string  `yaml:"mode"`
}

func buildNodeFail(l *loader, r *rawNodeFail, path string) (Action, error) {
	node, err := l.node(r.Node, path)
	if err != nil {
		return nil, err
	}
	switch r.Mode {
	case "":
		return &NodeFail{Node: node, Mode: NodeCrash}, nil
	case NodeCrash, NodePartition:
		return &NodeFail{Node: node, Mode: r.Mode}, nil
	}
	return nil, l.errorAt(path+".mode", "want crash or partition, got %q", r.Mode)
}

// NodeRecover brings a failed node back: a crashed machine starts again
// (its kubelet registers the Node again if it was deleted), a cut-off one
// reconnects. Its kubelet posts Ready again, finishes the deletions asked
// for meanwhile and kills the pods whose objects are gone; the node
// lifecycle controller removes its taints.
type NodeRecover struct {
	Node string
}

// ActionName implements Action.
func (*NodeRecover) ActionName() string { return "nodeRecover" }

type rawNodeOnly struct {
	Node *string `yaml:"node"`
}

func buildNodeRecover(l *loader, r *rawNodeOnly, path string) (Action, error) {
	node, err := l.node(r.Node, path)
	if err != nil {
		return nil, err
	}
	return &NodeRecover{Node: node}, nil
}

// DeleteNode deletes a Node object, as `kubectl delete node` does; the pod
// garbage collector then force-deletes the pods bound to it.
type DeleteNode struct {
	Node string
}

// ActionName implements Action.
func (*DeleteNode) ActionName() string { return "deleteNode" }

func buildDeleteNode(l *loader, r *rawNodeOnly, path string) (Action, error) {
	node, err := l.node(r.Node, path)
	if err != nil {
		return nil, err
	}
	return &DeleteNode{Node: node}, nil
}

// TaintNode adds a taint to a node, as `kubectl taint nodes NODE
// KEY=VALUE:EFFECT` does. The taint node.kubernetes.io/out-of-service
// marks a node as shut down for good (non-graceful node shutdown).
type TaintNode struct {
	Node   string
	Key    string
	Value  string
	Effect string
}

// ActionName implements Action.
func (*TaintNode) ActionName() string { return "taintNode" }

type rawTaintNode struct {
	Node   *string `yaml:"node"`
	Key    string  `yaml:"key"`
	Value  string  `yaml:"value"`
	Effect string  `yaml:"effect"`
}

func buildTaintNode(l *loader, r *rawTaintNode, path string) (Action, error) {
	node, err := l.node(r.Node, path)
	if err != nil {
		return nil, err
	}
	if r.Key == "" {
		return nil, l.errorAt(path+".key", "required: the taint's key, such as %s", api.TaintNodeOutOfService)
	}
	if msg := api.QualifiedNameError(r.Key); msg != "" {
		return nil, l.errorAt(path+".key", "invalid taint key %q: %s", r.Key, msg)
	}
	if !api.IsLabelValue(r.Value) {
		return nil, l.errorAt(path+".value", "invalid taint value %q: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit", r.Value)
	}
	switch r.Effect {
	case api.TaintNoSchedule, api.TaintPreferNoSchedule, api.TaintNoExecute:
	case "":
		return nil, l.errorAt(path+".effect", "required: NoSchedule, PreferNoSchedule or NoExecute")
	default:
		return nil, l.errorAt(path+".effect", "want NoSchedule, PreferNoSchedule or NoExecute, got %q", r.Effect)
	}
	return &TaintNode{Node: node, Key: r.Key, Value: r.Value, Effect: r.Effect}, nil
}

// node checks that a step's node names a node of spec.cluster.nodes.
func (l *loader) node(name *string, path string) (string, error) {
	var names []string
	for _, n := range l.sc.Nodes {
		names = append(names, n.Name)
	}
	if name == nil || *name == "" {
		return "", l.errorAt(path+".node", "required: a node of spec.cluster.nodes (%s)", strings.Join(names, ", "))
	}
	for _, n := range names {
		if n == *name {
			return n, nil
		}
	}
	return "", l.errorAt(path+".node", "want a node of spec.cluster.nodes (%s), got %q", strings.Join(names, ", "), *name)
}
