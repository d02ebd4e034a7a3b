package scenarios

import (
	"slices"
	"strings"
	"time"

	"stsim/limits"
	"stsim/sim/api"
	"stsim/sim/workload"
)

// This file holds the simulated actions: one type per action and the
// builder that checks what a step wrote and makes the action.

// Apply creates the scenario's manifests, or the ones the step names, as
// `kubectl apply` does: objects that do not exist are created, the
// workload's spec, labels and annotations are replaced.
type Apply struct {
	// Manifests are the objects the step names; nil for all of the
	// scenario's manifests.
	Manifests []Manifest
	// objects is what the step applies under each rule set, converted at
	// load; notes what converting a changed workload did beyond the
	// scenario's own conversion.
	objects map[workload.Rules][]api.Object
	notes   map[workload.Rules][]string
}

// ActionName implements Action.
func (*Apply) ActionName() string { return "apply" }

// Objects lists what the step applies under rules, in manifest order: the
// workload converted to the rule set is followed by the objects its
// conversion adds. The objects are shared: copy one before changing it.
func (a *Apply) Objects(rules workload.Rules) []api.Object { return a.objects[rules] }

// Notes says what converting the step's changed workload to rules did
// that the scenario's conversion of its workload does not already say,
// such as a field dropped because the other kind has none.
func (a *Apply) Notes(rules workload.Rules) []string { return a.notes[rules] }

func buildApply(l *loader, r *rawManifest, path string) (Action, error) {
	return l.apply(r, path)
}

// apply builds an Apply of the manifests of r (nil, or an entry naming
// nothing: all of the scenario's).
func (l *loader) apply(r *rawManifest, path string) (*Apply, error) {
	a := &Apply{objects: map[workload.Rules][]api.Object{}, notes: map[workload.Rules][]string{}}
	manifests := l.sc.Manifests
	if r != nil && (r.File != "" || r.Inline != nil || r.Patch != nil) {
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
		a.Manifests, manifests = objs, objs
	}
	for _, rules := range workload.AllRules {
		var objs []api.Object
		for _, m := range manifests {
			if !isWorkload(m.Object) {
				objs = append(objs, m.Object)
				continue
			}
			v := l.sc.Variant(rules)
			if m.Object != l.sc.Workload.Object {
				// A changed workload is converted here; an invalid one is
				// the API server's to reject when the step runs.
				initial := v.Notes
				v = convert(l.sc, m.Object, rules)
				for _, n := range v.Notes {
					if !slices.Contains(initial, n) {
						a.notes[rules] = append(a.notes[rules], n)
					}
				}
			}
			objs = append(objs, v.Workload)
			objs = append(objs, v.Extra...)
		}
		a.objects[rules] = objs
	}
	return a, nil
}

// WaitFor runs the cluster until every given condition holds, or Timeout
// passes (a finding, not an error).
type WaitFor struct {
	// RolledOut waits as `kubectl rollout status` does.
	RolledOut bool
	// Ready waits for this many Ready, non-terminating workload pods.
	Ready *int
	// PodReady waits for a non-terminating pod of the target to be Ready.
	PodReady *Target
	// Gone waits until the pods the target names when the step starts
	// are gone.
	Gone *Target
	// Timeout bounds the wait (default 10m).
	Timeout time.Duration
}

// ActionName implements Action.
func (*WaitFor) ActionName() string { return "waitFor" }

type rawWaitFor struct {
	RolledOut bool       `yaml:"rolledOut"`
	Ready     *int       `yaml:"ready"`
	PodReady  *rawTarget `yaml:"podReady"`
	Gone      *rawTarget `yaml:"gone"`
	Timeout   *duration  `yaml:"timeout"`
}

