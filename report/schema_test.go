package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"stsim/cli"
	"stsim/report"
	"stsim/scenarios"
	"stsim/sim/history"
	"stsim/sim/workload"
)

// schemaFile is the JSON Schema of `stsim run -o json`, the machine
// contract.
const schemaFile = "../docs/report.schema.json"

// compileSchema compiles the report's JSON Schema.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(schemaFile)
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err, schemaFile)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(schemaFile, doc))
	sch, err := c.Compile(schemaFile)
	require.NoError(t, err, schemaFile)
	return sch
}

// validate checks a JSON report, or an array of them, against the schema;
// the error lists each violation with its JSON pointer.
func validate(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}

// runJSON runs stsim with args and returns its JSON report; failed
// expectations (exit 1) still give a whole report.
func runJSON(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if status := cli.Main(append(args, "-o", "json"), &stdout, &stderr); status != cli.ExitOK && status != cli.ExitExpect {
		t.Fatalf("stsim %q: status %d\n%s", args, status, stderr.String())
	}
	return stdout.Bytes()
}

// TestSchemaBundledScenarios validates the JSON report of every bundled
// scenario, of one run under a single rule set (no differences), and of
// them all at once (the array form) against docs/report.schema.json.
func TestSchemaBundledScenarios(t *testing.T) {
	sch := compileSchema(t)
	var names []string
	for _, info := range scenarios.List() {
		names = append(names, info.Name)
		if err := validate(sch, runJSON(t, "run", info.Name)); err != nil {
			t.Errorf("scenario %s: the JSON report does not match %s:\n%v", info.Name, schemaFile, err)
		}
	}
	one := runJSON(t, "run", scenarios.DefaultName, "--rules", "statefulset")
	if err := validate(sch, one); err != nil {
		t.Errorf("scenario %s under statefulset rules only: the JSON report does not match %s:\n%v", scenarios.DefaultName, schemaFile, err)
	}
	var r struct {
		Summary struct{ Differences *int } `json:"summary"`
	}
	require.NoError(t, json.Unmarshal(one, &r))
	if r.Summary.Differences != nil {
		t.Errorf("summary.differences = %d with one rule set, want null", *r.Summary.Differences)
	}
	all := runJSON(t, append([]string{"run"}, names...)...)
	if err := validate(sch, all); err != nil {
		t.Errorf("scenarios %s together: the JSON array of reports does not match %s:\n%v", strings.Join(names, ", "), schemaFile, err)
	}
}

// TestSchemaEdgeReports validates the report package's fixture (its JSON
// golden file) and reports with nothing in them: no runs, and a run whose
// one pod was never scheduled.
func TestSchemaEdgeReports(t *testing.T) {
	sch := compileSchema(t)
	fixture, err := os.ReadFile("testdata/fixture.json")
	require.NoError(t, err)
	if err := validate(sch, fixture); err != nil {
		t.Errorf("testdata/fixture.json does not match %s:\n%v", schemaFile, err)
	}
	unscheduled := &history.Run{Rules: workload.Deployment, Pods: []*history.Pod{{Name: "web-abc", Created: time.Second}}}
	for name, r := range map[string]*report.Report{
		"no runs":     report.Build(report.Header{Name: "none"}, nil),
		"unscheduled": report.Build(report.Header{Name: "empty"}, []*history.Run{unscheduled}),
	} {
		var buf bytes.Buffer
		require.NoError(t, report.Render(&buf, "json", []*report.Report{r}, report.Options{}))
		if err := validate(sch, buf.Bytes()); err != nil {
			t.Errorf("%s: the JSON report does not match %s:\n%v", name, schemaFile, err)
		}
	}
}

// TestSchemaIsClosed adds an undocumented key to each kind of object of a
// report (every object but the maps of labels and conditions): the schema
// must refuse it and name where it is.
func TestSchemaIsClosed(t *testing.T) {
	sch := compileSchema(t)
	data := runJSON(t, "run", scenarios.DefaultName)
	var doc any
	require.NoError(t, json.Unmarshal(data, &doc))
	tried := map[string]bool{}
	for _, ptr := range objects(doc, "") {
		shape := shapeOf(ptr)
		if tried[shape] {
			continue
		}
		tried[shape] = true
		var copied any
		require.NoError(t, json.Unmarshal(data, &copied))
		lookup(copied, ptr).(map[string]any)["undocumented"] = true
		b, err := json.Marshal(copied)
		require.NoError(t, err)
		err = validate(sch, b)
		switch {
		case err == nil:
			t.Errorf("a report with an undocumented key at %s/undocumented matches %s: an object is not closed (additionalProperties: false)", ptr, schemaFile)
		case !strings.Contains(err.Error(), "'"+ptr+"'"):
			t.Errorf("undocumented key at %s: the error does not name %s:\n%v", ptr, ptr, err)
		}
	}
	for _, want := range []string{"", "/summary", "/runs/0/pods/0", "/differences/0/statefulset"} {
		if !tried[shapeOf(want)] {
			t.Errorf("no object at %s was tried", want)
		}
	}
}

// objects lists the JSON pointers of the objects in a decoded document,
// but for the maps of labels and conditions, whose keys are data.
func objects(v any, ptr string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		if last := ptr[strings.LastIndexByte(ptr, '/')+1:]; last == "labels" || last == "conditions" {
			return nil
		}
		out = append(out, ptr)
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			out = append(out, objects(v[k], ptr+"/"+strings.NewReplacer("~", "~0", "/", "~1").Replace(k))...)
		}
	case []any:
		for i, e := range v {
			out = append(out, objects(e, ptr+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

// index is an array index in a JSON pointer.
var index = regexp.MustCompile(`/\d+`)

// shapeOf is a JSON pointer with its array indices left out, but for the
// index of a difference, whose values differ in type by aspect.
func shapeOf(ptr string) string {
	if rest, ok := strings.CutPrefix(ptr, "/differences/"); ok {
		i, _, _ := strings.Cut(rest, "/")
		n := len("/differences/") + len(i)
		return ptr[:n] + index.ReplaceAllString(ptr[n:], "/*")
	}
	return index.ReplaceAllString(ptr, "/*")
}

// lookup is the value at a JSON pointer made by objects.
func lookup(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		switch c := v.(type) {
		case map[string]any:
			v = c[tok]
		case []any:
			i, _ := strconv.Atoi(tok)
			v = c[i]
		}
	}
	return v
}
