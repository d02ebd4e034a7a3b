package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The fuzz tests of the loader (docs/robustness.md lists every fuzz target
// of stsim and how long each has run). `make fuzz` runs each one for
// FUZZTIME; `go test` runs their seeds and the inputs kept under
// testdata/fuzz/FuzzX.

// corpusSeeds adds the broken scenarios of testdata/load-errors as seeds.
func corpusSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("../testdata/load-errors", "*.yaml"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
}

// FuzzParse feeds arbitrary scenario bytes to Parse, with the bundled
// manifests readable: it may fail, but with an *Error (exit 2), and must
// not panic or hang; a scenario that loads has a valid workload under each
// of its rule sets.
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
	corpusSeeds(f)
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
		sc, err := Parse("s.yaml", data, read)
		if err != nil {
			checkError(t, err)
			return
		}
		for _, r := range sc.Rules {
			if v := sc.Variant(r); v.Err != nil {
				t.Errorf("%s loaded with an invalid %s variant: %v", sc.Name, r, v.Err)
			}
		}
	})
}

// checkError checks that a load error is an *Error (exit 2) with a place
// in the file and a message.
func checkError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %T is not an *Error: %v", err, err)
	}
	if e.Pos.File == "" || e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
		t.Fatalf("error without a place or a message: %#v", e)
	}
}

// FuzzParseManifests feeds arbitrary manifest files to the manifest
// decoder, as the file of a scenario's spec.manifests entry.
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
	f.Add([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: 99999999999\n"))
	f.Add([]byte("kind: StatefulSet\nkind: Deployment\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		scenario := []byte("apiVersion: stsim/v1\nkind: Scenario\nmetadata: {name: m}\nspec:\n  manifests: [{file: m.yaml}]\n")
		if _, err := Parse("s.yaml", scenario, func(string) ([]byte, error) { return data, nil }); err != nil {
			checkError(t, err)
		}
	})
}

// FuzzDuration decodes arbitrary scalars as a duration: a value that
// decodes is between 0 and 1e9 seconds; one that does not gets a message
// at the scalar.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"0", "2s", "1m30s", "1.5", `"30"`, "-1s", "1e9", "1e10", "9999999999h", "1_000", ".5s", "0x10",
		"never", "1h1h", "+5m", "5µs", "NaN", ".inf", "[1s]", "{a: b}", "~", "300ms", "1000000000", "1000000000.0000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte("v: "+s), &n); err != nil || len(n.Content) != 1 || len(n.Content[0].Content) != 2 {
			return
		}
		v := n.Content[0].Content[1]
		d := newDecoder("s.yaml", false)
		var x duration
		err := d.decode(v, reflect.ValueOf(&x).Elem(), "after")
		if err != nil {
			checkError(t, err)
			if at := fmt.Sprintf("s.yaml:%d:%d: ", v.Line, v.Column); !strings.HasPrefix(err.Error(), at) {
				t.Fatalf("error not at the value: %v", err)
			}
			return
		}
		if x < 0 || time.Duration(x) > maxSeconds*time.Second {
			t.Fatalf("%q decoded to %v, outside [0, 1e9s]", s, time.Duration(x))
		}
		var r readyTime
		if err := d.decode(v, reflect.ValueOf(&r).Elem(), "ready"); err != nil || r.never || r.d != time.Duration(x) {
			t.Fatalf("%q: a duration is a ready time too: %v, %+v", s, err, r)
		}
	})
}

// parseNode parses one YAML document for the patch fuzzers, or nil.
func parseNode(data []byte) *yaml.Node {
	docs, err := parseDocuments("p.yaml", data)
	if err != nil || len(docs) == 0 || isNull(docs[0]) {
		return nil
	}
	return docs[0]
}

// FuzzMergePatch applies arbitrary JSON merge patches (RFC 7386) to
// arbitrary documents: no panic, no hang, the inputs are left unchanged,
// and a patch applied twice changes nothing more than once.
func FuzzMergePatch(f *testing.F) {
	f.Add([]byte(webSet), []byte("spec: {replicas: 3, serviceName: null}"))
	f.Add([]byte("a: {b: 1, c: [1, 2]}"), []byte("a: {b: null, c: {d: 1}}"))
	f.Add([]byte("a: &x {b: *x}"), []byte("a: {b: {c: 1}}"))
	f.Add([]byte("a: 1"), []byte("[1, 2]"))
	f.Add([]byte("a: {<<: {b: 1}, c: 2}"), []byte("a: {b: 2, <<: {c: 3}}"))
	f.Fuzz(func(t *testing.T, target, patch []byte) {
		tn, pn := parseNode(target), parseNode(patch)
		if tn == nil || pn == nil {
			return
		}
		before := nodeString(tn)
		d := newDecoder("t.yaml", true)
		once, err := mergePatch(d, tn, pn, "", nil)
		if err != nil {
			checkError(t, err)
			return
		}
		if nodeString(tn) != before {
			t.Fatalf("mergePatch changed its target")
		}
		twice, err := mergePatch(newDecoder("t.yaml", true), once, pn, "", nil)
		if err != nil {
			t.Fatalf("the patch applied to its own result fails: %v", err)
		}
		if !nodeEqual(once, twice, new(int)) && nodeString(once) != nodeString(twice) {
			t.Fatalf("not idempotent:\nonce:\n%s\ntwice:\n%s", nodeString(once), nodeString(twice))
		}
	})
}

// FuzzStrategicMerge applies arbitrary strategic merge patches to
// arbitrary documents: no panic, no hang, the target is left unchanged,
// and a failure is an *Error.
func FuzzStrategicMerge(f *testing.F) {
	f.Add([]byte(webSet), []byte("spec: {template: {spec: {containers: [{name: nginx, image: x}, {$patch: delete, name: gone}]}}}"))
	f.Add([]byte("spec: {containers: [{name: a}, {name: b}]}"), []byte("spec: {containers: [{$patch: replace}]}"))
	f.Add([]byte("ports: [{port: 1}]"), []byte("ports: {$patch: replace, a: 1}"))
	f.Add([]byte("containers: [{name: a, ports: [{containerPort: 1}]}]"), []byte("containers: [{name: a, ports: [{containerPort: 1, name: x}]}]"))
	f.Add([]byte("volumes: &v [*v]"), []byte("volumes: [{name: x}]"))
	f.Fuzz(func(t *testing.T, target, patch []byte) {
		tn, pn := parseNode(target), parseNode(patch)
		if tn == nil || pn == nil {
			return
		}
		before := nodeString(tn)
		if _, err := strategicMerge(newDecoder("t.yaml", true), tn, pn, ""); err != nil {
			checkError(t, err)
		}
		if nodeString(tn) != before {
			t.Fatalf("strategicMerge changed its target")
		}
	})
}

// nodeString prints a tree for comparisons; a tree too large or cyclic to
// print is "?".
func nodeString(n *yaml.Node) (s string) {
	defer func() {
		if recover() != nil {
			s = "?"
		}
	}()
	if count(n, 0, map[*yaml.Node]bool{}) > 10000 {
		return "?"
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return "?"
	}
	return string(b)
}

// count counts the nodes under n with aliases followed, up to a bound.
func count(n *yaml.Node, depth int, active map[*yaml.Node]bool) int {
	if n == nil || depth > 100 || active[n] {
		return 1 << 20
	}
	active[n] = true
	defer delete(active, n)
	total := 1
	if n.Alias != nil {
		total += count(n.Alias, depth+1, active)
	}
	for _, c := range n.Content {
		total += count(c, depth+1, active)
		if total > 10000 {
			break
		}
	}
	return total
}
