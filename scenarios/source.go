package scenarios

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Source returns the YAML text of the bundled scenario with this name,
// self-contained: each spec.manifests entry that names a file of the
// library is replaced by one inline entry per document of that file (with
// the entry's patch), so the text runs when saved anywhere.
func Source(name string) ([]byte, error) {
	for _, info := range List() {
		if info.Name != name {
			continue
		}
		data, err := library.ReadFile(strings.TrimPrefix(info.File, builtinDir+"/"))
		if err != nil {
			return nil, err
		}
		return inlineManifests(data, func(file string) ([]byte, error) {
			return library.ReadFile(path.Clean(file))
		})
	}
	return nil, fmt.Errorf("no bundled scenario %q (see stsim list)", name)
}

// inlineManifests rewrites a scenario so that its manifest files are inline.
func inlineManifests(data []byte, readFile func(string) ([]byte, error)) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	d := newDecoder("", false)
	manifests := d.lookup(d.lookup(&doc, "spec"), "manifests")
	if manifests == nil || manifests.Kind != yaml.SequenceNode {
		return data, nil
	}
	var entries []*yaml.Node
	for _, e := range manifests.Content {
		file := d.lookup(e, "file")
		if file == nil {
			entries = append(entries, e)
			continue
		}
		raw, err := readFile(file.Value)
		if err != nil {
			return nil, err
		}
		docs, err := parseDocuments(file.Value, raw)
		if err != nil {
			return nil, err
		}
		first := true
		for _, m := range docs {
			if isNull(m) || len(m.Content) == 0 {
				continue
			}
			entry := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if first {
				entry.HeadComment = strings.TrimSpace(e.HeadComment + "\n# from " + file.Value)
				first = false
			}
			entry.Content = append(entry.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "inline"}, m.Content[0])
			for i := 0; i+1 < len(e.Content); i += 2 {
				if e.Content[i].Value == "patch" {
					entry.Content = append(entry.Content, e.Content[i], e.Content[i+1])
				}
			}
			entries = append(entries, entry)
		}
	}
	manifests.Content = entries
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}
