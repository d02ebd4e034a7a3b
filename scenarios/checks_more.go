package scenarios

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// TerminatingCheck compares the names of the workload's pods that are
// being deleted with a set of patterns ("*" globs allowed).
type TerminatingCheck struct{ Want []string }

// CheckName implements Check.
func (TerminatingCheck) CheckName() string { return "terminating" }

// StatusFields are the workload status fields a status check may name, in
// the order they are checked.
var StatusFields = []string{"observedGeneration", "replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
	"availableReplicas", "unavailableReplicas", "terminatingReplicas", "collisionCount", "currentRevision", "updateRevision"}

// StatusCheck compares fields and conditions of the workload's status.
type StatusCheck struct {
	// Fields are the fields to compare, in the order of StatusFields.
	Fields []StatusField
	// Conditions are the conditions to compare, by type.
	Conditions []ConditionWant
}

// StatusField is one status field and its wanted value: a number, or for
// currentRevision and updateRevision a revision number or a revision name.
type StatusField struct {
	Name   string
	Number *int64
	Text   *string
}

// ConditionWant is a condition type with its wanted status and, if given,
// reason.
type ConditionWant struct {
	Type, Status, Reason string
}

// CheckName implements Check.
func (StatusCheck) CheckName() string { return "status" }

// rawStatus is a status check as written: each field's value by key.
type rawStatus struct {
	fields     map[string]*yaml.Node
	conditions map[string]struct {
		Status string `yaml:"status"`
		Reason string `yaml:"reason"`
	}
	node *yaml.Node
}

func (r *rawStatus) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a mapping of status fields, such as {readyReplicas: 3}, got %s", describe(n))
	}
	pairs, err := d.pairs(n, path)
	if err != nil {
		return err
	}
	r.fields, r.node = map[string]*yaml.Node{}, n
	for _, p := range pairs {
		switch {
		case p.key == "conditions":
			if err := d.decode(p.value, reflect.ValueOf(&r.conditions).Elem(), joinPath(path, p.key)); err != nil {
				return err
			}
		case slices.Contains(StatusFields, p.key):
			v, err := d.resolve(p.value, joinPath(path, p.key))
			if err != nil {
				return err
			}
			if v.Kind != yaml.ScalarNode {
				want := "a number"
				if p.key == "currentRevision" || p.key == "updateRevision" {
					want = "a revision number or name"
				}
				return d.errorf(v, joinPath(path, p.key), "want %s, got %s", want, describe(v))
			}
			r.fields[p.key] = v
		default:
			return d.errorf(p.keyNode, joinPath(path, p.key), "%s", unknownKey(p.key, "one of "+strings.Join(StatusFields, ", ")+", conditions", append(slices.Clone(StatusFields), "conditions")))
		}
	}
	return nil
}

func buildStatusCheck(l *loader, r *rawStatus, path string) (Check, error) {
	c := StatusCheck{}
	for _, name := range StatusFields {
		v, ok := r.fields[name]
		if !ok {
			continue
		}
		f := StatusField{Name: name}
		var n int64
		err := l.d.decodeScalar(v, reflect.ValueOf(&n).Elem(), path+"."+name)
		switch {
		case err == nil && n >= 0:
			f.Number = &n
		case err == nil:
			return nil, l.d.errorf(v, path+"."+name, "must not be negative, got %d", n)
		case name == "currentRevision" || name == "updateRevision":
			s := v.Value
			f.Text = &s
		default:
			return nil, err
		}
		c.Fields = append(c.Fields, f)
	}
	for _, typ := range slices.Sorted(maps.Keys(r.conditions)) {
		w := r.conditions[typ]
		switch w.Status {
		case "True", "False", "Unknown":
		default:
			return nil, l.errorAt(fmt.Sprintf("%s.conditions[%s].status", path, typ), "want True, False or Unknown, got %q", w.Status)
		}
		c.Conditions = append(c.Conditions, ConditionWant{Type: typ, Status: w.Status, Reason: w.Reason})
	}
	if len(c.Fields)+len(c.Conditions) == 0 {
		return nil, l.d.errorf(r.node, path, "want at least one status field or condition")
	}
	return c, nil
}

// RejectedCheck says whether the API server refused a change since the
// previous expect step (or the start), and, with Message, that one
// refusal's message contains it.
type RejectedCheck struct {
	Want    bool
	Message string
}

// CheckName implements Check.
func (RejectedCheck) CheckName() string { return "rejected" }

// rawRejected is true, false or {message: TEXT}.
type rawRejected RejectedCheck

func (r *rawRejected) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.ScalarNode {
		var b bool
		if err := d.decodeScalar(n, reflect.ValueOf(&b).Elem(), path); err != nil {
			if e := err.(*Error); strings.HasPrefix(e.Msg, "want ") {
				e.Msg = "want true, false or {message: TEXT}, got " + describe(n)
			}
			return err
		}
		*r = rawRejected{Want: b}
		return nil
	}
	var m struct {
		Message string `yaml:"message"`
	}
	if err := d.decodeStruct(n, reflect.ValueOf(&m).Elem(), path); err != nil {
		return err
	}
	if m.Message == "" {
		return d.errorf(n, path+".message", "required: a text the refusal's message contains")
	}
	*r = rawRejected{Want: true, Message: m.Message}
	return nil
}

func buildRejectedCheck(_ *loader, r *rawRejected, _ string) (Check, error) {
	return RejectedCheck(*r), nil
}
