package scenarios

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"stsim/sim/api"
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
		"spec.serviceName set to web-headless, the headless Service that selects the pods",
		"spec.strategy dropped (Recreate)",
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n got: %q\nwant: %q", notes, want)
	}

	// Without a headless Service the set is governed by one named after it.
	sc.Manifests = sc.Manifests[2:]
	v := convert(sc, sc.Workload.Object, workload.StatefulSet)
	w, notes = v.Workload, v.Notes
	if s := w.(*api.StatefulSet); s.Spec.ServiceName != "web" || !slices.Contains(notes, "spec.serviceName set to web (no headless Service selects the pods, so pod DNS names do not resolve)") {
		t.Errorf("serviceName %s, notes %q", s.Spec.ServiceName, notes)
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
