package scenarios

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/workload"
)

func TestConvertStatefulSetToDeployment(t *testing.T) {
	m := strings.Replace(webSet, "  replicas: 2\n", "  replicas: 2\n  podManagementPolicy: Parallel\n  updateStrategy: {type: OnDelete}\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n  ordinals: {start: 1}\n  minReadySeconds: 5\n", 1)
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	w, extra, notes := variant(sc, workload.Deployment)
	d, ok := w.(*api.Deployment)
	if !ok {
		t.Fatalf("converted to %T", w)
	}
	if d.Name != "web" || d.APIVersion != "apps/v1" || d.Kind != api.KindDeployment || *d.Spec.Replicas != 2 || d.Spec.MinReadySeconds != 5 ||
		d.Spec.Strategy.Type != api.RollingUpdateStrategy || d.Spec.Strategy.RollingUpdate.MaxSurge.String() != "25%" {
		t.Errorf("deployment %+v", d)
	}
	wantVol := api.Volume{Name: "data", PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: "data-web"}}
	if v := d.Spec.Template.Spec.Volumes; len(v) != 1 || !reflect.DeepEqual(v[0], wantVol) {
		t.Errorf("volumes %+v", v)
	}
	if len(extra) != 1 {
		t.Fatalf("extra %+v", extra)
	}
	pvc := extra[0].(*api.PersistentVolumeClaim)
	if pvc.Name != "data-web" || pvc.Namespace != "default" || pvc.Kind != api.KindPersistentVolumeClaim ||
		pvc.Spec.Resources.Requests["storage"] != "1Gi" || !slices.Equal(pvc.Spec.AccessModes, []string{"ReadWriteOnce"}) {
		t.Errorf("claim %+v", pvc)
	}
	if err := api.ValidateDeployment(d); err != nil {
		t.Error(err)
	}
	want := []string{
		"StatefulSet web converted to Deployment web (replicas, selector and template kept; strategy RollingUpdate, maxSurge 25%, maxUnavailable 25%)",
		"spec.ordinals dropped (start 1)",
		"spec.persistentVolumeClaimRetentionPolicy dropped (whenDeleted Retain, whenScaled Delete)",
		"spec.podManagementPolicy dropped (Parallel)",
		"spec.serviceName dropped (web)",
		"spec.updateStrategy dropped (OnDelete)",
		"volumeClaimTemplate data mapped to one shared PersistentVolumeClaim data-web (spec.deployment.volumes: shared-pvc)",
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n got: %q\nwant: %q", notes, want)
	}
	// A fresh copy: changing it leaves the scenario alone.
	d.Spec.Template.Labels["app"] = "changed"
	*d.Spec.Replicas = 9
	if s := sc.Workload.Object.(*api.StatefulSet); s.Spec.Template.Labels["app"] != "web" || *s.Spec.Replicas != 2 || len(s.Spec.Template.Spec.Volumes) != 0 {
		t.Errorf("Convert changed the scenario's workload: %+v", s.Spec)
	}
}

