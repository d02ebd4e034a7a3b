package scenarios

import (
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"stsim/limits"
	"stsim/sim/api"
	"stsim/sim/workload"
)

// webSet is a small StatefulSet manifest with a headless Service.
const webSet = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`

// scenarioWith is a scenario over m.yaml with these spec lines after
// manifests (indented by two spaces).
func scenarioWith(specLines string) string {
	return "apiVersion: stsim/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  manifests:\n  - file: m.yaml\n" + specLines
}

// parseFiles parses files["s.yaml"], reading its manifests from files.
func parseFiles(files map[string]string) (*Scenario, error) {
	read := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
	return Parse("s.yaml", []byte(files["s.yaml"]), read)
}

func mustParse(t *testing.T, files map[string]string) *Scenario {
	t.Helper()
	sc, err := parseFiles(files)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return sc
}

func TestDefaults(t *testing.T) {
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": webSet})
	zero := time.Duration(0)
	want := &Scenario{
		Name:              "t",
		File:              "s.yaml",
		Seed:              1,
		Rules:             []workload.Rules{workload.StatefulSet, workload.Deployment},
		DeploymentVolumes: VolumesSharedPVC,
		Nodes:             []Node{{Name: "node-1", Labels: map[string]string{api.LabelHostname: "node-1"}, Pods: 110}},
		Timing:            ImageBehavior{Start: 2 * time.Second, Shutdown: time.Second},
		DNSTTL:            30,
		Limits:            limits.Default,
	}
	if len(sc.Steps) != 1 || sc.Steps[0].Index != -1 || sc.Steps[0].Pos != (Pos{"s.yaml", 5, 3}) || *sc.Steps[0].At != zero {
		t.Fatalf("steps %+v", sc.Steps)
	}
	if a, ok := sc.Steps[0].Action.(*Apply); !ok || a.Manifests != nil || len(a.Objects(workload.Deployment)) != 3 {
		t.Errorf("implicit apply %+v", sc.Steps[0].Action)
	}
	sc.Manifests, sc.Workload, sc.Steps, sc.variants = nil, Manifest{}, nil, nil
	if diff := cmp.Diff(want, sc, cmp.AllowUnexported(Scenario{})); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestSpecFields(t *testing.T) {
	sc := mustParse(t, map[string]string{"m.yaml": webSet, "s.yaml": scenarioWith(`  seed: 7
  rules: deployment
  cluster:
    nodes:
    - {name: node-a, zone: zone-a, capacity: {pods: 3, cpu: "2", memory: 1Gi}}
    - {zone: zone-b, labels: {disk: ssd}}
  timing: {containerStart: 1, ready: 1m30s, shutdown: 0.5}
  images:
    slow:1: {ready: never}
    db:2: {shutdown: 60s}
  dns: {ttl: 5}
  steps:
  - waitFor: {podReady: {ordinal: 1}, gone: all, ready: 2}
  - write: {target: {random: 1}, key: 1, value: 2}
    at: 30s
  - read: {target: {pod: web-0}, key: "1"}
    after: 5
  - resolve: {name: web-0.web, type: SRV}
  - expect:
      podNames: []
      read: {target: {node: node-a}, key: k, missing: true}
      resolve: {name: web-0.web, nxdomain: true}
`)})
	if sc.Seed != 7 || !slices.Equal(sc.Rules, []workload.Rules{workload.Deployment}) || sc.DNSTTL != 5 {
		t.Errorf("seed %d, rules %v, ttl %d", sc.Seed, sc.Rules, sc.DNSTTL)
	}
	wantNodes := []Node{
		{Name: "node-a", Zone: "zone-a", Pods: 3, MilliCPU: 2000, Memory: 1 << 30, Labels: map[string]string{api.LabelHostname: "node-a", api.LabelZone: "zone-a"}},
		{Name: "node-2", Zone: "zone-b", Pods: 110, Labels: map[string]string{"disk": "ssd", api.LabelHostname: "node-2", api.LabelZone: "zone-b"}},
	}
	if diff := cmp.Diff(wantNodes, sc.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	timing := ImageBehavior{Start: time.Second, Ready: 90 * time.Second, Shutdown: 500 * time.Millisecond}
	if sc.Timing != timing {
		t.Errorf("timing %+v", sc.Timing)
	}
	slow, db := timing, timing
	slow.Ready, slow.NeverReady = 0, true
	db.Shutdown = time.Minute
	if !reflect.DeepEqual(sc.Images, map[string]ImageBehavior{"slow:1": slow, "db:2": db}) {
		t.Errorf("images %+v", sc.Images)
	}
	if len(sc.Ignored) != 0 {
		t.Errorf("ignored %q", sc.Ignored)
	}
	if len(sc.Steps) != 6 || sc.Steps[0].Index != -1 {
		t.Fatalf("steps %+v", sc.Steps)
	}
	one, two := 1, 2
	w := sc.Steps[1]
	if w.Pos != (Pos{"s.yaml", 19, 5}) || !reflect.DeepEqual(w.Action, &WaitFor{Ready: &two, PodReady: &Target{Ordinal: &one},
		Gone: &Target{All: true}, Timeout: 10 * time.Minute}) {
		t.Errorf("waitFor %+v at %v", w.Action, w.Pos)
	}
	if s := sc.Steps[2]; *s.At != 30*time.Second || !reflect.DeepEqual(s.Action, &Write{Target: Target{Random: &one}, Volume: "data", Key: "1", Value: "2"}) {
		t.Errorf("write %+v", s)
	}
	if s := sc.Steps[3]; s.At != nil || s.After != 5*time.Second || !reflect.DeepEqual(s.Action, &Read{Target: Target{Pod: "web-0"}, Volume: "data", Key: "1"}) {
		t.Errorf("read %+v", s)
	}
	if s := sc.Steps[4]; !reflect.DeepEqual(s.Action, &Resolve{Name: "web-0.web", Type: "SRV"}) {
		t.Errorf("resolve %+v", s.Action)
	}
	want := &Expect{Checks: []Check{PodNamesCheck{Want: []string{}}, ReadCheck{Target: Target{Node: "node-a"}, Volume: "data", Key: "k", Missing: true},
		ResolveCheck{Name: "web-0.web", Type: "A", NXDomain: true}}}
	if diff := cmp.Diff(want, sc.Steps[5].Action); diff != "" {
		t.Errorf("expect (-want +got):\n%s", diff)
	}
}

func TestIgnoredKindsAndFields(t *testing.T) {
	m := strings.Replace(webSet, "        image: nginx:1.27\n", "        image: nginx:1.27\n        resources: {requests: {cpu: 100m}, claims: [{name: gpu}]}\n", 1) +
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n---\n# empty\n"
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	want := []string{
		"StatefulSet web: spec.template.spec.containers[0].resources.claims is not simulated (m.yaml:25:44)",
		"ConfigMap extra (kind ConfigMap is not simulated)",
	}
	if !slices.Equal(sc.Ignored, want) {
		t.Errorf("ignored\n got: %q\nwant: %q", sc.Ignored, want)
	}
	if len(sc.Manifests) != 2 {
		t.Errorf("%d manifests, want 2", len(sc.Manifests))
	}
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	m := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels {app: web}
spec:
  selector: {matchLabels: *labels}
  template:
    metadata: {labels: *labels}
    spec:
      containers:
      - &c {name: a, image: nginx:1}
      - <<: *c
        name: b
`
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	d := sc.Workload.Object.(*api.Deployment)
	c := d.Spec.Template.Spec.Containers
	if len(c) != 2 || c[1].Name != "b" || c[1].Image != "nginx:1" || d.Spec.Template.Labels["app"] != "web" {
		t.Errorf("containers %+v, labels %v", c, d.Spec.Template.Labels)
	}
}

