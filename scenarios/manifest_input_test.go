package scenarios

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestManifestsAsPeopleWriteThem loads manifests in the shapes kubectl
// apply reads: a List (as `kubectl get -o yaml` writes it), a List in a
// List (flattened, as kubectl's FlattenListVisitor does) and a typed
// list, a Namespace object and objects in a namespace, comments and
// empty documents, kinds stsim does not simulate. Everything loads; what
// is not simulated is in Ignored, never dropped silently.
func TestManifestsAsPeopleWriteThem(t *testing.T) {
	m := `# the namespace first, as people write it
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: List
  items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: web-config, namespace: shop}
    data: {a: b}
- apiVersion: v1
  kind: Service
  metadata: {name: web, namespace: shop}
  spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: ServiceList
items:
- apiVersion: v1
  kind: Service
  metadata: {name: web-lb, namespace: shop}
  spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: shop}
spec:
  serviceName: web
  replica: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
`
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	var kinds []string
	for _, mf := range sc.Manifests {
		kinds = append(kinds, mf.Object.GetKind()+" "+mf.Object.Meta().Namespace+"/"+mf.Object.Meta().Name)
	}
	if want := []string{"Service shop/web", "Service shop/web-lb", "StatefulSet shop/web"}; !slices.Equal(kinds, want) {
		t.Errorf("manifests %q, want %q", kinds, want)
	}
	for _, want := range []string{
		"Namespace shop (kind Namespace is not simulated)",
		"ConfigMap web-config (kind ConfigMap is not simulated)",
		"PodDisruptionBudget web (kind PodDisruptionBudget is not simulated)",
		"StatefulSet web: spec.replica is not a field stsim knows; did you mean replicas? (m.yaml:40:3)",
	} {
		if !slices.Contains(sc.Ignored, want) {
			t.Errorf("Ignored %q lacks %q", sc.Ignored, want)
		}
	}
	if ns := sc.workload().Namespace(); ns != "shop" {
		t.Errorf("workload namespace %q", ns)
	}
}

// TestSeedAndDocsManifestsLoad loads, unchanged, the seed's manifests
// (scenarios/manifests/myapp-*.yaml) and the Kubernetes documentation's
// examples (testdata/review): the StatefulSet web with its www claims and
// headless Service nginx, and the Deployment nginx-deployment.
func TestSeedAndDocsManifestsLoad(t *testing.T) {
	for _, files := range [][]string{
		{"manifests/myapp-svc-headless.yaml", "manifests/myapp-sts.yaml"},
		{"../testdata/review/k8s-docs-web.yaml"},
		{"../testdata/review/k8s-docs-nginx-deployment.yaml"},
	} {
		src := "apiVersion: stsim/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  manifests:\n"
		for _, f := range files {
			src += "  - file: " + f + "\n"
		}
		sc, err := ParseWith("s.yaml", []byte(src), os.ReadFile, Options{AllowOutside: true})
		if err != nil {
			t.Fatalf("%s: %v", files, err)
		}
		for _, v := range sc.variants {
			if v.Err != nil {
				t.Errorf("%s under %s rules: %v", files, v.Rules, v.Err)
			}
		}
		if len(sc.Ignored) != 0 {
			t.Errorf("%s: ignored %q", files, sc.Ignored)
		}
	}
}

// TestIsManifest tells Kubernetes manifests from scenarios.
func TestIsManifest(t *testing.T) {
	for _, tc := range []struct {
		text               string
		manifest, scenario bool
	}{
		{"apiVersion: v1\nkind: Service\n", true, false},
		{"---\n# a comment\n---\napiVersion: apps/v1\nkind: StatefulSet\n", true, false},
		{"apiVersion: v1\nkind: List\nitems: []\n", true, false},
		{"apiVersion: stsim/v1\nkind: Scenario\n", false, true},
		{"kind: Scenario\n", false, false},
		{"apiVersion: v1\n", false, false},
		{"- a\n- b\n", false, false},
		{"{{{", false, false},
	} {
		if got := IsManifest([]byte(tc.text)); got != tc.manifest {
			t.Errorf("IsManifest(%q) = %v", tc.text, got)
		}
		if got := IsScenario([]byte(tc.text)); got != tc.scenario {
			t.Errorf("IsScenario(%q) = %v", tc.text, got)
		}
	}
}

// TestNearest: a slip of a letter or two names the key meant; a word far
// from every key names none.
func TestNearest(t *testing.T) {
	keys := []string{"rolledOut", "ready", "podReady", "gone", "timeout"}
	for _, tc := range []struct{ in, want string }{
		{"rolledout", "rolledOut"},
		{"rolledOu", "rolledOut"},
		{"redy", "ready"},
		{"podready", "podReady"},
		{"timout", "timeout"},
		{"goen", "gone"},
		{"xyz", ""},
		{"replicas", ""},
		{strings.Repeat("a", 100), ""},
	} {
		if got := nearest(tc.in, keys, 3); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := nearest("hostIPC", []string{"hostPID"}, 1); got != "" {
		t.Errorf("a manifest field two edits away is called a slip: %q", got)
	}
	if got := unknownKey("scael", "one of scale, apply", []string{"scale", "apply"}); got != "unknown field; did you mean scale? (expected one of scale, apply)" {
		t.Errorf("unknownKey: %q", got)
	}
}