func TestConvertDeploymentToStatefulSet(t *testing.T) {
	m := `apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  strategy: {type: Recreate}
  progressDeadlineSeconds: 60
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx:1.27}]}
`
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	w, extra, notes := variant(sc, workload.StatefulSet)
	s, ok := w.(*api.StatefulSet)
	if !ok {
		t.Fatalf("converted to %T", w)
	}
	if s.Name != "web" || s.Spec.ServiceName != "web-headless" || *s.Spec.Replicas != 3 || s.Kind != api.KindStatefulSet ||
		s.Spec.PodManagementPolicy != api.OrderedReadyPodManagement || len(extra) != 0 {
		t.Errorf("statefulset %+v, extra %v", s, extra)
	}
	if err := api.ValidateStatefulSet(s); err != nil {
		t.Error(err)
	}
	want := []string{
		"Deployment web converted to StatefulSet web (replicas, selector and template kept; podManagementPolicy OrderedReady, updateStrategy RollingUpdate, partition 0, maxUnavailable 1)",
		"spec.progressDeadlineSeconds dropped (60)",
		"spec.serviceName set to web-headless, the headless Service of the manifests that selects the pods",
		"spec.strategy dropped (Recreate)",
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n got: %q\nwant: %q", notes, want)
	}

	// Without a headless Service that selects the pods, one is generated:
	// named after the set (with -headless when a Service has its name),
	// headless, selecting the pods by the Deployment's matchLabels.
	for _, tc := range []struct {
		keep int
		name string
	}{{2, "web"}, {0, "web"}} {
		sc.Manifests = sc.Manifests[tc.keep:]
		v := convert(sc, sc.Workload.Object, workload.StatefulSet)
		s := v.Workload.(*api.StatefulSet)
		note := "spec.serviceName set to " + tc.name + ", a headless Service generated to select the pods (selector app=web): no headless Service of the manifests selects them"
		if s.Spec.ServiceName != tc.name || !slices.Contains(v.Notes, note) || len(v.Extra) != 1 {
			t.Fatalf("serviceName %s, extra %v, notes %q", s.Spec.ServiceName, v.Extra, v.Notes)
		}
		svc := v.Extra[0].(*api.Service)
		if svc.Name != tc.name || !svc.Headless() || !reflect.DeepEqual(svc.Spec.Selector, map[string]string{"app": "web"}) {
			t.Errorf("generated Service %+v", svc)
		}
		// The API server admits it when the apply creates it.
		if err := apiserver.Admit(svc.DeepCopyObject()); err != nil {
			t.Error(err)
		}
	}
	// A Service of the set's name that is not headless: the generated one
	// is called web-headless.
	sc.Manifests = append(sc.Manifests, Manifest{Object: &api.Service{TypeMeta: api.TypeMeta{Kind: api.KindService},
		ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.ServiceSpec{Selector: map[string]string{"app": "web"}}}})
	if v := convert(sc, sc.Workload.Object, workload.StatefulSet); v.Workload.(*api.StatefulSet).Spec.ServiceName != "web-headless" {
		t.Errorf("serviceName %s beside a Service web", v.Workload.(*api.StatefulSet).Spec.ServiceName)
	}
}

// TestConvertDeploymentClaimToTemplate: a pod volume that names a claim of
// the manifests becomes a volumeClaimTemplate of the volume's name with
// the claim's spec, so that each pod gets its own claim
// (<volume>-<set>-<ordinal>, as the StatefulSet controller names them); a
// claim the manifests lack, or one bound to a PersistentVolume by name,
// stays one shared claim. Each case is a conversion note.
func TestConvertDeploymentClaimToTemplate(t *testing.T) {
	m := `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: web-data, labels: {tier: db}}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pinned}
spec: {accessModes: [ReadWriteOnce], volumeName: pv-1, resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: "nginx:1.27", volumeMounts: [{name: data, mountPath: /data}, {name: old, mountPath: /old}, {name: gone, mountPath: /gone}, {name: tmp, mountPath: /tmp}]}]
      volumes:
      - {name: data, persistentVolumeClaim: {claimName: web-data}}
      - {name: old, persistentVolumeClaim: {claimName: pinned}}
      - {name: gone, persistentVolumeClaim: {claimName: missing}}
      - {name: tmp, emptyDir: {}}
`
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	v := sc.Variant(workload.StatefulSet)
	if v.Err != nil {
		t.Fatal(v.Err)
	}
	s := v.Workload.(*api.StatefulSet)
	ts := s.Spec.VolumeClaimTemplates
	if len(ts) != 1 || ts[0].Name != "data" || ts[0].Spec.Resources.Requests["storage"] != "2Gi" || ts[0].Labels["tier"] != "db" {
		t.Errorf("volumeClaimTemplates %+v", ts)
	}
	var names []string
	for _, vol := range s.Spec.Template.Spec.Volumes {
		names = append(names, vol.Name)
	}
	if !slices.Equal(names, []string{"old", "gone", "tmp"}) {
		t.Errorf("pod volumes %q, want old, gone, tmp", names)
	}
	for _, want := range []string{
		"volume data (claim web-data) became volumeClaimTemplate data: each pod gets a claim of its own, data-web-<ordinal>, made like web-data (which stays unused)",
		"volume old kept as the claim pinned, bound by name to PersistentVolume pv-1: every pod shares it",
		"volume gone kept as the claim missing, which the manifests do not define: every pod shares it",
	} {
		if !slices.Contains(v.Notes, want) {
			t.Errorf("notes %q lack %q", v.Notes, want)
		}
	}
	// The Deployment itself keeps its volumes under its own rules.
	if d := sc.Variant(workload.Deployment).Workload.(*api.Deployment); len(d.Spec.Template.Spec.Volumes) != 4 {
		t.Errorf("Deployment volumes %+v", d.Spec.Template.Spec.Volumes)
	}
}

