package scenarios

import (
	"errors"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		scenario string
		manifest string
		want     string
	}{{
		name:     "unknown scenario field",
		scenario: scenarioWith("  stepz: []\n"),
		want:     "s.yaml:7:3: spec.stepz: unknown field; expected one of seed, rules, deployment, cluster, timing, images, dns, manifests, steps",
	}, {
		name:     "bad duration",
		scenario: scenarioWith("  steps:\n  - apply: {}\n  - scale: {replicas: 1}\n    after: 10 s\n"),
		want:     `s.yaml:10:12: spec.steps[1].after: want a duration such as 10s or 1m30s, got "10 s"`,
	}, {
		name:     "bad type in a manifest",
		scenario: scenarioWith(""),
		manifest: strings.Replace(webSet, "replicas: 2", "replicas: abc", 1),
		want:     `m.yaml:15:13: spec.replicas: want an integer, got "abc"`,
	}, {
		name:     "bad nested type in a manifest",
		scenario: scenarioWith(""),
		manifest: strings.Replace(webSet, "image: nginx:1.27", "image: [nginx]", 1),
		want:     `m.yaml:24:16: spec.template.spec.containers[0].image: want a string, got a list`,
	}, {
		name:     "YAML syntax error",
		scenario: "apiVersion: stsim/v1\nkind: Scenario\nmetadata: {name: bad}\nspec:\n  manifests: [\n",
		want:     "s.yaml:5:1: invalid YAML: did not find expected node content",
	}, {
		name:     "YAML syntax error in a manifest",
		scenario: scenarioWith(""),
		manifest: "apiVersion: v1\nkind: Service\n  metadata: x\n",
		want:     "m.yaml:3:1: invalid YAML: mapping values are not allowed in this context",
	}, {
		name:     "two workloads",
		scenario: scenarioWith(""),
		manifest: webSet + "---\n" + strings.Replace(strings.Replace(webSet[strings.Index(webSet, "apiVersion: apps/v1"):], "StatefulSet", "Deployment", 1), "  serviceName: web\n", "", 1),
		want:     "m.yaml:31:1: a second workload Deployment web; StatefulSet web (m.yaml:9:1) is the first, and a scenario runs exactly one StatefulSet or Deployment",
	}, {
		name:     "no workload",
		scenario: scenarioWith(""),
		manifest: webSet[:strings.Index(webSet, "---")],
		want:     "s.yaml:6:3: spec.manifests: no StatefulSet or Deployment: a scenario runs exactly one workload",
	}, {
		name:     "action not simulated",
		scenario: scenarioWith("  steps:\n  - apply: {}\n  - setImage: {image: nginx:2}\n"),
		want:     "s.yaml:9:5: spec.steps[1].setImage: action setImage is not simulated yet",
	}, {
		name:     "selector does not match the template",
		scenario: scenarioWith(""),
		manifest: strings.Replace(webSet, "labels: {app: web}", "labels: {app: other}", 1),
		want:     "m.yaml:20:15: StatefulSet.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
	}, {
		name:     "not a scenario",
		scenario: webSet[:strings.Index(webSet, "---")],
		want:     `s.yaml:1:13: apiVersion: want stsim/v1, got "v1"; this looks like a Kubernetes manifest: name it under spec.manifests of a scenario, or run ` + "`stsim review`" + ` on it`,
	}, {
		name:     "a manifest given as a scenario",
		scenario: "apiVersion: stsim/v1\nkind: StatefulSet\n",
		want:     `s.yaml:2:7: kind: want Scenario, got "StatefulSet"; this looks like a Kubernetes manifest: name it under spec.manifests of a scenario, or run ` + "`stsim review`" + ` on it`,
	}, {
		name:     "bad scenario name",
		scenario: strings.Replace(scenarioWith(""), "name: t", "name: T_1", 1),
		want:     `s.yaml:3:18: metadata.name: want a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got "T_1"`,
	}, {
		name:     "deployment volumes not simulated",
		scenario: scenarioWith("  deployment: {volumes: emptydir}\n"),
		want:     `s.yaml:7:25: spec.deployment.volumes: "emptydir" is not simulated yet; only shared-pvc is`,
	}, {
		name:     "crashLoop not simulated",
		scenario: scenarioWith("  images:\n    nginx:broken: {crashLoop: true}\n"),
		want:     `s.yaml:8:31: spec.images[nginx:broken].crashLoop: crashLoop is not simulated yet`,
	}, {
		name:     "expect rejected not simulated",
		scenario: scenarioWith("  steps:\n  - expect: {rejected: true}\n"),
		want:     `s.yaml:8:14: spec.steps[0].expect.rejected: check rejected is not simulated yet`,
	}, {
		name:     "unknown rule set",
		scenario: scenarioWith("  rules: [statefulset, daemonset]\n"),
		want:     `s.yaml:7:24: spec.rules[1]: want statefulset or deployment, got "daemonset"`,
	}, {
		name:     "at and after",
		scenario: scenarioWith("  steps:\n  - scale: {replicas: 1}\n    at: 5s\n    after: 5s\n"),
		want:     `s.yaml:10:12: spec.steps[0].after: at and after exclude each other; give one`,
	}, {
		name:     "two actions in a step",
		scenario: scenarioWith("  steps:\n  - scale: {replicas: 1}\n    apply: {}\n"),
		want:     `s.yaml:8:5: spec.steps[0]: one action per step, found scale and apply`,
	}, {
		name:     "unknown step field",
		scenario: scenarioWith("  steps:\n  - scael: {replicas: 1}\n"),
		want:     `s.yaml:8:5: spec.steps[0].scael: unknown field; expected at, after or one action: apply, waitFor, deletePod, scale, write, read, resolve, expect, forceDeletePod, evictPod, patchPod, crash, crashLoop, readiness, setImage, patch, rolloutRestart, rolloutUndo, deleteWorkload, deleteClaim, nodeFail, nodeRecover, deleteNode, taintNode`,
	}, {
		name:     "unknown volume",
		scenario: scenarioWith("  steps:\n  - write: {target: all, volume: logs, key: k, value: v}\n"),
		want:     `s.yaml:8:34: spec.steps[0].write.volume: StatefulSet web has no volume or volumeClaimTemplate "logs" (it has: data)`,
	}, {
		name:     "bad target",
		scenario: scenarioWith("  steps:\n  - deletePod: {target: {ordinal: 1, pod: web-0}}\n"),
		want:     `s.yaml:8:25: spec.steps[0].deletePod.target: want all, {pod: NAME}, {ordinal: N}, {node: NAME} or {random: N} (exactly one)`,
	}, {
		name:     "unknown node target",
		scenario: scenarioWith("  steps:\n  - deletePod: {target: {node: node-9}}\n"),
		want:     `s.yaml:8:32: spec.steps[0].deletePod.target.node: no node "node-9" in spec.cluster.nodes`,
	}, {
		name:     "waitFor without a condition",
		scenario: scenarioWith("  steps:\n  - waitFor: {timeout: 1m}\n"),
		want:     `s.yaml:8:14: spec.steps[0].waitFor: want at least one condition: rolledOut, ready, podReady or gone`,
	}, {
		name:     "negative scale",
		scenario: scenarioWith("  steps:\n  - scale: {replicas: -1}\n"),
		want:     `s.yaml:8:23: spec.steps[0].scale.replicas: must not be negative, got -1`,
	}, {
		name:     "wrong apiVersion for a kind",
		scenario: scenarioWith(""),
		manifest: strings.Replace(webSet, "apps/v1", "apps/v1beta1", 1),
		want:     `m.yaml:9:13: apiVersion: want apps/v1 for kind StatefulSet, got "apps/v1beta1"`,
	}, {
		name:     "other namespace",
		scenario: scenarioWith(""),
		manifest: strings.Replace(webSet, "  name: web\n", "  name: web\n  namespace: prod\n", 1),
		want:     `m.yaml:13:14: metadata.namespace: only namespace default is simulated, got "prod"`,
	}, {
		name:     "missing manifest file",
		scenario: strings.Replace(scenarioWith(""), "m.yaml", "nope.yaml", 1),
		want:     `s.yaml:6:11: spec.manifests[0].file: cannot read nope.yaml: file does not exist`,
	}, {
		name:     "duplicate key",
		scenario: scenarioWith("  seed: 1\n  seed: 2\n"),
		want:     `s.yaml:8:3: spec.seed: key written twice`,
	}, {
		name:     "alias cycle",
		scenario: scenarioWith("  rules: &r [*r]\n"),
		want:     `s.yaml:7:10: spec.rules[0]: an alias refers to a node that contains it`,
	}, {
		name:     "empty file",
		scenario: "# nothing\n",
		want:     `s.yaml:1:1: empty file: want a stsim/v1 Scenario`,
	}, {
		name:     "converted workload invalid",
		scenario: scenarioWith(""),
		manifest: strings.Replace(strings.Replace(webSet[strings.Index(webSet, "apiVersion: apps/v1"):], "StatefulSet", "Deployment", 1), "name: web", "name: web.v1", 1),
		want:     `m.yaml:1:1: under statefulset rules the converted workload is invalid: StatefulSet.apps "web.v1" is invalid: metadata.name: Invalid value: "web.v1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.manifest
			if m == "" {
				m = webSet
			}
			_, err := parseFiles(map[string]string{"s.yaml": tt.scenario, "m.yaml": m})
			if err == nil {
				t.Fatalf("Parse succeeded, want error %q", tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not an *Error", err)
			}
		})
	}
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
		Timing:            ImageBehavior{Start: 2 * time.Second, Ready: 3 * time.Second, Shutdown: time.Second},
		DNSTTL:            30,
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
    - {name: node-a, zone: zone-a, capacity: {pods: 3, cpu: "2"}}
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
		{Name: "node-a", Zone: "zone-a", Pods: 3, Labels: map[string]string{api.LabelHostname: "node-a", api.LabelZone: "zone-a"}},
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
	if want := []string{"Node node-a: spec.cluster.nodes[0].capacity.cpu is not simulated (s.yaml:11:61)"}; !slices.Equal(sc.Ignored, want) {
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
	m := strings.Replace(webSet, "        image: nginx:1.27\n", "        image: nginx:1.27\n        resources: {requests: {cpu: 100m}}\n", 1) +
		"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n---\n# empty\n"
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	want := []string{
		"StatefulSet web: spec.template.spec.containers[0].resources is not simulated (m.yaml:25:9)",
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
