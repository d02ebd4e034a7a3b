package scenarios

import (
	"fmt"
	"reflect"
	"slices"

	"gopkg.in/yaml.v3"
)

// Target picks workload pods: all of them, one by name, the one in a slot
// (under Deployment rules Ordinal is the slot), those on a node, or a
// seeded random choice of N.
type Target struct {
	All     bool
	Pod     string
	Ordinal *int
	Node    string
	Random  *int
}

// String writes the target as a scenario would: "all", "{ordinal: 1}".
func (t Target) String() string {
	switch {
	case t.All:
		return "all"
	case t.Pod != "":
		return "{pod: " + t.Pod + "}"
	case t.Ordinal != nil:
		return fmt.Sprintf("{ordinal: %d}", *t.Ordinal)
	case t.Node != "":
		return "{node: " + t.Node + "}"
	case t.Random != nil:
		return fmt.Sprintf("{random: %d}", *t.Random)
	}
	return "{}"
}

// rawTarget is "all" or one of {pod}, {ordinal}, {node}, {random}.
type rawTarget Target

func (t *rawTarget) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	const want = "want all, {pod: NAME}, {ordinal: N}, {node: NAME} or {random: N}"
	if n.Kind == yaml.ScalarNode {
		if n.Value != "all" {
			return d.errorf(n, path, "%s, got %s", want, describe(n))
		}
		*t = rawTarget{All: true}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "%s, got %s", want, describe(n))
	}
	var p struct {
		Pod     string `yaml:"pod"`
		Ordinal *int   `yaml:"ordinal"`
		Node    string `yaml:"node"`
		Random  *int   `yaml:"random"`
	}
	if err := d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path); err != nil {
		return err
	}
	set := 0
	for _, ok := range []bool{p.Pod != "", p.Ordinal != nil, p.Node != "", p.Random != nil} {
		if ok {
			set++
		}
	}
	switch {
	case set != 1:
		return d.errorf(n, path, "%s (exactly one)", want)
	case p.Ordinal != nil && *p.Ordinal < 0:
		return d.errorf(d.locate(n, "ordinal"), joinPath(path, "ordinal"), "must not be negative, got %d", *p.Ordinal)
	case p.Random != nil && *p.Random < 1:
		return d.errorf(d.locate(n, "random"), joinPath(path, "random"), "want at least 1 pod, got %d", *p.Random)
	}
	*t = rawTarget{Pod: p.Pod, Ordinal: p.Ordinal, Node: p.Node, Random: p.Random}
	return nil
}

// target checks a target; node names must be cluster nodes.
func (l *loader) target(r *rawTarget, path string) (Target, error) {
	if r == nil {
		return Target{}, l.errorAt(path, "required: all, {pod: NAME}, {ordinal: N}, {node: NAME} or {random: N}")
	}
	t := Target(*r)
	if t.Node != "" && !slices.ContainsFunc(l.sc.Nodes, func(n Node) bool { return n.Name == t.Node }) {
		return Target{}, l.errorAt(path+".node", "no node %q in spec.cluster.nodes", t.Node)
	}
	return t, nil
}

// text is any scalar read as a string (a key or value written to a volume).
type text string

func (t *text) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.ScalarNode {
		return d.errorf(n, path, "want a string, got %s", describe(n))
	}
	*t = text(n.Value)
	return nil
}
