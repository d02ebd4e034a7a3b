package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"stsim/limits"
)

// Action is what one step does. Each action of the language is its own
// type (Apply, WaitFor, DeletePod, ...); the registry below maps its key in
// a step to its decoder, and the replay runs it with the runner registered
// for its type.
type Action interface {
	// Name is the action's key in a step, such as "deletePod".
	ActionName() string
}

// Step is one scenario step.
type Step struct {
	// Index is the position in spec.steps, -1 for the implicit apply.
	Index int
	// Pos is where the step is written.
	Pos Pos
	// At is an absolute virtual time; otherwise the step runs After the
	// previous step ended.
	At    *time.Duration
	After time.Duration
	// Action is what the step does.
	Action Action
}

// String names the step in findings: "step 3 (deletePod, file.yaml:20:5)".
func (s Step) String() string {
	return fmt.Sprintf("step %d (%s, %s)", s.Index, s.Action.ActionName(), s.Pos)
}

// builder finishes an action once the scenario's manifests are known (a
// step's volume is checked against the workload's volumes).
type builder func(l *loader) (Action, error)

// actionDef is one entry of the action registry.
type actionDef struct {
	name string
	// decode reads the action's value in a step.
	decode func(d *decoder, n *yaml.Node, path string) (builder, error)
}

// action registers a simulated action whose value decodes into R (by its
// yaml tags, strictly) and is then checked and turned into an Action by
// build.
func action[R any](name string, build func(l *loader, r *R, path string) (Action, error)) actionDef {
	return actionDef{name: name, decode: func(d *decoder, n *yaml.Node, path string) (builder, error) {
		r := new(R)
		if err := d.decode(n, reflect.ValueOf(r).Elem(), path); err != nil {
			return nil, err
		}
		return func(l *loader) (Action, error) { return build(l, r, path) }, nil
	}}
}

// actions is the registry of every action of stsim/v1, in the order
// messages list them.
var actions = []actionDef{
	action("apply", buildApply),
	action("waitFor", buildWaitFor),
	action("deletePod", buildDeletePod),
	action("scale", buildScale),
	action("write", buildWrite),
	action("read", buildRead),
	action("resolve", buildResolve),
	action("expect", buildExpect),
	action("patchPod", buildPatchPod),
	action("setImage", buildSetImage),
	action("patch", buildPatch),
	action("rolloutRestart", buildRolloutRestart),
	action("rolloutUndo", buildRolloutUndo),
	action("deleteWorkload", buildDeleteWorkload),
	action("deleteClaim", buildDeleteClaim),
	action("forceDeletePod", buildForceDeletePod),
	action("evictPod", buildEvictPod),
	action("crash", buildCrash),
	action("crashLoop", buildCrashLoop),
	action("readiness", buildReadiness),
	action("nodeFail", buildNodeFail), action("nodeRecover", buildNodeRecover), action("deleteNode", buildDeleteNode),
	action("taintNode", buildTaintNode),
}

func findAction(name string) (actionDef, bool) {
	i := slices.IndexFunc(actions, func(a actionDef) bool { return a.name == name })
	if i < 0 {
		return actionDef{}, false
	}
	return actions[i], true
}

// actionNames lists the registry's names.
func actionNames() string {
	var names []string
	for _, a := range actions {
		names = append(names, a.name)
	}
	return strings.Join(names, ", ")
}

// rawStep is one item of spec.steps as written: its timing and its one
// action, decoded but not yet checked against the workload.
type rawStep struct {
	at, after *duration
	build     builder
	node      *yaml.Node
}

