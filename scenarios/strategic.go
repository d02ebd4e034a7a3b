package scenarios

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// mergeKeys are the patch merge keys of the lists the simulated kinds have
// (the patchMergeKey tags of k8s.io/api): a strategic merge patch merges
// such a list element by element, matched on the key. Every other list is
// replaced whole.
var mergeKeys = map[string]string{
	"containers":       "name",
	"initContainers":   "name",
	"volumes":          "name",
	"env":              "name",
	"imagePullSecrets": "name",
	"volumeMounts":     "mountPath",
	"ownerReferences":  "uid",
	// Container ports; the workload is the only object patched, so no
	// Service port list is met.
	"ports":                     "containerPort",
	"topologySpreadConstraints": "topologyKey",
}

// strategicMerge applies a strategic merge patch
// (k8s.io/apimachinery/pkg/util/strategicpatch) to target and returns the
// result, leaving both unchanged: mappings merge key by key and a null
// deletes a key, as in a JSON merge patch; lists with a merge key merge
// element by element (a patch element {$patch: delete, KEY: V} removes
// one); a mapping with $patch: replace replaces the whole value; other
// lists and scalars replace.
func strategicMerge(d *decoder, target, patch *yaml.Node, path string) (*yaml.Node, error) {
	patch, err := d.resolve(patch, path)
	if err != nil {
		return nil, err
	}
	if err := d.enter(patch, path); err != nil {
		return nil, err
	}
	defer d.leave(patch)
	if target != nil {
		if target, err = d.resolve(target, path); err != nil {
			return nil, err
		}
	}
	switch {
	case patch.Kind == yaml.MappingNode && directive(d, patch) == "replace":
		return withoutDirective(d, patch), nil
	case patch.Kind == yaml.MappingNode && target != nil && target.Kind == yaml.MappingNode:
		return mergeMaps(d, target, patch, path)
	case patch.Kind == yaml.SequenceNode && target != nil && target.Kind == yaml.SequenceNode && mergeKeyOf(path) != "":
		return mergeList(d, target, patch, path, mergeKeyOf(path))
	case patch.Kind == yaml.MappingNode:
		return withoutDirective(d, patch), nil
	}
	return patch, nil
}

// mergeKeyOf is the merge key of the list at path ("ports" of a container
// merges on containerPort; a Service's ports on port).
func mergeKeyOf(path string) string {
	last := path[strings.LastIndexAny(path, ".")+1:]
	if last == "ports" {
		if strings.Contains(path, "containers[") {
			return "containerPort"
		}
		return "port"
	}
	return mergeKeys[last]
}

// directive is a mapping's $patch value, or "".
func directive(d *decoder, n *yaml.Node) string {
	if v := d.lookup(n, "$patch"); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// withoutDirective is a copy of mapping n without its $patch key.
func withoutDirective(d *decoder, n *yaml.Node) *yaml.Node {
	out := *n
	out.Content = nil
	pairs, _ := d.pairs(n, "")
	for _, p := range pairs {
		if p.key != "$patch" {
			out.Content = append(out.Content, p.keyNode, p.value)
		}
	}
	return &out
}

func mergeMaps(d *decoder, target, patch *yaml.Node, path string) (*yaml.Node, error) {
	pairs, err := d.pairs(target, path)
	if err != nil {
		return nil, err
	}
	patchPairs, err := d.pairs(patch, path)
	if err != nil {
		return nil, err
	}
	for _, pp := range patchPairs {
		if pp.key == "$patch" {
			continue
		}
		p := joinPath(path, pp.key)
		i := 0
		for i < len(pairs) && pairs[i].key != pp.key {
			i++
		}
		v, err := d.resolve(pp.value, p)
		if err != nil {
			return nil, err
		}
		if isNull(v) || (v.Kind == yaml.MappingNode && directive(d, v) == "delete") {
			if i < len(pairs) {
				pairs = append(pairs[:i:i], pairs[i+1:]...)
			}
			continue
		}
		var old *yaml.Node
		if i < len(pairs) {
			old = pairs[i].value
		}
		if v, err = strategicMerge(d, old, v, p); err != nil {
			return nil, err
		}
		if i == len(pairs) {
			pairs = append(pairs, pair{key: pp.key, keyNode: pp.keyNode, value: v})
			continue
		}
		pairs[i] = pair{key: pp.key, keyNode: pairs[i].keyNode, value: v}
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: target.Line, Column: target.Column}
	for _, p := range pairs {
		out.Content = append(out.Content, p.keyNode, p.value)
	}
	return out, nil
}

// mergeList merges a list of mappings element by element on key.
func mergeList(d *decoder, target, patch *yaml.Node, path, key string) (*yaml.Node, error) {
	out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: target.Line, Column: target.Column}
	out.Content = append(out.Content, target.Content...)
	for i, e := range patch.Content {
		ep := indexPath(path, i)
		e, err := d.resolve(e, ep)
		if err != nil {
			return nil, err
		}
		if e.Kind == yaml.MappingNode && directive(d, e) == "replace" {
			// {$patch: replace} as an element replaces the whole list with
			// the patch's other elements.
			rest := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for j, o := range patch.Content {
				if j != i {
					rest.Content = append(rest.Content, o)
				}
			}
			return rest, nil
		}
		k := d.lookup(e, key)
		if e.Kind != yaml.MappingNode || k == nil {
			return nil, d.errorf(e, ep, "an element of a merged list needs its merge key %s", key)
		}
		at := -1
		for j, t := range out.Content {
			if tk := d.lookup(t, key); tk != nil && tk.Value == k.Value {
				at = j
			}
		}
		switch {
		case directive(d, e) == "delete":
			if at >= 0 {
				out.Content = append(out.Content[:at:at], out.Content[at+1:]...)
			}
		case at >= 0:
			m, err := strategicMerge(d, out.Content[at], e, ep)
			if err != nil {
				return nil, err
			}
			out.Content[at] = m
		default:
			out.Content = append(out.Content, withoutDirective(d, e))
		}
	}
	return out, nil
}
