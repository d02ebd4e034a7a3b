package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"stsim/sim/api"
)

// This file holds the actions that change the workload or its objects
// after it was applied, as kubectl's commands do.

// SetImage sets the image of one container of the workload's pod template,
// as `kubectl set image` does.
type SetImage struct {
	// Container names the container; the first one when empty.
	Container string
	Image     string
}

// ActionName implements Action.
func (*SetImage) ActionName() string { return "setImage" }

type rawSetImage struct {
	Image     string `yaml:"image"`
	Container string `yaml:"container"`
}

func buildSetImage(l *loader, r *rawSetImage, path string) (Action, error) {
	if r.Image == "" {
		return nil, l.errorAt(path+".image", "required")
	}
	var names []string
	for _, c := range l.sc.workload().Template(l.sc.Workload.Object).Spec.Containers {
		names = append(names, c.Name)
	}
	if r.Container != "" && !slices.Contains(names, r.Container) {
		return nil, l.errorAt(path+".container", "the pod template has no container %q (it has: %s)", r.Container, strings.Join(names, ", "))
	}
	return &SetImage{Container: r.Container, Image: r.Image}, nil
}

// Patch changes the workload object as `kubectl patch` does: a strategic
// merge patch (the default) or a JSON merge patch (RFC 7386).
type Patch struct {
	// Strategic is set for a strategic merge patch, else a JSON merge patch.
	Strategic bool
	// Value is the patch document.
	Value *yaml.Node
	file  string
}

// ActionName implements Action.
func (*Patch) ActionName() string { return "patch" }

// rawPatch is the patch document itself (strategic), or {merge: DOC} or
// {strategic: DOC}.
type rawPatch struct {
	node *yaml.Node
}

func (r *rawPatch) decodeYAML(d *decoder, n *yaml.Node, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, path, "want a patch mapping, such as {spec: {replicas: 3}}, {merge: {...}} or {strategic: {...}}, got %s", describe(n))
	}
	r.node = n
	return nil
}

func buildPatch(l *loader, r *rawPatch, path string) (Action, error) {
	p := &Patch{Strategic: true, Value: r.node, file: l.name}
	pairs, err := l.d.pairs(r.node, path)
	if err != nil {
		return nil, err
	}
	if len(pairs) == 1 && (pairs[0].key == "merge" || pairs[0].key == "strategic") {
		p.Strategic = pairs[0].key == "strategic"
		v, err := l.d.resolve(pairs[0].value, path+"."+pairs[0].key)
		if err != nil {
			return nil, err
		}
		if v.Kind != yaml.MappingNode {
			return nil, l.d.errorf(v, path+"."+pairs[0].key, "want a patch mapping, got %s", describe(v))
		}
		p.Value = v
	}
	// A dry run on the workload as written: a field its kind does not have
	// is an error, as kubectl's strict field validation makes it.
	w := l.sc.Workload.Object
	_, unknown, err := p.apply(w, l.d)
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		return nil, &Error{Pos: unknown[0].Pos, Path: path + "." + unknown[0].Path, Msg: fmt.Sprintf("%s %s has no such field", w.GetKind(), w.Meta().Name)}
	}
	return p, nil
}

// Apply returns obj patched, and the paths of patch fields the object's
// kind does not have (they are dropped, as under the rule set the
// workload was not written for).
func (p *Patch) Apply(obj api.Object) (api.Object, []string, error) {
	out, unknown, err := p.apply(obj, newDecoder(p.file, true))
	var paths []string
	for _, u := range unknown {
		paths = append(paths, u.Path)
	}
	return out, paths, err
}

func (p *Patch) apply(obj api.Object, d *decoder) (api.Object, []unknownField, error) {
	target, err := toNode(obj)
	if err != nil {
		return nil, nil, err
	}
	var patched *yaml.Node
	if p.Strategic {
		patched, err = strategicMerge(d, target, p.Value, "")
	} else {
		patched, err = mergePatch(d, target, p.Value, "", nil)
	}
	if err != nil {
		return nil, nil, err
	}
	md := newDecoder(p.file, true)
	out := reflect.New(reflect.TypeOf(obj).Elem()).Interface().(api.Object)
	if err := md.decode(patched, reflect.ValueOf(out).Elem(), ""); err != nil {
		return nil, nil, err
	}
	return out, md.unknown, nil
}

// toNode is obj as a YAML tree of its manifest fields.
func toNode(obj api.Object) (*yaml.Node, error) {
	b, err := yaml.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %s %s: %w", obj.GetKind(), obj.Meta().Name, err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	return n.Content[0], nil
}

// RolloutRestart restarts the workload's pods, as `kubectl rollout
// restart` does: the pod template gets the annotation
// kubectl.kubernetes.io/restartedAt with the current time.
type RolloutRestart struct{}

