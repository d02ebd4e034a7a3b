package review

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"stsim/scenarios"
	"stsim/sim/workload"
)

// seedFiles are the seed's manifests as published.
func seedFiles(t *testing.T) []File {
	t.Helper()
	var files []File
	for _, name := range []string{"../scenarios/manifests/myapp-svc-headless.yaml", "../scenarios/manifests/myapp-sts.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: name, Data: data})
	}
	return files
}

// TestRunSeed reviews the seed's manifests: a row per fault and rule set
// in order, the lessons of the seed's example (a StatefulSet keeps its
// pods' names, a Deployment does not; without volumes no data is
// measured), and the same bytes every time.
func TestRunSeed(t *testing.T) {
	rv, err := Run(seedFiles(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Rows) != len(Faults)*len(workload.AllRules) {
		t.Fatalf("%d rows", len(rv.Rows))
	}
	for i, r := range rv.Rows {
		f, rules := Faults[i/2], workload.AllRules[i%2]
		if r.Fault != f.Name || r.Rules != rules {
			t.Errorf("row %d is %s/%s, want %s/%s", i, r.Fault, r.Rules, f.Name, rules)
		}
		if r.DataKept != nil {
			t.Errorf("%s/%s: data measured without a volume", r.Fault, r.Rules)
		}
		if rules == workload.StatefulSet && !r.IdentityKept {
			t.Errorf("%s under StatefulSet rules lost an identity: %q", r.Fault, r.Renamed)
		}
	}
	if rv.Workload != (Workload{Kind: "StatefulSet", Name: "myapp-sts", Namespace: "default", Replicas: 2}) {
		t.Errorf("workload %+v", rv.Workload)
	}
	byKey := func(fault string, rules workload.Rules) Row {
		i := slices.IndexFunc(rv.Rows, func(r Row) bool { return r.Fault == fault && r.Rules == rules })
		return rv.Rows[i]
	}
	if r := byKey("pod-delete", workload.Deployment); r.IdentityKept || len(r.Renamed) != 1 {
		t.Errorf("a pod delete under Deployment rules: %+v", r)
	}
	if r := byKey("node-partition", workload.StatefulSet); r.Recovery == nil || !r.RecoveredAfterNode {
		t.Errorf("a node partition under StatefulSet rules recovered without the node: %+v", r)
	}
	again, err := Run(seedFiles(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rv, again) {
		t.Error("two reviews of the same manifests differ")
	}
}

// TestFaultScenario: a fault's generated scenario writes a record per
// slot before the fault, applies the fault at its absolute time, and for
// a node fault reads the records after the node is back.
func TestFaultScenario(t *testing.T) {
	p := params{replicas: 2, slots: []int{0, 1}, node: "node-2", rollout: 4 * time.Second}
	i := slices.IndexFunc(Faults, func(f Fault) bool { return f.Name == "node-partition" })
	got := string(faultScenario(Faults[i], []File{{Name: "app.yaml"}}, Options{Seed: 7, DeploymentVolumes: scenarios.VolumesEphemeral}, workload.StatefulSet, "data", p))
	for _, want := range []string{
		"  seed: 7\n  rules: [statefulset]\n  deployment: {volumes: ephemeral}\n  cluster: {nodes: 3}\n",
		"  - file: \"app.yaml\"\n",
		"  - write: {target: {ordinal: 1}, volume: data, key: record, value: slot-1}\n",
		"  - nodeFail: {node: node-2, mode: partition}\n    at: 14s\n",
		"  - waitFor: {ready: 2, podReady: {ordinal: 0}, timeout: 8m}\n    after: 6m\n",
		"  - nodeRecover: {node: node-2}\n    at: 15m14s\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the scenario lacks %q:\n%s", want, got)
		}
	}
	if strings.Index(got, "nodeRecover") > strings.Index(got, "- read:") {
		t.Errorf("records read before the node is back:\n%s", got)
	}
}

// TestFindings says each kind of outcome in a sentence, and that a rule
// set that kept everything did.
func TestFindings(t *testing.T) {
	no, rec := false, 340.0
	rv := &Review{Rows: []Row{
		{Fault: "node-partition", Rules: workload.StatefulSet, IdentityKept: true, Recovery: &rec},
		{Fault: "node-partition", Rules: workload.Deployment, Renamed: []string{"a → b"}, DataKept: &no, DataLost: []string{"slot 0: b found no record"},
			Recovery: &rec, DuplicateIdentitySeconds: 20, ConcurrentWriters: 2, ConcurrentWriterSeconds: 340},
	}}
	want := []string{
		"Under StatefulSet rules every fault kept each pod's name and data, and the workload recovered.",
		"Under Deployment rules a node partition gives a replaced pod a new name (a → b): clients that address it by name lose it.",
		"Under Deployment rules, after a node partition a pod did not read back the record its slot wrote (slot 0: b found no record).",
		"Under Deployment rules a node partition leaves two pods of one name for 20s.",
		"Under Deployment rules a node partition leaves two pods writing to one volume for 5m40s.",
	}
	if got := findings(rv); !slices.Equal(got, want) {
		t.Errorf("findings\n got: %q\nwant: %q", got, want)
	}
}
