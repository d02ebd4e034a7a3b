package scenarios

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Target picks workload pods: all of them, one by name, the one in a slot
// (under Deployment rules Ordinal is the slot), those on a node, a seeded
// random choice of N, those whose slot has a role (spec.roles), or, for a
// client's write or read, the pod that answers a DNS name at that instant.
type Target struct {
	All     bool
	Pod     string
	Ordinal *int
	Node    string
	Random  *int
	// Role names a role of spec.roles: the pods whose slots it gives.
	Role string
	// DNS is a name a client pod in the namespace resolves (with the
	// search path) to reach one pod; DNSType is its record type, A or SRV.
	DNS     string
	DNSType string
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
	case t.Role != "":
		return "{role: " + t.Role + "}"
	case t.DNS != "" && t.DNSType == "SRV":
		return "{dns: " + t.DNS + ", type: SRV}"
	case t.DNS != "":
		return "{dns: " + t.DNS + "}"
	}
	return "{}"
}

// targetKinds is what a target may be, for messages.
const targetKinds = "all, {pod: NAME}, {ordinal: N}, {node: NAME}, {random: N}, {role: NAME} or {dns: NAME}"

// rawTarget is "all" or one of {pod}, {ordinal}, {node}, {random}, {role},
// {dns[, type]}.
type rawTarget Target

func (t *rawTarget) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	const want = "want " + targetKinds
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
		Role    string `yaml:"role"`
		DNS     string `yaml:"dns"`
		Type    string `yaml:"type"`
	}
	if err := d.decodeStruct(n, reflect.ValueOf(&p).Elem(), path); err != nil {
		return err
	}
	set := 0
	for _, ok := range []bool{p.Pod != "", p.Ordinal != nil, p.Node != "", p.Random != nil, p.Role != "", p.DNS != ""} {
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
	case p.Type != "" && p.DNS == "":
		return d.errorf(d.locate(n, "type"), joinPath(path, "type"), "a record type goes with a {dns: NAME} target only")
	case p.Type != "" && p.Type != "A" && p.Type != "SRV":
		return d.errorf(d.locate(n, "type"), joinPath(path, "type"), "want A or SRV, got %q", p.Type)
	}
	typ := ""
	if p.DNS != "" {
		typ = cmp.Or(p.Type, "A")
	}
	*t = rawTarget{Pod: p.Pod, Ordinal: p.Ordinal, Node: p.Node, Random: p.Random, Role: p.Role, DNS: p.DNS, DNSType: typ}
	return nil
}

// target checks a target of an action on pods: node names must be cluster
// nodes and roles roles of spec.roles. A {dns: NAME} target is refused:
// only a client's write or read reaches a pod by name (clientTarget).
func (l *loader) target(r *rawTarget, path string) (Target, error) {
	if r != nil && r.DNS != "" {
		return Target{}, l.errorAt(path+".dns", "a {dns: NAME} target is for write and read, which a client does through a name; "+
			"this step acts on pods: use {pod: NAME}, {ordinal: N} or {role: NAME}")
	}
	return l.clientTarget(r, path)
}

// clientTarget checks a target of a write or a read, which may also be a
// {dns: NAME} that a client resolves when the step runs.
func (l *loader) clientTarget(r *rawTarget, path string) (Target, error) {
	if r == nil {
		return Target{}, l.errorAt(path, "required: "+targetKinds)
	}
	t := Target(*r)
	if t.Node != "" && !slices.ContainsFunc(l.sc.Nodes, func(n Node) bool { return n.Name == t.Node }) {
		return Target{}, l.errorAt(path+".node", "no node %q in spec.cluster.nodes", t.Node)
	}
	if t.Role != "" && l.sc.Role(t.Role) == nil {
		if len(l.sc.Roles) == 0 {
			return Target{}, l.errorAt(path+".role", "no role %q: spec.roles gives none", t.Role)
		}
		var names []string
		for _, ro := range l.sc.Roles {
			names = append(names, ro.Name)
		}
		return Target{}, l.errorAt(path+".role", "no role %q in spec.roles (it has: %s)", t.Role, strings.Join(names, ", "))
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