func buildWaitFor(l *loader, r *rawWaitFor, path string) (Action, error) {
	if !r.RolledOut && r.Ready == nil && r.PodReady == nil && r.Gone == nil {
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

// DeletePod deletes the target pods gracefully, as `kubectl delete pod` does.
type DeletePod struct {
	Target Target
}

// ActionName implements Action.
func (*DeletePod) ActionName() string { return "deletePod" }

type rawTargeted struct {
	Target *rawTarget `yaml:"target"`
}

func buildDeletePod(l *loader, r *rawTargeted, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	return &DeletePod{Target: t}, nil
}

// Scale sets the workload's spec.replicas, as `kubectl scale` does.
type Scale struct {
	Replicas int32
}

// ActionName implements Action.
func (*Scale) ActionName() string { return "scale" }

type rawScale struct {
	Replicas *int32 `yaml:"replicas"`
}

func buildScale(l *loader, r *rawScale, path string) (Action, error) {
	switch {
	case r.Replicas == nil:
		return nil, l.errorAt(path+".replicas", "required")
	case *r.Replicas < 0:
		return nil, l.errorAt(path+".replicas", "must not be negative, got %d", *r.Replicas)
	case int(*r.Replicas) > l.sc.Limits.Pods:
		return nil, l.errorAt(path+".replicas", "%d is more than the %s a run may create (stsim's cap; --max-pods raises it)", *r.Replicas, limits.Count(l.sc.Limits.Pods, "pod"))
	}
	return &Scale{Replicas: *r.Replicas}, nil
}

// Write is the application in each target pod storing Key=Value on one of
// its volumes.
type Write struct {
	Target Target
	Volume string
	Key    string
	Value  string
}

// ActionName implements Action.
func (*Write) ActionName() string { return "write" }

type rawWrite struct {
	Target *rawTarget `yaml:"target"`
	Volume string     `yaml:"volume"`
	Key    *text      `yaml:"key"`
	Value  *text      `yaml:"value"`
}

func buildWrite(l *loader, r *rawWrite, path string) (Action, error) {
	t, vol, key, err := l.keyed(r.Target, r.Volume, r.Key, path)
	if err != nil {
		return nil, err
	}
	if r.Value == nil {
		return nil, l.errorAt(path+".value", "required")
	}
	return &Write{Target: t, Volume: vol, Key: key, Value: string(*r.Value)}, nil
}

// Read is the application in each target pod reading Key from one of its
// volumes; the report shows what it found and who wrote it.
type Read struct {
	Target Target
	Volume string
	Key    string
}

// ActionName implements Action.
func (*Read) ActionName() string { return "read" }

type rawRead struct {
	Target *rawTarget `yaml:"target"`
	Volume string     `yaml:"volume"`
	Key    *text      `yaml:"key"`
}

func buildRead(l *loader, r *rawRead, path string) (Action, error) {
	t, vol, key, err := l.keyed(r.Target, r.Volume, r.Key, path)
	if err != nil {
		return nil, err
	}
	return &Read{Target: t, Volume: vol, Key: key}, nil
}

// Resolve asks cluster DNS for Name (A or SRV) from a client pod in the
// namespace, with the pod search path.
type Resolve struct {
	Name string
	Type string
}

// ActionName implements Action.
func (*Resolve) ActionName() string { return "resolve" }

type rawResolve struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"`
}

func buildResolve(l *loader, r *rawResolve, path string) (Action, error) {
	if r.Name == "" {
		return nil, l.errorAt(path+".name", "required")
	}
	typ, err := l.recordType(r.Type, path+".type")
	if err != nil {
		return nil, err
	}
	return &Resolve{Name: r.Name, Type: typ}, nil
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

// volume checks a volume name against the workload, or picks its only volume.
func (l *loader) volume(name, path string) (string, error) {
	w := l.sc.Workload.Object
	var names []string
	if s, ok := w.(*api.StatefulSet); ok {
		for _, t := range s.ClaimTemplates() {
			names = append(names, t.Name)
		}
	}
	for _, v := range l.sc.workload().Template(w).Spec.Volumes {
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

// keyed checks the target, volume and key shared by write and read.
func (l *loader) keyed(rt *rawTarget, volume string, key *text, path string) (Target, string, string, error) {
	t, err := l.clientTarget(rt, path+".target")
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
