package scenarios

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// kindInfo is how a simulated kind is served.
type kindInfo struct {
	apiVersion string
	new        func() api.Object
}

// simulatedKinds are the manifest kinds stsim decodes; other kinds are ignored.
var simulatedKinds = map[string]kindInfo{
	api.KindService:               {"v1", func() api.Object { return &api.Service{} }},
	api.KindPersistentVolumeClaim: {"v1", func() api.Object { return &api.PersistentVolumeClaim{} }},
	api.KindPersistentVolume:      {"v1", func() api.Object { return &api.PersistentVolume{} }},
	api.KindStorageClass:          {"storage.k8s.io/v1", func() api.Object { return &api.StorageClass{} }},
	api.KindStatefulSet:           {"apps/v1", func() api.Object { return &api.StatefulSet{} }},
	api.KindDeployment:            {"apps/v1", func() api.Object { return &api.Deployment{} }},
}

// decoded is what the documents of one manifest entry yield.
type decoded struct {
	objs    []Manifest
	ignored []string
	notes   []string
}

// decodeDocs decodes the documents of one file (or one inline object) after
// applying patch, a JSON merge patch written in patchFile, to each of them.
// label names the entry in notes.
func decodeDocs(docs []*yaml.Node, file string, patch *yaml.Node, patchFile, label string) (decoded, error) {
	var out decoded
	items, err := listItems(newDecoder(file, true), docs)
	if err != nil {
		return out, err
	}
	for _, n := range items {
		md := newDecoder(file, true)
		if patch != nil && patchFile != file {
			md.files = map[*yaml.Node]string{}
			markFile(md.files, patch, patchFile)
		}
		var changed []string
		if patch != nil {
			if n, err = mergePatch(md, n, patch, "", &changed); err != nil {
				return out, err
			}
		}
		obj, ignoredKind, err := decodeObject(md, n)
		if err != nil {
			return out, err
		}
		what := ignoredKind
		if obj != nil {
			what = obj.GetKind() + " " + obj.Meta().Name
			out.objs = append(out.objs, Manifest{Object: obj, Source: md.pos(n).String()})
			for _, u := range md.unknown {
				if u.Near != "" {
					out.ignored = append(out.ignored, fmt.Sprintf("%s: %s is not a field stsim knows; did you mean %s? (%s)", what, u.Path, u.Near, u.Pos))
					continue
				}
				out.ignored = append(out.ignored, fmt.Sprintf("%s: %s is not simulated (%s)", what, u.Path, u.Pos))
			}
		} else {
			out.ignored = append(out.ignored, ignoredKind)
			what, _, _ = strings.Cut(ignoredKind, " (")
		}
		if len(changed) > 0 {
			out.notes = append(out.notes, fmt.Sprintf("%s: %s patched by the scenario: %s", label, what, strings.Join(changed, ", ")))
		}
	}
	return out, nil
}

