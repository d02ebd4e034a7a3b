package scenarios

import (
	"maps"
	"slices"

	"stsim/sim/api"
)

// Role is a part that the application plays in the pods of some slots, as
// the seed's App1 (the primary, reads and writes) and App2 (a replica,
// reads only) do: spec.roles gives each role its ordinals, or the ordinals
// no other role names. Under Deployment rules the ordinal is the slot.
type Role struct {
	// Name is the role's key in spec.roles, a DNS-1123 label.
	Name string
	// Ordinals are the slots the role holds, ascending; with Others the
	// role holds every slot that no other role names.
	Ordinals []int
	Others   bool
	// ReadOnly makes the application of the role's pods refuse writes:
	// such a write fails, and the report says so.
	ReadOnly bool
}

// Holds says the role holds slot, given every role of the scenario.
func (ro *Role) Holds(slot int, roles []Role) bool {
	if !ro.Others {
		return slices.Contains(ro.Ordinals, slot)
	}
	return !slices.ContainsFunc(roles, func(o Role) bool { return !o.Others && slices.Contains(o.Ordinals, slot) })
}

// Role is the role of spec.roles with this name, or nil.
func (sc *Scenario) Role(name string) *Role {
	i := slices.IndexFunc(sc.Roles, func(ro Role) bool { return ro.Name == name })
	if i < 0 {
		return nil
	}
	return &sc.Roles[i]
}

// RoleOf is the role that holds slot, or nil when none does.
func (sc *Scenario) RoleOf(slot int) *Role {
	for i := range sc.Roles {
		if sc.Roles[i].Holds(slot, sc.Roles) {
			return &sc.Roles[i]
		}
	}
	return nil
}

// rawRole is one entry of spec.roles as written.
type rawRole struct {
	Ordinals []int `yaml:"ordinals"`
	Others   bool  `yaml:"others"`
	ReadOnly bool  `yaml:"readOnly"`
}

// roles checks spec.roles: each role a DNS-1123 label with either a
// non-empty list of distinct, non-negative ordinals or `others: true`; no
// ordinal in two roles; at most one role of the others. Roles are kept
// sorted by name.
func (l *loader) roles(raw map[string]rawRole) error {
	owner := map[int]string{}
	others := ""
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		r, path := raw[name], "spec.roles["+name+"]"
		switch {
		case !api.IsDNS1123Label(name):
			return l.errorAt(path, "a role name must be a DNS-1123 label (lower-case letters, digits and '-'), got %q", name)
		case r.Others && r.Ordinals != nil:
			return l.errorAt(path+".others", "ordinals and others exclude each other; give one")
		case !r.Others && len(r.Ordinals) == 0:
			return l.errorAt(path, "want ordinals: [N, ...] or others: true")
		case r.Others && others != "":
			return l.errorAt(path+".others", "role %s already holds the other ordinals", others)
		case r.Others:
			others = name
		}
		for i, o := range r.Ordinals {
			at := indexPath(path+".ordinals", i)
			switch prev, taken := owner[o]; {
			case o < 0:
				return l.errorAt(at, "must not be negative, got %d", o)
			case taken && prev == name:
				return l.errorAt(at, "ordinal %d is listed twice", o)
			case taken:
				return l.errorAt(at, "ordinal %d already has role %s; a slot has one role", o, prev)
			}
			owner[o] = name
		}
		l.sc.Roles = append(l.sc.Roles, Role{Name: name, Ordinals: slices.Sorted(slices.Values(r.Ordinals)), Others: r.Others, ReadOnly: r.ReadOnly})
	}
	return nil
}
