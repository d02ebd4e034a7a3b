package scenarios

import (
	"fmt"
	pathpkg "path"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"stsim/sim/workload"
)

// Expect checks the cluster at one instant; each check is its own type
// (PodsCheck, ReadCheck, ...), run by the replay with the checker registered
// for its type.
type Expect struct {
	// Rules limits the checks to these rule sets (default every one).
	Rules []workload.Rules
	// Checks are the checks in the order of the check registry.
	Checks []Check
}

// ActionName implements Action.
func (*Expect) ActionName() string { return "expect" }

// Check is one check of an expect step.
type Check interface {
	// Name is the check's key in an expect step, such as "podNames".
	CheckName() string
}

// PodsCheck counts the workload's pods that exist and are not terminating.
type PodsCheck struct{ Want int }

// PodNamesCheck compares the names of those pods with a set of patterns
// ("*" globs allowed).
type PodNamesCheck struct{ Want []string }

// ReadyCheck counts the Ready, non-terminating workload pods.
type ReadyCheck struct{ Want int }

// PVCsCheck compares the names of the claims that exist (including ones
// being deleted) with a set.
type PVCsCheck struct{ Want []string }

// ReadCheck reads a key through the target pod and compares the value, or
// checks that it is missing.
type ReadCheck struct {
	Target  Target
	Volume  string
	Key     string
	Value   *string
	Missing bool
}

// ResolveCheck resolves a name and checks the answer: the address of one
// pod (by name or ordinal), a number of addresses, or NXDOMAIN.
type ResolveCheck struct {
	Name      string
	Type      string
	Pod       string
	Ordinal   *int
	Addresses *int
	NXDomain  bool
}

// CheckName implements Check.
func (PodsCheck) CheckName() string { return "pods" }

// CheckName implements Check.
func (PodNamesCheck) CheckName() string { return "podNames" }

// CheckName implements Check.
func (ReadyCheck) CheckName() string { return "ready" }

// CheckName implements Check.
func (PVCsCheck) CheckName() string { return "pvcs" }

// CheckName implements Check.
func (ReadCheck) CheckName() string { return "read" }

// CheckName implements Check.
func (ResolveCheck) CheckName() string { return "resolve" }

// checkDef is one entry of the check registry.
type checkDef struct {
	name string
	// decode reads the check's value in an expect step.
	decode func(d *decoder, n *yaml.Node, path string) (checkBuilder, error)
}

// checkBuilder finishes a check once the scenario's manifests are known.
type checkBuilder func(l *loader) (Check, error)

// check registers a simulated check whose value decodes into R and is then
// checked and turned into a Check by build.
func check[R any](name string, build func(l *loader, r *R, path string) (Check, error)) checkDef {
	return checkDef{name: name, decode: func(d *decoder, n *yaml.Node, path string) (checkBuilder, error) {
		r := new(R)
		if err := d.decode(n, reflect.ValueOf(r).Elem(), path); err != nil {
			return nil, err
		}
		return func(l *loader) (Check, error) { return build(l, r, path) }, nil
	}}
}

// checks is the registry of every expect check of stsim/v1, in the order
// they run.
var checks = []checkDef{
	check("pods", func(l *loader, r *int, path string) (Check, error) {
		if *r < 0 {
			return nil, l.errorAt(path, "must not be negative, got %d", *r)
		}
		return PodsCheck{*r}, nil
	}),
	check("podNames", func(l *loader, r *[]string, path string) (Check, error) {
		if err := l.patterns(*r, path); err != nil {
			return nil, err
		}
		return PodNamesCheck{slices.Clone(*r)}, nil
	}),
	check("ready", func(l *loader, r *int, path string) (Check, error) {
		if *r < 0 {
			return nil, l.errorAt(path, "must not be negative, got %d", *r)
		}
		return ReadyCheck{*r}, nil
	}),
	check("pvcs", func(_ *loader, r *[]string, _ string) (Check, error) { return PVCsCheck{slices.Clone(*r)}, nil }),
	check("read", buildReadCheck),
	check("resolve", buildResolveCheck),
	check("terminating", func(l *loader, r *[]string, path string) (Check, error) {
		if err := l.patterns(*r, path); err != nil {
			return nil, err
		}
		return TerminatingCheck{slices.Clone(*r)}, nil
	}),
	check("status", buildStatusCheck),
	check("rejected", buildRejectedCheck),
}

// patterns checks the name patterns of a podNames or terminating check:
// each is a pod name or a path.Match pattern, which must be well formed
// (a malformed one would match nothing, and the check would fail without
// saying why).
func (l *loader) patterns(ps []string, path string) error {
	for i, p := range ps {
		at := indexPath(path, i)
		if p == "" {
			return l.errorAt(at, "want a pod name or a pattern such as \"web-*\", got an empty string")
		}
		if _, err := pathpkg.Match(p, ""); err != nil {
			return l.errorAt(at, "malformed pattern %q: %v (patterns use *, ? and [...], as Go's path.Match; write \\[ for a literal [)", p, err)
		}
	}
	return nil
}

// checkNames lists the checks, the last two joined by last.
func checkNames(last string) string {
	var names []string
	for _, c := range checks {
		names = append(names, c.name)
	}
	return strings.Join(names[:len(names)-1], ", ") + last + names[len(names)-1]
}

// rawExpect is an expect step as written: its rules and its checks,
// decoded but not yet checked against the workload.
type rawExpect struct {
	rules *words
	// builds holds each given check's builder by key.
	builds map[string]checkBuilder
}