func TestConvertSameRules(t *testing.T) {
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": webSet})
	w, extra, notes := variant(sc, workload.StatefulSet)
	if !reflect.DeepEqual(w, sc.Workload.Object) || extra != nil || notes != nil {
		t.Errorf("Convert to the same rules: %+v %v %q", w, extra, notes)
	}
	if w == sc.Workload.Object {
		t.Error("Convert returned the scenario's own object, not a copy")
	}
}

func TestConvertKeepsTemplateVolume(t *testing.T) {
	m := strings.Replace(webSet, "        image: nginx:1.27\n", "        image: nginx:1.27\n      volumes: [{name: data, emptyDir: {}}]\n", 1)
	sc := mustParse(t, map[string]string{"s.yaml": scenarioWith(""), "m.yaml": m})
	w, extra, notes := variant(sc, workload.Deployment)
	if v := w.(*api.Deployment).Spec.Template.Spec.Volumes; len(v) != 1 || v[0].EmptyDir == nil || len(extra) != 0 ||
		!slices.Contains(notes, "volumeClaimTemplate data dropped: the pod template has its own volume data") {
		t.Errorf("volumes %+v, extra %v, notes %q", v, extra, notes)
	}
}

// variant is the scenario's workload under rules, as three values.
func variant(sc *Scenario, rules workload.Rules) (api.Object, []api.Object, []string) {
	v := sc.Variant(rules)
	return v.Workload, v.Extra, v.Notes
}

// TestConvertDeploymentVolumes follows spec.deployment.volumes: under
// Deployment rules each volumeClaimTemplate becomes one claim that every
// pod shares (shared-pvc), an emptyDir of each pod (emptydir), or a generic
// ephemeral volume of each pod whose claim template is the
// volumeClaimTemplate (ephemeral: the ephemeral volume controller makes
// the claim <pod>-<volume>, owned by the pod). Only shared-pvc adds a
// claim to the manifests; each mapping is a conversion note.
func TestConvertDeploymentVolumes(t *testing.T) {
	for _, tc := range []struct {
		mode  string
		check func(api.Volume) bool
		extra int
		note  string
	}{
		{"shared-pvc", func(v api.Volume) bool {
			return v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == "data-web"
		}, 1,
			"volumeClaimTemplate data mapped to one shared PersistentVolumeClaim data-web (spec.deployment.volumes: shared-pvc)"},
		{"emptydir", func(v api.Volume) bool { return v.EmptyDir != nil }, 0,
			"volumeClaimTemplate data mapped to an emptyDir volume data of each pod, whose data lives and dies with the pod (spec.deployment.volumes: emptydir)"},
		{"ephemeral", func(v api.Volume) bool {
			t := v.Ephemeral.VolumeClaimTemplate
			return t.Spec.Resources.Requests["storage"] == "1Gi" && slices.Equal(t.Spec.AccessModes, []string{"ReadWriteOnce"})
		}, 0,
			"volumeClaimTemplate data mapped to a generic ephemeral volume data of each pod: a claim <pod>-data per pod, deleted with the pod (spec.deployment.volumes: ephemeral)"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			sc := mustParse(t, map[string]string{"s.yaml": scenarioWith("  deployment: {volumes: " + tc.mode + "}\n"), "m.yaml": webSet})
			if sc.DeploymentVolumes != tc.mode {
				t.Fatalf("DeploymentVolumes %q", sc.DeploymentVolumes)
			}
			w, extra, notes := variant(sc, workload.Deployment)
			vols := w.(*api.Deployment).Spec.Template.Spec.Volumes
			if len(vols) != 1 || vols[0].Name != "data" || !tc.check(vols[0]) {
				t.Errorf("volumes %+v", vols)
			}
			if len(extra) != tc.extra {
				t.Errorf("extra objects %+v", extra)
			}
			if !slices.Contains(notes, tc.note) {
				t.Errorf("notes %q lack %q", notes, tc.note)
			}
			if sc.Variant(workload.Deployment).Err != nil {
				t.Error(sc.Variant(workload.Deployment).Err)
			}
		})
	}
}
