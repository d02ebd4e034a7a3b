package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"stsim/sim/api"
)

// Actions the simulator runs.
var simulatedActions = []string{"apply", "waitFor", "deletePod", "scale", "write", "read", "resolve", "expect"}

// notSimulatedActions are stsim/v1 actions (DESIGN.md) the simulator does not
// run yet; a scenario using one is rejected rather than half-run.
var notSimulatedActions = []string{"forceDeletePod", "evictPod", "patchPod", "crash", "crashLoop", "readiness",
	"setImage", "patch", "rolloutRestart", "rolloutUndo", "deleteWorkload", "deleteClaim", "nodeFail",
	"nodeRecover", "deleteNode", "taintNode"}

// notSimulatedChecks are expect checks of stsim/v1 not simulated yet.
var notSimulatedChecks = []string{"terminating", "status", "rejected"}

// rawStep is one item of spec.steps as written.
type rawStep struct {
	At        *duration    `yaml:"at"`
	After     *duration    `yaml:"after"`
	Apply     *rawManifest `yaml:"apply"`
	WaitFor   *rawWaitFor  `yaml:"waitFor"`
	DeletePod *rawTargeted `yaml:"deletePod"`
	Scale     *rawScale    `yaml:"scale"`
	Write     *rawWrite    `yaml:"write"`
	Read      *rawRead     `yaml:"read"`
	Resolve   *rawResolve  `yaml:"resolve"`
	Expect    *rawExpect   `yaml:"expect"`

	action string // the one action key
	node   *yaml.Node
}

type rawWaitFor struct {
	RolledOut bool       `yaml:"rolledOut"`
	Ready     *int       `yaml:"ready"`
	PodReady  *rawTarget `yaml:"podReady"`
	Gone      *rawTarget `yaml:"gone"`
	Timeout   *duration  `yaml:"timeout"`
}

type rawTargeted struct {
	Target *rawTarget `yaml:"target"`
}

type rawScale struct {
	Replicas *int32 `yaml:"replicas"`
}

type rawWrite struct {
	Target *rawTarget `yaml:"target"`
	Volume string     `yaml:"volume"`
	Key    *text      `yaml:"key"`
	Value  *text      `yaml:"value"`
}

type rawRead struct {
	Target *rawTarget `yaml:"target"`
	Volume string     `yaml:"volume"`
	Key    *text      `yaml:"key"`
}

type rawResolve struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"`
}

type rawExpect struct {
	Rules    *words            `yaml:"rules"`
	Pods     *int              `yaml:"pods"`
	PodNames *[]string         `yaml:"podNames"`
	Ready    *int              `yaml:"ready"`
	PVCs     *[]string         `yaml:"pvcs"`
	Read     *rawExpectRead    `yaml:"read"`
	Resolve  *rawExpectResolve `yaml:"resolve"`
}

type rawExpectRead struct {
	Target  *rawTarget `yaml:"target"`
	Volume  string     `yaml:"volume"`
	Key     *text      `yaml:"key"`
	Value   *text      `yaml:"value"`
	Missing bool       `yaml:"missing"`
}

type rawExpectResolve struct {
	Name      string `yaml:"name"`
	Type      string `yaml:"type"`
	Pod       string `yaml:"pod"`
	Ordinal   *int   `yaml:"ordinal"`
	Addresses *int   `yaml:"addresses"`
	NXDomain  bool   `yaml:"nxdomain"`
}

func (s *rawStep) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a mapping with one action, such as {scale: {replicas: 3}}, got %s", describe(n))
	}
	pairs, err := d.pairs(n, path)
	if err != nil {
		return err
	}
	var actions []string
	for _, p := range pairs {
		switch {
		case p.key == "at" || p.key == "after":
		case slices.Contains(simulatedActions, p.key):
			actions = append(actions, p.key)
		case slices.Contains(notSimulatedActions, p.key):
			return d.errorf(p.keyNode, joinPath(path, p.key), "action %s is not simulated yet", p.key)
		default:
			return d.errorf(p.keyNode, joinPath(path, p.key), "unknown field; expected at, after or one action: %s",
				strings.Join(slices.Concat(simulatedActions, notSimulatedActions), ", "))
		}
	}
	switch len(actions) {
	case 0:
		return d.errorf(n, path, "no action; a step has one of %s", strings.Join(simulatedActions, ", "))
	case 1:
	default:
		return d.errorf(n, path, "one action per step, found %s", strings.Join(actions, " and "))
	}
	type plain rawStep
	if err := d.decodeStruct(n, reflect.ValueOf((*plain)(s)).Elem(), path); err != nil {
		return err
	}
	s.action, s.node = actions[0], n
	return nil
}