func (e *rawExpect) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a mapping, got %s", describe(n))
	}
	pairs, err := d.pairs(n, path)
	if err != nil {
		return err
	}
	e.builds = map[string]checkBuilder{}
	var given []pair
	for _, p := range pairs {
		if p.key == "rules" {
			if isNull(p.value) {
				continue
			}
			e.rules = new(words)
			if err := d.decode(p.value, reflect.ValueOf(e.rules).Elem(), joinPath(path, p.key)); err != nil {
				return err
			}
			continue
		}
		if !slices.ContainsFunc(checks, func(c checkDef) bool { return c.name == p.key }) {
			return d.errorf(p.keyNode, joinPath(path, p.key), "%s", unknownKey(p.key, "one of rules, "+checkNames(", "), append([]string{"rules"}, strings.Split(checkNames(", "), ", ")...)))
		}
		given = append(given, p)
	}
	for _, p := range given {
		// A check written without a value would check nothing, silently.
		if v, err := d.resolve(p.value, joinPath(path, p.key)); err == nil && isNull(v) {
			return d.errorf(p.keyNode, joinPath(path, p.key), "want a value, got nothing (a check written without one would check nothing; write [] for an empty list)")
		}
		i := slices.IndexFunc(checks, func(c checkDef) bool { return c.name == p.key })
		b, err := checks[i].decode(d, p.value, joinPath(path, p.key))
		if err != nil {
			return err
		}
		e.builds[p.key] = b
	}
	return nil
}

func buildExpect(l *loader, r *rawExpect, path string) (Action, error) {
	e := &Expect{}
	if len(r.builds) == 0 {
		return nil, l.errorAt(path, "want at least one check: %s", checkNames(" or "))
	}
	if r.rules != nil {
		if len(*r.rules) == 0 {
			return nil, l.errorAt(path+".rules", "want %s, %s or both", workload.StatefulSet, workload.Deployment)
		}
		for i, s := range *r.rules {
			at := fmt.Sprintf("%s.rules[%d]", path, i)
			if n := l.d.locate(l.root, path+".rules"); n != nil && n.Kind == yaml.ScalarNode {
				at = path + ".rules"
			}
			rules, err := workload.ParseRules(s)
			if err != nil {
				return nil, l.errorAt(at, "want %s or %s, got %q", workload.StatefulSet, workload.Deployment, s)
			}
			// A step limited to a rule set the scenario does not run would
			// never run: its checks would pass unseen.
			if !slices.Contains(l.sc.Rules, rules) {
				return nil, l.errorAt(at, "the scenario does not run %s rules (spec.rules: %s), so this step would never run; remove it, or add %s to spec.rules",
					rules, rulesList(l.sc.Rules), rules)
			}
			e.Rules = append(e.Rules, rules)
		}
	}
	for _, c := range checks {
		if b, ok := r.builds[c.name]; ok {
			ch, err := b(l)
			if err != nil {
				return nil, err
			}
			e.Checks = append(e.Checks, ch)
		}
	}
	return e, nil
}

// rulesList writes rule sets as spec.rules lists them.
func rulesList(rs []workload.Rules) string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r))
	}
	return strings.Join(out, ", ")
}

// AppliesTo reports whether the checks run under rules.
func (e *Expect) AppliesTo(rules workload.Rules) bool {
	return len(e.Rules) == 0 || slices.Contains(e.Rules, rules)
}

type rawExpectRead struct {
	Target  *rawTarget `yaml:"target"`
	Volume  string     `yaml:"volume"`
	Key     *text      `yaml:"key"`
	Value   *text      `yaml:"value"`
	Missing bool       `yaml:"missing"`
}

func buildReadCheck(l *loader, r *rawExpectRead, path string) (Check, error) {
	t, vol, key, err := l.keyed(r.Target, r.Volume, r.Key, path)
	if err != nil {
		return nil, err
	}
	if (r.Value != nil) == r.Missing {
		return nil, l.errorAt(path, "want value: V or missing: true (exactly one)")
	}
	c := ReadCheck{Target: t, Volume: vol, Key: key, Missing: r.Missing}
	if r.Value != nil {
		v := string(*r.Value)
		c.Value = &v
	}
	return c, nil
}

type rawExpectResolve struct {
	Name      string `yaml:"name"`
	Type      string `yaml:"type"`
	Pod       string `yaml:"pod"`
	Ordinal   *int   `yaml:"ordinal"`
	Addresses *int   `yaml:"addresses"`
	NXDomain  bool   `yaml:"nxdomain"`
}

func buildResolveCheck(l *loader, r *rawExpectResolve, path string) (Check, error) {
	if r.Name == "" {
		return nil, l.errorAt(path+".name", "required")
	}
	typ, err := l.recordType(r.Type, path+".type")
	if err != nil {
		return nil, err
	}
	set := 0
	for _, ok := range []bool{r.Pod != "", r.Ordinal != nil, r.Addresses != nil, r.NXDomain} {
		if ok {
			set++
		}
	}
	switch {
	case set != 1:
		return nil, l.errorAt(path, "want one of pod: NAME, ordinal: N, addresses: N or nxdomain: true")
	case r.Ordinal != nil && *r.Ordinal < 0:
		return nil, l.errorAt(path+".ordinal", "must not be negative, got %d", *r.Ordinal)
	case r.Addresses != nil && *r.Addresses < 0:
		return nil, l.errorAt(path+".addresses", "must not be negative, got %d", *r.Addresses)
	}
	return ResolveCheck{Name: r.Name, Type: typ, Pod: r.Pod, Ordinal: r.Ordinal, Addresses: r.Addresses, NXDomain: r.NXDomain}, nil
}