func TestPatch(t *testing.T) {
	s := `apiVersion: stsim/v1
kind: Scenario
metadata: {name: t}
spec:
  manifests:
  - file: m.yaml
    patch:
      metadata: {labels: {tier: db}}
      spec:
        serviceName: null
        replicas: 2
        template: {spec: {terminationGracePeriodSeconds: abc}}
`
	_, err := parseFiles(map[string]string{"s.yaml": s, "m.yaml": webSet[strings.Index(webSet, "apiVersion: apps/v1"):]})
	// The error in the patch points at the scenario, not the manifest.
	if want := `s.yaml:12:58: spec.template.spec.terminationGracePeriodSeconds: want an integer, got "abc"`; err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	s = strings.Replace(s, "abc", "5", 1)
	sc := mustParse(t, map[string]string{"s.yaml": s, "m.yaml": webSet})
	want := []string{
		"m.yaml: Service web patched by the scenario: metadata.labels, spec.replicas, spec.template",
		"m.yaml: StatefulSet web patched by the scenario: metadata.labels, spec.serviceName, spec.template.spec.terminationGracePeriodSeconds",
	}
	if !slices.Equal(sc.Notes, want) {
		t.Errorf("notes\n got: %q\nwant: %q", sc.Notes, want)
	}
	set := sc.Workload.Object.(*api.StatefulSet)
	if set.Labels["tier"] != "db" || set.Spec.ServiceName != "" || *set.Spec.Template.Spec.TerminationGracePeriodSeconds != 5 {
		t.Errorf("patched set %+v", set)
	}
	svc := sc.Manifests[0].Object.(*api.Service)
	if svc.Labels["tier"] != "db" {
		t.Errorf("the patch applies to every document of the entry: %+v", svc.ObjectMeta)
	}
}

func TestApplyStep(t *testing.T) {
	s := scenarioWith(`  steps:
  - apply: {}
  - apply:
      file: m.yaml
      patch: {spec: {template: {spec: {containers: [{name: nginx, image: "nginx:1.28"}]}}}}
    after: 1m
`)
	sc := mustParse(t, map[string]string{"s.yaml": s, "m.yaml": webSet})
	if len(sc.Steps) != 2 || sc.Steps[0].Action.(*Apply).Manifests != nil {
		t.Fatalf("steps %+v", sc.Steps)
	}
	second := sc.Steps[1].Action.(*Apply)
	if objs := second.Manifests; len(objs) != 2 || objs[1].Object.(*api.StatefulSet).Spec.Template.Spec.Containers[0].Image != "nginx:1.28" {
		t.Errorf("apply manifests %+v", objs)
	}
	// Under Deployment rules the step applies the workload converted to a
	// Deployment, with the claim its conversion adds, once at load.
	objs := second.Objects(workload.Deployment)
	if len(objs) != 3 || objs[1].(*api.Deployment).Spec.Template.Spec.Containers[0].Image != "nginx:1.28" || objs[2].GetKind() != api.KindPersistentVolumeClaim {
		t.Errorf("apply objects under Deployment rules %+v", objs)
	}
	if img := sc.Workload.Object.(*api.StatefulSet).Spec.Template.Spec.Containers[0].Image; img != "nginx:1.27" {
		t.Errorf("the workload changed to %s", img)
	}
}