// listItems resolves the documents of a file to the manifests they hold,
// skipping empty ones: a document of kind List (as `kubectl get -o yaml`
// writes it), or of a kind such as ServiceList, stands for its items, and
// a list among the items for its own, as kubectl's FlattenListVisitor
// (k8s.io/cli-runtime/pkg/resource) reads them.
func listItems(md *decoder, docs []*yaml.Node) ([]*yaml.Node, error) {
	var out []*yaml.Node
	for _, doc := range docs {
		if err := flattenList(md, doc, "", &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// flattenList appends to out the manifest n is, or the manifests of the
// list it is. md's enter and leave bound the nesting and refuse a list
// that contains itself through an alias.
func flattenList(md *decoder, n *yaml.Node, path string, out *[]*yaml.Node) error {
	n, err := md.resolve(n, path)
	if err != nil || isNull(n) {
		return err
	}
	kind := md.lookup(n, "kind")
	if kind == nil || kind.Kind != yaml.ScalarNode || !strings.HasSuffix(kind.Value, "List") {
		*out = append(*out, n)
		return nil
	}
	items := md.lookup(n, "items")
	switch {
	case items == nil && kind.Value != "List":
		// A kind of its own whose name ends in List: not a list.
		*out = append(*out, n)
		return nil
	case items == nil || isNull(items):
		return nil
	case items.Kind != yaml.SequenceNode:
		return md.errorf(items, joinPath(path, "items"), "want a list of manifests, got %s", describe(items))
	}
	if err := md.enter(items, joinPath(path, "items")); err != nil {
		return err
	}
	defer md.leave(items)
	for i, it := range items.Content {
		if err := flattenList(md, it, indexPath(joinPath(path, "items"), i), out); err != nil {
			return err
		}
	}
	return nil
}

// decodeObject decodes one manifest. A kind stsim does not simulate gives a
// nil object and its Ignored line instead.
func decodeObject(md *decoder, n *yaml.Node) (api.Object, string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, "", md.errorf(n, "", "a manifest must be a mapping, got %s", describe(n))
	}
	if _, err := md.pairs(n, ""); err != nil {
		return nil, "", err
	}
	kindNode, versionNode := md.lookup(n, "kind"), md.lookup(n, "apiVersion")
	if kindNode != nil && kindNode.Kind != yaml.ScalarNode {
		return nil, "", md.errorAt(n, "kind", "want a kind such as StatefulSet, got %s", describe(kindNode))
	}
	if kindNode == nil || kindNode.Value == "" {
		return nil, "", md.errorAt(n, "kind", "required: every manifest names its apiVersion and kind")
	}
	kind := kindNode.Value
	info, ok := simulatedKinds[kind]
	if !ok {
		name := "at " + md.pos(n).String()
		if v := md.lookup(md.locate(n, "metadata"), "name"); v != nil && v.Kind == yaml.ScalarNode {
			name = v.Value
		}
		return nil, fmt.Sprintf("%s %s (kind %s is not simulated)", kind, name, kind), nil
	}
	if versionNode == nil || versionNode.Kind != yaml.ScalarNode || versionNode.Value != info.apiVersion {
		got := "nothing"
		if versionNode != nil {
			got = describe(versionNode)
		}
		return nil, "", md.errorAt(n, "apiVersion", "want %s for kind %s, got %s", info.apiVersion, kind, got)
	}
	obj := info.new()
	if err := md.decode(n, reflect.ValueOf(obj).Elem(), ""); err != nil {
		return nil, "", err
	}
	meta := obj.Meta()
	if meta.Name == "" {
		return nil, "", md.errorAt(n, "metadata.name", "required: every manifest is applied by name")
	}
	// A dry run of the API server's create: defaulting and validation.
	if err := apiserver.Admit(obj); err != nil {
		pos := md.pos(n)
		var inv *api.InvalidError
		if errors.As(err, &inv) && len(inv.Errors) > 0 {
			pos = md.pos(md.locate(n, inv.Errors[0].Path))
		}
		return nil, "", &Error{Pos: pos, Msg: err.Error()}
	}
	return obj, "", nil
}

// markFile records that every node under n was written in file.
func markFile(files map[*yaml.Node]string, n *yaml.Node, file string) {
	if n == nil || len(files) > maxNodes {
		return
	}
	if _, ok := files[n]; ok {
		return
	}
	files[n] = file
	markFile(files, n.Alias, file)
	for _, c := range n.Content {
		markFile(files, c, file)
	}
}

// mergePatch applies a JSON merge patch (RFC 7386) to target and returns the
// result, leaving both inputs unchanged: mappings merge key by key, a null
// deletes a key, anything else replaces. It appends to changed the paths
// where the result differs from target.
func mergePatch(d *decoder, target, patch *yaml.Node, path string, changed *[]string) (*yaml.Node, error) {
	patch, err := d.resolve(patch, path)
	if err != nil {
		return nil, err
	}
	if err := d.enter(patch, path); err != nil {
		return nil, err
	}
	defer d.leave(patch)
	record := func(p string) {
		if changed != nil {
			*changed = append(*changed, p)
		}
	}
	if target != nil {
		if target, err = d.resolve(target, path); err != nil {
			return nil, err
		}
	}
	if patch.Kind != yaml.MappingNode {
		if target == nil || !nodeEqual(target, patch, new(int)) {
			record(path)
		}
		return patch, nil
	}
	var pairs []pair
	targetMap := target != nil && target.Kind == yaml.MappingNode
	if targetMap {
		if pairs, err = d.pairs(target, path); err != nil {
			return nil, err
		}
	} else if target != nil {
		// A mapping replaces a scalar, a list or a null: one change.
		record(path)
		changed = nil
	}
	patchPairs, err := d.pairs(patch, path)
	if err != nil {
		return nil, err
	}
	for _, pp := range patchPairs {
		p := joinPath(path, pp.key)
		i := 0
		for i < len(pairs) && pairs[i].key != pp.key {
			i++
		}
		v, err := d.resolve(pp.value, p)
		if err != nil {
			return nil, err
		}
		if isNull(v) {
			if i < len(pairs) {
				record(p)
				pairs = append(pairs[:i:i], pairs[i+1:]...)
			}
			continue
		}
		if i == len(pairs) {
			if targetMap {
				record(p)
			}
			if v, err = mergePatch(d, nil, v, p, nil); err != nil {
				return nil, err
			}
			pairs = append(pairs, pair{key: pp.key, keyNode: pp.keyNode, value: v})
			continue
		}
		if v, err = mergePatch(d, pairs[i].value, v, p, changed); err != nil {
			return nil, err
		}
		pairs = append(pairs[:i:i], append([]pair{{key: pp.key, keyNode: pairs[i].keyNode, value: v}}, pairs[i+1:]...)...)
	}
	at := patch
	if targetMap {
		at = target
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: at.Line, Column: at.Column}
	if f, ok := d.files[at]; ok {
		d.files[out] = f
	}
	for _, p := range pairs {
		out.Content = append(out.Content, p.keyNode, p.value)
	}
	return out, nil
}

// nodeEqual compares two YAML values (mappings as sets of keys). budget
// bounds the work on alias-heavy input; when it runs out they differ.
func nodeEqual(a, b *yaml.Node, budget *int) bool {
	*budget++
	if *budget > maxNodes {
		return false
	}
	for i := 0; i < maxDepth && a.Kind == yaml.AliasNode && a.Alias != nil; i++ {
		a = a.Alias
	}
	for i := 0; i < maxDepth && b.Kind == yaml.AliasNode && b.Alias != nil; i++ {
		b = b.Alias
	}
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return a.ShortTag() == b.ShortTag() && a.Value == b.Value
	case yaml.SequenceNode:
		for i := range a.Content {
			if !nodeEqual(a.Content[i], b.Content[i], budget) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
	next:
		for i := 0; i+1 < len(a.Content); i += 2 {
			for j := 0; j+1 < len(b.Content); j += 2 {
				if nodeEqual(a.Content[i], b.Content[j], budget) {
					if !nodeEqual(a.Content[i+1], b.Content[j+1], budget) {
						return false
					}
					continue next
				}
			}
			return false
		}
		return true
	}
	return false
}