// ActionName implements Action.
func (*RolloutRestart) ActionName() string { return "rolloutRestart" }

func buildRolloutRestart(*loader, *struct{}, string) (Action, error) { return &RolloutRestart{}, nil }

// RolloutUndo rolls the workload's template back, as `kubectl rollout
// undo` does: to the revision before the current one, or to ToRevision.
type RolloutUndo struct {
	// ToRevision is a revision number; 0 means the previous revision.
	ToRevision int64
}

// ActionName implements Action.
func (*RolloutUndo) ActionName() string { return "rolloutUndo" }

type rawRolloutUndo struct {
	ToRevision *int64 `yaml:"toRevision"`
}

func buildRolloutUndo(l *loader, r *rawRolloutUndo, path string) (Action, error) {
	u := &RolloutUndo{}
	if r.ToRevision != nil {
		if *r.ToRevision < 1 {
			return nil, l.errorAt(path+".toRevision", "want a revision number of at least 1, got %d", *r.ToRevision)
		}
		u.ToRevision = *r.ToRevision
	}
	return u, nil
}

// Cascade values of deleteWorkload (kubectl delete --cascade).
const (
	CascadeBackground = "background"
	CascadeForeground = "foreground"
	CascadeOrphan     = "orphan"
)

// DeleteWorkload deletes the workload object, as `kubectl delete
// --cascade=...` does: its dependents are deleted by the garbage collector
// after it (background), before it (foreground), or kept (orphan).
type DeleteWorkload struct {
	Cascade string
}

// ActionName implements Action.
func (*DeleteWorkload) ActionName() string { return "deleteWorkload" }

type rawDeleteWorkload struct {
	Cascade string `yaml:"cascade"`
}

func buildDeleteWorkload(l *loader, r *rawDeleteWorkload, path string) (Action, error) {
	switch r.Cascade {
	case "":
		return &DeleteWorkload{Cascade: CascadeBackground}, nil
	case CascadeBackground, CascadeForeground, CascadeOrphan:
		return &DeleteWorkload{Cascade: r.Cascade}, nil
	}
	return nil, l.errorAt(path+".cascade", "want background, foreground or orphan, got %q", r.Cascade)
}

// DeleteClaim deletes PersistentVolumeClaims, as `kubectl delete pvc`
// does: one by name, or the claims the target pods mount for a volume.
type DeleteClaim struct {
	Name   string
	Target *Target
	Volume string
}

// ActionName implements Action.
func (*DeleteClaim) ActionName() string { return "deleteClaim" }

type rawDeleteClaim struct {
	Name   string     `yaml:"name"`
	Target *rawTarget `yaml:"target"`
	Volume string     `yaml:"volume"`
}

func buildDeleteClaim(l *loader, r *rawDeleteClaim, path string) (Action, error) {
	switch {
	case r.Name != "" && r.Target != nil:
		return nil, l.errorAt(path, "give name or target, not both")
	case r.Name != "":
		if r.Volume != "" {
			return nil, l.errorAt(path+".volume", "volume goes with target, not with name")
		}
		return &DeleteClaim{Name: r.Name}, nil
	case r.Target == nil:
		return nil, l.errorAt(path, "want {name: CLAIM} or {target: TARGET, volume: VOLUME}")
	}
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	vol, err := l.volume(r.Volume, path)
	if err != nil {
		return nil, err
	}
	return &DeleteClaim{Target: &t, Volume: vol}, nil
}

// PatchPod changes labels and annotations of the target pods, as
// `kubectl label` and `kubectl annotate` (or a metadata patch) do: a value
// sets the key, null removes it.
type PatchPod struct {
	Target      Target
	Labels      map[string]*string
	Annotations map[string]*string
}

// ActionName implements Action.
func (*PatchPod) ActionName() string { return "patchPod" }

type rawPatchPod struct {
	Target *rawTarget `yaml:"target"`
	Patch  *struct {
		Metadata *struct {
			Labels      map[string]*string `yaml:"labels"`
			Annotations map[string]*string `yaml:"annotations"`
		} `yaml:"metadata"`
	} `yaml:"patch"`
}

func buildPatchPod(l *loader, r *rawPatchPod, path string) (Action, error) {
	t, err := l.target(r.Target, path+".target")
	if err != nil {
		return nil, err
	}
	if r.Patch == nil || r.Patch.Metadata == nil || len(r.Patch.Metadata.Labels)+len(r.Patch.Metadata.Annotations) == 0 {
		return nil, l.errorAt(path+".patch", "want {metadata: {labels: {...}, annotations: {...}}}: patchPod changes labels and annotations")
	}
	return &PatchPod{Target: t, Labels: r.Patch.Metadata.Labels, Annotations: r.Patch.Metadata.Annotations}, nil
}