func (e *rawExpect) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind == yaml.MappingNode {
		pairs, err := d.pairs(n, path)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			if slices.Contains(notSimulatedChecks, p.key) {
				return d.errorf(p.keyNode, joinPath(path, p.key), "check %s is not simulated yet", p.key)
			}
		}
	}
	type plain rawExpect
	return d.decodeStruct(n, reflect.ValueOf((*plain)(e)).Elem(), path)
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

// text is any scalar read as a string (a key or value written to a volume).
type text string

func (t *text) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.ScalarNode {
		return d.errorf(n, path, "want a string, got %s", describe(n))
	}
	*t = text(n.Value)
	return nil
}

// steps turns spec.steps into Steps; the workload must be known.
func (l *loader) steps(raw []rawStep) error {
	hasApply := false
	for i, rs := range raw {
		path := fmt.Sprintf("spec.steps[%d]", i)
		if rs.node == nil {
			return l.errorAt(path, "want a mapping with one action, such as {scale: {replicas: 3}}, got nothing")
		}
		st := Step{Index: i, Pos: l.d.pos(rs.node), Action: rs.action}
		if rs.At != nil && rs.After != nil {
			return l.errorAt(path+".after", "at and after exclude each other; give one")
		}
		if rs.At != nil {
			at := time.Duration(*rs.At)
			st.At = &at
		}
		if rs.After != nil {
			st.After = time.Duration(*rs.After)
		}
		var err error
		ap := path + "." + rs.action
		switch rs.action {
		case "apply":
			hasApply = true
			st.Apply, err = l.apply(rs.Apply, ap)
		case "waitFor":
			st.WaitFor, err = l.waitFor(rs.WaitFor, ap)
		case "deletePod":
			var t Target
			t, err = l.target(ptrField(rs.DeletePod, func(r *rawTargeted) *rawTarget { return r.Target }), ap+".target")
			st.Target = &t
		case "scale":
			if rs.Scale == nil || rs.Scale.Replicas == nil {
				return l.errorAt(ap+".replicas", "required")
			}
			if *rs.Scale.Replicas < 0 {
				return l.errorAt(ap+".replicas", "must not be negative, got %d", *rs.Scale.Replicas)
			}
			st.Scale = rs.Scale.Replicas
		case "write":
			st.Write, err = l.write(rs.Write, ap)
		case "read":
			st.Read, err = l.read(rs.Read, ap)
		case "resolve":
			st.Resolve, err = l.resolve(rs.Resolve, ap)
		case "expect":
			st.Expect, err = l.expect(rs.Expect, ap)
		}
		if err != nil {
			return err
		}
		l.sc.Steps = append(l.sc.Steps, st)
	}
	if !hasApply {
		zero := time.Duration(0)
		implicit := Step{Index: -1, Pos: l.d.pos(l.d.locate(l.root, "spec.steps")), Action: "apply", Apply: &Apply{}, At: &zero}
		l.sc.Steps = append([]Step{implicit}, l.sc.Steps...)
	}
	return nil
}

// ptrField reads a field of an optional struct.
func ptrField[S any, F any](s *S, f func(*S) *F) *F {
	if s == nil {
		return nil
	}
	return f(s)
}

func (l *loader) apply(r *rawManifest, path string) (*Apply, error) {
	if r == nil || r.File == "" && r.Inline == nil && r.Patch == nil {
		return &Apply{}, nil
	}
	objs, err := l.entry(*r, path)
	if err != nil {
		return nil, err
	}
	w := l.sc.Workload.Object
	for _, m := range objs {
		if isWorkload(m.Object) && (m.Object.GetKind() != w.GetKind() || m.Object.Meta().Name != w.Meta().Name) {
			return nil, l.manifestError(m, "an apply step may change the workload %s %s, not bring %s %s",
				w.GetKind(), w.Meta().Name, m.Object.GetKind(), m.Object.Meta().Name)
		}
	}
	return &Apply{Objects: objs}, nil
}

