package scenarios

import (
	"io/fs"
	"testing"
)

// FuzzParse feeds arbitrary scenario bytes to Parse, with the bundled
// manifests readable: it may fail, but must not panic or hang.
func FuzzParse(f *testing.F) {
	seeds, _ := fs.Glob(library, "*.yaml")
	manifests, _ := fs.Glob(library, "manifests/*.yaml")
	for _, name := range append(seeds, manifests...) {
		data, err := library.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(scenarioWith("  steps:\n  - write: {target: all, key: k, value: v}\n  - expect: {read: {target: {ordinal: 0}, key: k, value: v}}\n")))
	f.Add([]byte(scenarioWith("  rules: &r [*r]\n  cluster: {nodes: [{<<: {name: a}}]}\n")))
	f.Add([]byte("apiVersion: stsim/v1\nkind: Scenario\nmetadata: {name: x}\nspec:\n  manifests:\n  - inline: {apiVersion: v1, kind: Service, metadata: {name: s}}\n    patch: {spec: {ports: null}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(name string) ([]byte, error) {
			if name == "m.yaml" {
				return []byte(webSet), nil
			}
			return readBuiltin("builtin/" + name)
		}
		if sc, err := Parse("s.yaml", data, read); err == nil {
			for _, r := range sc.Rules {
				if v := sc.Variant(r); v.Err != nil {
					t.Errorf("%s loaded with an invalid %s variant: %v", sc.Name, r, v.Err)
				}
			}
		}
	})
}

// FuzzParseManifests feeds arbitrary manifest files to the loader, as the
// file of a scenario's spec.manifests entry.
func FuzzParseManifests(f *testing.F) {
	manifests, _ := fs.Glob(library, "manifests/*.yaml")
	for _, name := range manifests {
		data, err := library.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(webSet))
	f.Fuzz(func(t *testing.T, data []byte) {
		scenario := []byte("apiVersion: stsim/v1\nkind: Scenario\nmetadata: {name: m}\nspec:\n  manifests: [{file: m.yaml}]\n")
		_, _ = Parse("s.yaml", scenario, func(string) ([]byte, error) { return data, nil })
	})
}