func (s *rawStep) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a mapping with one action, such as {scale: {replicas: 3}}, got %s", describe(n))
	}
	pairs, err := d.pairs(n, path)
	if err != nil {
		return err
	}
	var found []string
	for _, p := range pairs {
		if p.key == "at" || p.key == "after" {
			continue
		}
		if _, ok := findAction(p.key); !ok {
			return d.errorf(p.keyNode, joinPath(path, p.key), "%s", unknownKey(p.key, "at, after or one action: "+actionNames(), append([]string{"at", "after"}, strings.Split(actionNames(), ", ")...)))
		}
		found = append(found, p.key)
	}
	switch len(found) {
	case 0:
		return d.errorf(n, path, "no action; a step has one of %s", actionNames())
	case 1:
	default:
		return d.errorf(n, path, "one action per step, found %s", strings.Join(found, " and "))
	}
	s.node = n
	for _, p := range pairs {
		var err error
		switch p.key {
		case "at":
			s.at = new(duration)
			err = d.decode(p.value, reflect.ValueOf(s.at).Elem(), joinPath(path, p.key))
		case "after":
			s.after = new(duration)
			err = d.decode(p.value, reflect.ValueOf(s.after).Elem(), joinPath(path, p.key))
		default:
			a, _ := findAction(p.key)
			s.build, err = a.decode(d, p.value, joinPath(path, p.key))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// stepEnd is the latest time step st can end, given the latest time the
// step before it ended: its at or after, plus the longest it can wait (a
// waitFor's timeout, a crashLoop's until). Past the horizon it is an error.
func (l *loader) stepEnd(st Step, prev time.Duration, path string) (time.Duration, error) {
	h := l.sc.Limits.Horizon
	over := func(field string, t time.Duration) error {
		return l.errorAt(path+field, "the steps reach past %s of virtual time (stsim's cap; --max-virtual-time raises it): this one can end at %s at the latest", limits.FormatDuration(h), limits.FormatDuration(t))
	}
	// Each value is at most the duration cap (1e9 s), so no single sum
	// below wraps before it is compared with the horizon.
	end, field := prev+st.After, ".after"
	if st.At != nil {
		end, field = max(prev, *st.At), ".at"
	}
	if end > h {
		return 0, over(field, end)
	}
	switch a := st.Action.(type) {
	case *WaitFor:
		if end += a.Timeout; end > h {
			return 0, over("."+a.ActionName()+".timeout", end)
		}
	case *CrashLoop:
		if a.Until > h {
			return 0, over("."+a.ActionName()+".until", a.Until)
		}
	}
	return end, nil
}

// steps turns spec.steps into Steps; the workload must be known.
func (l *loader) steps(raw []rawStep) error {
	if len(raw) > l.sc.Limits.Steps {
		return l.errorAt(fmt.Sprintf("spec.steps[%d]", l.sc.Limits.Steps), "want at most %s (stsim's cap; --max-steps raises it), got %d", limits.Count(l.sc.Limits.Steps, "step"), len(raw))
	}
	hasApply := false
	// end bounds the virtual time when the step ends, so that no sum of
	// at, after and timeout values passes the horizon (or wraps).
	end := time.Duration(0)
	for i, rs := range raw {
		path := fmt.Sprintf("spec.steps[%d]", i)
		if rs.node == nil {
			return l.errorAt(path, "want a mapping with one action, such as {scale: {replicas: 3}}, got nothing")
		}
		st := Step{Index: i, Pos: l.d.pos(rs.node)}
		if rs.at != nil && rs.after != nil {
			return l.errorAt(path+".after", "at and after exclude each other; give one")
		}
		if rs.at != nil {
			at := time.Duration(*rs.at)
			st.At = &at
		}
		if rs.after != nil {
			st.After = time.Duration(*rs.after)
		}
		a, err := rs.build(l)
		if err != nil {
			return err
		}
		st.Action = a
		if end, err = l.stepEnd(st, end, path); err != nil {
			return err
		}
		_, isApply := a.(*Apply)
		hasApply = hasApply || isApply
		l.sc.Steps = append(l.sc.Steps, st)
	}
	if !hasApply {
		zero := time.Duration(0)
		all, err := l.apply(nil, "spec.steps")
		if err != nil {
			return err
		}
		implicit := Step{Index: -1, Pos: l.d.pos(l.d.locate(l.root, "spec.steps")), Action: all, At: &zero}
		l.sc.Steps = append([]Step{implicit}, l.sc.Steps...)
	}
	return nil
}
