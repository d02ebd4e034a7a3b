package replay_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"stsim/report"
	"stsim/scenarios"
	"stsim/sim"
	"stsim/sim/api"
	"stsim/sim/history"
	"stsim/sim/replay"
	"stsim/sim/simtest"
	"stsim/sim/store"
	"stsim/sim/workload"
)

// Caps that keep one input of FuzzRun fast: larger scenarios are skipped,
// not failed (the loader's own caps are tested by FuzzParse and the
// corpus).
const (
	fuzzMaxSteps    = 12
	fuzzMaxReplicas = 8
	fuzzMaxNodes    = 4
	fuzzMaxTime     = time.Hour // any at, after, timeout or until
	fuzzMaxChanges  = 20000     // store writes in one run
)

// errBudget stops a run that does more work than a fuzz input may.
var errBudget = errors.New("fuzz budget exceeded")

// fuzzManifest is the manifest file a fuzzed scenario may name as m.yaml.
const fuzzManifest = `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`

// FuzzRun runs arbitrary scenario bytes end to end, as `stsim run` does:
// load, replay under each rule set with the simulator's invariants checked
// after every change (simtest), build the report and render it as text and
// JSON. A load error must be a *scenarios.Error (exit 2); a replay error
// or a panic is a bug (exit 3); the run must end by a virtual horizon that
// its steps bound.
func FuzzRun(f *testing.F) {
	for _, dir := range []string{"../../scenarios", "../../testdata/load-errors"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`apiVersion: stsim/v1
kind: Scenario
metadata: {name: f}
spec:
  cluster: {nodes: 2}
  manifests: [{file: m.yaml}]
  steps:
  - waitFor: {rolledOut: true, timeout: 5m}
  - crashLoop: {target: {ordinal: 0}, until: 20m}
  - nodeFail: {node: node-1, mode: partition}
    at: 10m
  - expect: {pods: 2, podNames: [web-0, "web-*"]}
    at: 5m
`))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(name string) ([]byte, error) {
			if filepath.Base(name) == "m.yaml" {
				return []byte(fuzzManifest), nil
			}
			return nil, fs.ErrNotExist
		}
		sc, err := scenarios.Parse("s.yaml", data, read)
		if err != nil {
			var e *scenarios.Error
			if !errors.As(err, &e) {
				t.Fatalf("load error %T is not a *scenarios.Error (exit 3 instead of 2): %v", err, err)
			}
			return
		}
		horizon, ok := fuzzHorizon(sc)
		if !ok {
			return
		}
		var runs []*history.Run
		for _, rules := range sc.Rules {
			run, err := runCapped(t, sc, rules)
			if errors.Is(err, errBudget) {
				return
			}
			if err != nil {
				t.Fatalf("%s rules: replay failed (exit 3): %v", rules, err)
			}
			if run.End > horizon {
				t.Fatalf("%s rules: the run ends at %v, past the horizon %v its steps allow", rules, run.End, horizon)
			}
			runs = append(runs, run)
		}
		rep := report.Build(report.Header{Name: sc.Name, Seed: sc.Seed, Description: sc.Description, File: sc.File, Notes: sc.Notes}, runs)
		for _, format := range []string{"text", "json"} {
			var out bytes.Buffer
			if err := report.Render(&out, format, []*report.Report{rep}, report.Options{Events: true}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
	})
}

// fuzzHorizon is the latest virtual time a run of sc may end at, or false
// when sc is larger than a fuzz input may be.
func fuzzHorizon(sc *scenarios.Scenario) (time.Duration, bool) {
	if len(sc.Steps) > fuzzMaxSteps || len(sc.Nodes) > fuzzMaxNodes {
		return 0, false
	}
	for _, m := range sc.Manifests {
		var r *int32
		switch o := m.Object.(type) {
		case *api.StatefulSet:
			r = o.Spec.Replicas
		case *api.Deployment:
			r = o.Spec.Replicas
		}
		if r != nil && *r > fuzzMaxReplicas {
			return 0, false
		}
	}
	horizon := replay.SettleLimit
	for _, st := range sc.Steps {
		long := st.After
		if st.At != nil {
			long = max(long, *st.At)
		}
		switch a := st.Action.(type) {
		case *scenarios.WaitFor:
			long = max(long, a.Timeout)
		case *scenarios.CrashLoop:
			long = max(long, a.Until)
		case *scenarios.Scale:
			if a.Replicas > fuzzMaxReplicas {
				return 0, false
			}
		case *scenarios.Patch, *scenarios.Apply:
			// They may set any replicas: the change budget bounds them.
		}
		if long > fuzzMaxTime {
			return 0, false
		}
		// A step ends at most its at, or its after plus its wait, later.
		horizon += 2 * long
	}
	return horizon, true
}

// runCapped replays sc under rules with the simulator's invariants checked
// and a budget of store writes.
func runCapped(t *testing.T, sc *scenarios.Scenario, rules workload.Rules) (run *history.Run, err error) {
	defer func() {
		if r := recover(); r != nil {
			if r == errBudget {
				run, err = nil, errBudget
				return
			}
			panic(r)
		}
	}()
	changes := 0
	return replay.RunWith(sc, rules, func(e *sim.Engine) {
		simtest.Check(t, e)
		e.Observe(func(_ *store.Txn, _ time.Duration, cs []store.Change) {
			if changes += len(cs); changes > fuzzMaxChanges {
				panic(errBudget)
			}
		})
	})
}
