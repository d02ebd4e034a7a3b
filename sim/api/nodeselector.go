package api

import (
	"slices"
	"strconv"
)

// NodeSelector is a core/v1 NodeSelector: its terms are ORed.
type NodeSelector struct {
	NodeSelectorTerms []NodeSelectorTerm `yaml:"nodeSelectorTerms" json:"nodeSelectorTerms"`
}

// NodeSelectorTerm ANDs its requirements on node labels (matchExpressions)
// and on node fields (matchFields: only metadata.name).
type NodeSelectorTerm struct {
	MatchExpressions []NodeSelectorRequirement `yaml:"matchExpressions,omitempty" json:"matchExpressions,omitempty"`
	MatchFields      []NodeSelectorRequirement `yaml:"matchFields,omitempty" json:"matchFields,omitempty"`
}

// NodeSelectorRequirement is one requirement: key, operator and values.
type NodeSelectorRequirement struct {
	Key      string   `yaml:"key" json:"key"`
	Operator string   `yaml:"operator" json:"operator"`
	Values   []string `yaml:"values,omitempty" json:"values,omitempty"`
}

// Node selector operators.
const (
	NodeSelectorOpIn           = "In"
	NodeSelectorOpNotIn        = "NotIn"
	NodeSelectorOpExists       = "Exists"
	NodeSelectorOpDoesNotExist = "DoesNotExist"
	NodeSelectorOpGt           = "Gt"
	NodeSelectorOpLt           = "Lt"
)

// Matches is MatchNodeSelectorTerms
// (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): a node matches
// when any term matches; a term with no requirements matches nothing, and a
// selector with no terms matches nothing.
func (s *NodeSelector) Matches(n *Node) bool {
	if s == nil {
		return false
	}
	for _, t := range s.NodeSelectorTerms {
		if t.matches(n) {
			return true
		}
	}
	return false
}

func (t NodeSelectorTerm) matches(n *Node) bool {
	if len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0 {
		return false
	}
	for _, r := range t.MatchExpressions {
		if !r.matches(n.Labels) {
			return false
		}
	}
	for _, r := range t.MatchFields {
		if r.Key != "metadata.name" || !r.matches(map[string]string{"metadata.name": n.Name}) {
			return false
		}
	}
	return true
}

// matches is one requirement against a label set (labels.Requirement.Matches;
// Gt and Lt compare integers).
func (r NodeSelectorRequirement) matches(labels map[string]string) bool {
	v, has := labels[r.Key]
	switch r.Operator {
	case NodeSelectorOpIn:
		return has && slices.Contains(r.Values, v)
	case NodeSelectorOpNotIn:
		return !has || !slices.Contains(r.Values, v)
	case NodeSelectorOpExists:
		return has
	case NodeSelectorOpDoesNotExist:
		return !has
	case NodeSelectorOpGt, NodeSelectorOpLt:
		if !has || len(r.Values) != 1 {
			return false
		}
		a, errA := strconv.ParseInt(v, 10, 64)
		b, errB := strconv.ParseInt(r.Values[0], 10, 64)
		if errA != nil || errB != nil {
			return false
		}
		if r.Operator == NodeSelectorOpGt {
			return a > b
		}
		return a < b
	}
	return false
}

// DeepCopy copies the node selector.
func (s *NodeSelector) DeepCopy() *NodeSelector {
	if s == nil {
		return nil
	}
	copyReqs := func(rs []NodeSelectorRequirement) []NodeSelectorRequirement {
		return copyEach(rs, func(r NodeSelectorRequirement) NodeSelectorRequirement {
			r.Values = slices.Clone(r.Values)
			return r
		})
	}
	return &NodeSelector{NodeSelectorTerms: copyEach(s.NodeSelectorTerms, func(t NodeSelectorTerm) NodeSelectorTerm {
		return NodeSelectorTerm{MatchExpressions: copyReqs(t.MatchExpressions), MatchFields: copyReqs(t.MatchFields)}
	})}
}