func (l *loader) waitFor(r *rawWaitFor, path string) (*WaitFor, error) {
	if r == nil || !r.RolledOut && r.Ready == nil && r.PodReady == nil && r.Gone == nil {
		return nil, l.errorAt(path, "want at least one condition: rolledOut, ready, podReady or gone")
	}
	w := &WaitFor{RolledOut: r.RolledOut, Ready: r.Ready, Timeout: DefaultWaitTimeout}
	if r.Ready != nil && *r.Ready < 0 {
		return nil, l.errorAt(path+".ready", "must not be negative, got %d", *r.Ready)
	}
	for _, c := range []struct {
		key string
		raw *rawTarget
		out **Target
	}{{"podReady", r.PodReady, &w.PodReady}, {"gone", r.Gone, &w.Gone}} {
		if c.raw != nil {
			t, err := l.target(c.raw, path+"."+c.key)
			if err != nil {
				return nil, err
			}
			*c.out = &t
		}
	}
	if r.Timeout != nil {
		if *r.Timeout == 0 {
			return nil, l.errorAt(path+".timeout", "must be positive")
		}
		w.Timeout = time.Duration(*r.Timeout)
	}
	return w, nil
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

// volume checks a volume name against the workload, or picks its only volume.
func (l *loader) volume(name, path string) (string, error) {
	w := l.sc.Workload.Object
	var names []string
	if s, ok := w.(*api.StatefulSet); ok {
		for _, t := range s.Spec.VolumeClaimTemplates {
			names = append(names, t.Name)
		}
	}
	for _, v := range podTemplate(w).Spec.Volumes {
		if !slices.Contains(names, v.Name) {
			names = append(names, v.Name)
		}
	}
	what := w.GetKind() + " " + w.Meta().Name
	switch {
	case name == "" && len(names) == 1:
		return names[0], nil
	case name == "" && len(names) == 0:
		return "", l.errorAt(path, "%s has no volume to use: give it a volumeClaimTemplate or a volume", what)
	case name == "":
		return "", l.errorAt(path+".volume", "required: %s has volumes %s", what, strings.Join(names, ", "))
	case !slices.Contains(names, name):
		has := "none"
		if len(names) > 0 {
			has = strings.Join(names, ", ")
		}
		return "", l.errorAt(path+".volume", "%s has no volume or volumeClaimTemplate %q (it has: %s)", what, name, has)
	}
	return name, nil
}

// podTemplate is the workload's pod template.
func podTemplate(w api.Object) *api.PodTemplateSpec {
	switch o := w.(type) {
	case *api.StatefulSet:
		return &o.Spec.Template
	case *api.Deployment:
		return &o.Spec.Template
	}
	return &api.PodTemplateSpec{}
}

// keyed checks the target, volume and key shared by write and read.
func (l *loader) keyed(rt *rawTarget, volume string, key *text, path string) (Target, string, string, error) {
	t, err := l.target(rt, path+".target")
	if err != nil {
		return t, "", "", err
	}
	if volume, err = l.volume(volume, path); err != nil {
		return t, "", "", err
	}
	if key == nil || *key == "" {
		return t, "", "", l.errorAt(path+".key", "required")
	}
	return t, volume, string(*key), nil
}

func (l *loader) write(r *rawWrite, path string) (*Write, error) {
	if r == nil {
		r = &rawWrite{}
	}
	t, vol, key, err := l.keyed(r.Target, r.Volume, r.Key, path)
	if err != nil {
		return nil, err
	}
	if r.Value == nil {
		return nil, l.errorAt(path+".value", "required")
	}
	return &Write{Target: t, Volume: vol, Key: key, Value: string(*r.Value)}, nil
}

func (l *loader) read(r *rawRead, path string) (*Read, error) {
	if r == nil {
		r = &rawRead{}
	}
	t, vol, key, err := l.keyed(r.Target, r.Volume, r.Key, path)
	if err != nil {
		return nil, err
	}
	return &Read{Target: t, Volume: vol, Key: key}, nil
}

// recordType checks a DNS record type (default A).
func (l *loader) recordType(typ, path string) (string, error) {
	switch typ {
	case "":
		return "A", nil
	case "A", "SRV":
		return typ, nil
	}
	return "", l.errorAt(path, "want A or SRV, got %q", typ)
}

func (l *loader) resolve(r *rawResolve, path string) (*Resolve, error) {
	if r == nil || r.Name == "" {
		return nil, l.errorAt(path+".name", "required")
	}
	typ, err := l.recordType(r.Type, path+".type")
	if err != nil {
		return nil, err
	}
	return &Resolve{Name: r.Name, Type: typ}, nil
}

func (l *loader) expect(r *rawExpect, path string) (*Expect, error) {
	if r == nil || r.Pods == nil && r.PodNames == nil && r.Ready == nil && r.PVCs == nil && r.Read == nil && r.Resolve == nil {
		return nil, l.errorAt(path, "want at least one check: pods, podNames, ready, pvcs, read or resolve")
	}
	e := &Expect{Pods: r.Pods, Ready: r.Ready}
	if r.Rules != nil {
		for i, rules := range *r.Rules {
			if rules != RulesStatefulSet && rules != RulesDeployment {
				return nil, l.errorAt(fmt.Sprintf("%s.rules[%d]", path, i), "want %s or %s, got %q", RulesStatefulSet, RulesDeployment, rules)
			}
		}
		if len(*r.Rules) == 0 {
			return nil, l.errorAt(path+".rules", "want %s, %s or both", RulesStatefulSet, RulesDeployment)
		}
		e.Rules = slices.Clone(*r.Rules)
	}
	for _, c := range []struct {
		key string
		n   *int
	}{{"pods", r.Pods}, {"ready", r.Ready}} {
		if c.n != nil && *c.n < 0 {
			return nil, l.errorAt(path+"."+c.key, "must not be negative, got %d", *c.n)
		}
	}
	if r.PodNames != nil {
		names := slices.Clone(*r.PodNames)
		e.PodNames = &names
	}
	if r.PVCs != nil {
		names := slices.Clone(*r.PVCs)
		e.PVCs = &names
	}
	if rr := r.Read; rr != nil {
		p := path + ".read"
		t, vol, key, err := l.keyed(rr.Target, rr.Volume, rr.Key, p)
		if err != nil {
			return nil, err
		}
		if (rr.Value != nil) == rr.Missing {
			return nil, l.errorAt(p, "want value: V or missing: true (exactly one)")
		}
		e.Read = &ExpectRead{Target: t, Volume: vol, Key: key, Missing: rr.Missing}
		if rr.Value != nil {
			v := string(*rr.Value)
			e.Read.Value = &v
		}
	}
	if rr := r.Resolve; rr != nil {
		p := path + ".resolve"
		if rr.Name == "" {
			return nil, l.errorAt(p+".name", "required")
		}
		typ, err := l.recordType(rr.Type, p+".type")
		if err != nil {
			return nil, err
		}
		set := 0
		for _, ok := range []bool{rr.Pod != "", rr.Ordinal != nil, rr.Addresses != nil, rr.NXDomain} {
			if ok {
				set++
			}
		}
		switch {
		case set != 1:
			return nil, l.errorAt(p, "want one of pod: NAME, ordinal: N, addresses: N or nxdomain: true")
		case rr.Ordinal != nil && *rr.Ordinal < 0:
			return nil, l.errorAt(p+".ordinal", "must not be negative, got %d", *rr.Ordinal)
		case rr.Addresses != nil && *rr.Addresses < 0:
			return nil, l.errorAt(p+".addresses", "must not be negative, got %d", *rr.Addresses)
		}
		e.Resolve = &ExpectResolve{Name: rr.Name, Type: typ, Pod: rr.Pod, Ordinal: rr.Ordinal, Addresses: rr.Addresses, NXDomain: rr.NXDomain}
	}
	return e, nil
}
