package scenarios_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"stsim/cli"
)

var update = flag.Bool("update", false, "rewrite the expected messages of testdata/load-errors")

// The corpus of broken and hostile input: testdata/load-errors holds one
// scenario per file (manifests they read are under manifests/), each run
// by TestLoadErrors as `stsim run FILE` (cli.Main) from that folder. A
// file starts with its expectations:
//
//	# want: MESSAGE
//	# exit: N          optional, default 2
//	# args: WORDS      optional, default "run"; FILE is added at the end
//
// With exit 2 stderr's first line must be "stsim: error: MESSAGE": the
// file:line:col, field path and message of the load error. With exit 0 or
// 1 the scenario loads and runs, and the report must contain MESSAGE (a
// finding, say). Exit 3 is never right: it is a bug in stsim.
//
// File names start with their category, and the test counts the cases of
// each (run with -v to see the table):
//
//	decode-syntax-    YAML syntax: unclosed brackets and quotes, indentation, tabs, escapes, directives
//	decode-bytes-     bytes that are not YAML text: NUL, control characters, invalid UTF-8, UTF-16
//	decode-alias-     anchors and aliases: unknown anchors, cycles, alias bombs, merge keys
//	decode-nesting-   deep nesting of mappings and lists
//	decode-type-      a value of the wrong type (a list for a string, a string for a number, ...)
//	decode-range-     integers beyond int64 or int32 and other huge numbers, counts out of bounds
//	decode-unknown-   unknown fields, keys written twice
//	decode-header-    apiVersion, kind, metadata, empty files and second documents
//	decode-duration-  durations: syntax, sign, the 1e9 s cap, at and after
//	decode-target-    targets of pod actions
//	decode-action-    actions and their fields
//	decode-manifest-  manifests: files, inline objects, patches, kinds, Kubernetes validation
//	check-            expect checks: patterns, rules, values, fields
//	step-             what a step does when it runs (exit 0 or 1): runs late, ...
//	cap-              the caps (limits.Limits): pods, nodes, steps, events, virtual time, their flags
//	run-              input that once made a run wrong (exit 0 or 1): overflowing grace periods, ...
//	review-           manifests given to stsim review (args: review): no workload, bad kinds, lists, namespaces
//
// Older cases have no category prefix. Those named after the Kubernetes
// object or field they break (claim-, container-, service-, ...: the API
// server's validation) count as "api-validation", the rest as "other".
const loadErrorsDir = "../testdata/load-errors"

// categories are the file-name prefixes of the corpus, longest first
// where one is a prefix of another.
var categories = []string{"decode-syntax-", "decode-bytes-", "decode-alias-", "decode-nesting-", "decode-type-",
	"decode-range-", "decode-unknown-", "decode-header-", "decode-duration-", "decode-target-", "decode-action-",
	"decode-manifest-", "check-", "step-", "cap-", "run-", "review-"}

// apiValidation are the name prefixes of the older cases of the API
// server's validation (sim/api), counted together as "api-validation".
var apiValidation = []string{"annotation", "claim-", "container-", "deployment-name", "deployment-unknown-strategy",
	"emptydir-", "ephemeral-", "finalizer-", "host-path-", "host-port-", "label-", "liveness-", "manifest-service-",
	"manifest-statefulset-", "mount-", "node-selector-", "probe-", "pv-", "quantity-", "resources-", "selector-",
	"service-", "statefulset-", "storageclass-", "template-", "toleration-", "unknown-dns-policy", "volume-",
	"converted-workload-invalid", "wrong-apiversion-for-a-kind"}

// minCorpus is the least number of cases the corpus has.
const minCorpus = 150

// corpusCase is one file's expectations.
type corpusCase struct {
	want string
	exit int
	args []string
}

// readCase reads the expectation lines at the top of a corpus file and
// returns them with the rest of the file.
func readCase(data []byte) (corpusCase, []byte, error) {
	c := corpusCase{exit: cli.ExitUsage, args: []string{"run"}}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	want, ok := strings.CutPrefix(string(first), "# want: ")
	if !ok {
		return c, nil, fmt.Errorf(`the first line must be "# want: MESSAGE"`)
	}
	c.want = want
	for {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if v, ok := strings.CutPrefix(string(line), "# exit: "); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 2 {
				return c, nil, fmt.Errorf("# exit: want 0, 1 or 2, got %q", v)
			}
			c.exit = n
		} else if v, ok := strings.CutPrefix(string(line), "# args: "); ok {
			c.args = strings.Fields(v)
		} else {
			return c, rest, nil
		}
		rest = after
	}
}

// TestLoadErrors runs every file of testdata/load-errors and checks the
// exit status and the message on its first line. `go test ./scenarios
// -run TestLoadErrors -update` rewrites the messages of exit-2 cases;
// review the diff.
func TestLoadErrors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(loadErrorsDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in %s: %v", loadErrorsDir, err)
	}
	t.Chdir(loadErrorsDir)
	counts := map[string]int{}
	for _, path := range files {
		name := filepath.Base(path)
		counts[category(name)]++
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			c, rest, err := readCase(data)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			var stdout, stderr bytes.Buffer
			args := append(slices.Clone(c.args), name)
			status := cli.Main(args, &stdout, &stderr)
			if status != c.exit {
				t.Fatalf("stsim %s: exit %d, want %d\nstderr:\n%s", strings.Join(args, " "), status, c.exit, stderr.String())
			}
			if c.exit != cli.ExitUsage {
				if !strings.Contains(stdout.String(), c.want) {
					t.Errorf("%s: the report does not say %q:\n%s", path, c.want, stdout.String())
				}
				return
			}
			got, _, _ := strings.Cut(stderr.String(), "\n")
			got = strings.TrimPrefix(got, "stsim: error: ")
			if *update {
				if got != c.want {
					head := bytes.TrimSuffix(data, rest)
					head = bytes.Replace(head, []byte("# want: "+c.want+"\n"), []byte("# want: "+got+"\n"), 1)
					if err := os.WriteFile(name, append(head, rest...), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			if got != c.want {
				t.Errorf("%s:\n got: %s\nwant: %s", path, got, c.want)
			}
		})
	}
	var table strings.Builder
	total := 0
	for _, c := range append(slices.Clone(categories), "api-validation", "other") {
		fmt.Fprintf(&table, "  %-18s %4d\n", c, counts[c])
		total += counts[c]
		if counts[c] == 0 && c != "other" {
			t.Errorf("no case of category %s in %s", c, loadErrorsDir)
		}
	}
	fmt.Fprintf(&table, "  %-18s %4d\n", "total", total)
	t.Logf("cases by category:\n%s", table.String())
	if total < minCorpus {
		t.Errorf("%d cases in %s, want at least %d", total, loadErrorsDir, minCorpus)
	}
}

// category is the category of a corpus file by its name's prefix.
func category(name string) string {
	for _, c := range categories {
		if strings.HasPrefix(name, c) {
			return c
		}
	}
	for _, p := range apiValidation {
		if strings.HasPrefix(name, p) {
			return "api-validation"
		}
	}
	return "other"
}
