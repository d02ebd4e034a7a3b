package scenarios

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"stsim/sim/api"
	"stsim/sim/apiserver"
	"stsim/sim/workload"
)

// convert returns the workload w (as written, admitted) as it runs under
// rules: a copy, converted to the other kind when w was written for the
// other rule set and admitted by the API server's defaulting and validation
// (a validation failure is the variant's Err). Notes say what changed: the
// conversion first, then each mapped or dropped field, sorted. A workload
// run under its own rules has no extra objects and no notes.
func convert(sc *Scenario, w api.Object, rules workload.Rules) *Variant {
	v := &Variant{Rules: rules}
	switch o := w.(type) {
	case *api.StatefulSet:
		if rules == workload.StatefulSet {
			v.Workload = o.DeepCopy()
			return v
		}
		v.Workload, v.Extra, v.Notes = toDeployment(sc, o.DeepCopy())
	case *api.Deployment:
		if rules == workload.Deployment {
			v.Workload = o.DeepCopy()
			return v
		}
		v.Workload, v.Extra, v.Notes = toStatefulSet(sc, o.DeepCopy())
	default:
		panic(fmt.Sprintf("scenarios: %s is not a workload", w.GetKind()))
	}
	// A dry run of the API server's create: the converted object is
	// defaulted (its notes describe the defaults) and validated.
	v.Err = apiserver.Admit(v.Workload)
	if v.Err == nil {
		v.Notes[0] = describeConversion(w, v.Workload)
	}
	return v
}

// describeConversion is the first note: what became what, and the update
// strategy the converted workload got.
func describeConversion(from, to api.Object) string {
	switch t := to.(type) {
	case *api.Deployment:
		return fmt.Sprintf("StatefulSet %s converted to Deployment %s (replicas, selector and template kept; strategy %s)",
			from.Meta().Name, t.Name, describeDeploymentStrategy(t.Spec.Strategy))
	case *api.StatefulSet:
		return fmt.Sprintf("Deployment %s converted to StatefulSet %s (replicas, selector and template kept; podManagementPolicy %s, updateStrategy %s)",
			from.Meta().Name, t.Name, t.Spec.PodManagementPolicy, describeStatefulSetStrategy(t.Spec.UpdateStrategy))
	}
	return ""
}

// toDeployment converts a StatefulSet (a copy it may keep parts of); the
// caller defaults the result and writes the first note. Each
// volumeClaimTemplate T becomes a pod volume T, as spec.deployment.volumes
// says: shared-pvc, the claim T-SET that every pod mounts; emptydir, an
// emptyDir of each pod; ephemeral, a generic ephemeral volume of each pod,
// whose claim <pod>-T is made from the template and deleted with the pod.
func toDeployment(sc *Scenario, s *api.StatefulSet) (api.Object, []api.Object, []string) {
	d := &api.Deployment{
		TypeMeta:   api.TypeMeta{APIVersion: "apps/v1", Kind: api.KindDeployment},
		ObjectMeta: api.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: s.Labels, Annotations: s.Annotations},
		Spec: api.DeploymentSpec{
			Replicas:             s.Spec.Replicas,
			Selector:             s.Spec.Selector,
			Template:             s.Spec.Template,
			MinReadySeconds:      s.Spec.MinReadySeconds,
			RevisionHistoryLimit: s.Spec.RevisionHistoryLimit,
		},
	}
	var extra []api.Object
	var notes []string
	tmpl := &d.Spec.Template.Spec
	for _, t := range s.ClaimTemplates() {
		claim := t.Name + "-" + s.Name
		if slices.ContainsFunc(tmpl.Volumes, func(v api.Volume) bool { return v.Name == t.Name }) {
			notes = append(notes, fmt.Sprintf("volumeClaimTemplate %s dropped: the pod template has its own volume %s", t.Name, t.Name))
			continue
		}
		switch sc.DeploymentVolumes {
		case VolumesEmptyDir:
			tmpl.Volumes = append(tmpl.Volumes, api.Volume{Name: t.Name, EmptyDir: &api.EmptyDirVolumeSource{}})
			notes = append(notes, fmt.Sprintf("volumeClaimTemplate %s mapped to an emptyDir volume %s of each pod, whose data lives and dies with the pod (spec.deployment.volumes: %s)", t.Name, t.Name, sc.DeploymentVolumes))
			continue
		case VolumesEphemeral:
			tmpl.Volumes = append(tmpl.Volumes, api.Volume{Name: t.Name, Ephemeral: &api.EphemeralVolumeSource{
				VolumeClaimTemplate: &api.PersistentVolumeClaimTemplate{
					ObjectMeta: api.ObjectMeta{Labels: t.Labels, Annotations: t.Annotations},
					Spec:       t.Spec.DeepCopy(),
				}}})
			notes = append(notes, fmt.Sprintf("volumeClaimTemplate %s mapped to a generic ephemeral volume %s of each pod: a claim <pod>-%s per pod, deleted with the pod (spec.deployment.volumes: %s)", t.Name, t.Name, t.Name, sc.DeploymentVolumes))
			continue
		}
		tmpl.Volumes = append(tmpl.Volumes, api.Volume{Name: t.Name,
			PersistentVolumeClaim: &api.PersistentVolumeClaimVolumeSource{ClaimName: claim}})
		if hasManifest(sc, api.KindPersistentVolumeClaim, claim) {
			notes = append(notes, fmt.Sprintf("volumeClaimTemplate %s mapped to the manifests' PersistentVolumeClaim %s (spec.deployment.volumes: %s)", t.Name, claim, sc.DeploymentVolumes))
			continue
		}
		pvc := &api.PersistentVolumeClaim{
			TypeMeta:   api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolumeClaim},
			ObjectMeta: api.ObjectMeta{Name: claim, Namespace: s.Namespace, Labels: t.Labels, Annotations: t.Annotations},
			Spec:       t.Spec,
		}
		extra = append(extra, pvc)
		notes = append(notes, fmt.Sprintf("volumeClaimTemplate %s mapped to one shared PersistentVolumeClaim %s (spec.deployment.volumes: %s)", t.Name, claim, sc.DeploymentVolumes))
	}
	sp := &s.Spec
	if sp.ServiceName != "" {
		notes = append(notes, fmt.Sprintf("spec.serviceName dropped (%s)", sp.ServiceName))
	}
	if sp.PodManagementPolicy != api.OrderedReadyPodManagement {
		notes = append(notes, fmt.Sprintf("spec.podManagementPolicy dropped (%s)", sp.PodManagementPolicy))
	}
	if us := describeStatefulSetStrategy(sp.UpdateStrategy); us != defaultStatefulSetStrategy {
		notes = append(notes, fmt.Sprintf("spec.updateStrategy dropped (%s)", us))
	}
	if p := sp.PersistentVolumeClaimRetentionPolicy; p != nil && (p.WhenDeleted != api.RetainPolicy || p.WhenScaled != api.RetainPolicy) {
		notes = append(notes, fmt.Sprintf("spec.persistentVolumeClaimRetentionPolicy dropped (whenDeleted %s, whenScaled %s)", p.WhenDeleted, p.WhenScaled))
	}
	if sp.Ordinals != nil {
		notes = append(notes, fmt.Sprintf("spec.ordinals dropped (start %d)", sp.Ordinals.Start))
	}
	slices.Sort(notes)
	return d, extra, append([]string{"StatefulSet " + s.Name + " converted to Deployment " + d.Name}, notes...)
}

// toStatefulSet converts a Deployment (a copy it may keep parts of); the
// caller defaults the result and writes the first note. Each pod volume
// that names a PersistentVolumeClaim of the manifests becomes a
// volumeClaimTemplate of the same name, with that claim's labels and spec,
// so that every pod gets a claim of its own (claimTemplates). The
// governing Service is a headless Service of the manifests that selects the
// pods, else a headless Service generated for them (headlessService).
func toStatefulSet(sc *Scenario, d *api.Deployment) (api.Object, []api.Object, []string) {
	s := &api.StatefulSet{
		TypeMeta:   api.TypeMeta{APIVersion: "apps/v1", Kind: api.KindStatefulSet},
		ObjectMeta: api.ObjectMeta{Name: d.Name, Namespace: d.Namespace, Labels: d.Labels, Annotations: d.Annotations},
		Spec: api.StatefulSetSpec{
			Replicas:             d.Spec.Replicas,
			Selector:             d.Spec.Selector,
			Template:             d.Spec.Template,
			ServiceName:          d.Name,
			MinReadySeconds:      d.Spec.MinReadySeconds,
			RevisionHistoryLimit: d.Spec.RevisionHistoryLimit,
		},
	}
	notes := claimTemplates(sc, s)
	var extra []api.Object
	if svc := governingService(sc, &d.Spec.Template); svc != "" {
		s.Spec.ServiceName = svc
		notes = append(notes, fmt.Sprintf("spec.serviceName set to %s, the headless Service of the manifests that selects the pods", svc))
	} else {
		svc := headlessService(sc, d)
		s.Spec.ServiceName = svc.Name
		extra = append(extra, svc)
		notes = append(notes, fmt.Sprintf("spec.serviceName set to %s, a headless Service generated to select the pods (%s): no headless Service of the manifests selects them", svc.Name, describeSelector(svc.Spec.Selector)))
	}
	notes = append(notes, fmt.Sprintf("spec.strategy dropped (%s)", describeDeploymentStrategy(d.Spec.Strategy)))
	if p := d.Spec.ProgressDeadlineSeconds; p != nil && *p != 600 {
		notes = append(notes, fmt.Sprintf("spec.progressDeadlineSeconds dropped (%d)", *p))
	}
	if d.Spec.Paused {
		notes = append(notes, "spec.paused dropped (true)")
	}
	slices.Sort(notes)
	return s, extra, append([]string{"Deployment " + d.Name + " converted to StatefulSet " + s.Name}, notes...)
}

// claimTemplates turns each pod volume of s's template that names a
// PersistentVolumeClaim of the manifests into a volumeClaimTemplate of the
// volume's name, made from the claim, and returns a note for each. A claim
// bound to a PersistentVolume by name (spec.volumeName) stays one claim
// that every pod shares: a template cannot bind each pod's claim to it.
func claimTemplates(sc *Scenario, s *api.StatefulSet) []string {
	var notes []string
	tmpl := &s.Spec.Template.Spec
	vols := make([]api.Volume, 0, len(tmpl.Volumes))
	for _, v := range tmpl.Volumes {
		src := v.PersistentVolumeClaim
		if src == nil {
			vols = append(vols, v)
			continue
		}
		claim := findClaim(sc, src.ClaimName)
		switch {
		case claim == nil:
			notes = append(notes, fmt.Sprintf("volume %s kept as the claim %s, which the manifests do not define: every pod shares it", v.Name, src.ClaimName))
			vols = append(vols, v)
			continue
		case claim.Spec.VolumeName != "":
			notes = append(notes, fmt.Sprintf("volume %s kept as the claim %s, bound by name to PersistentVolume %s: every pod shares it", v.Name, src.ClaimName, claim.Spec.VolumeName))
			vols = append(vols, v)
			continue
		}
		spec := claim.Spec.DeepCopy()
		s.Spec.VolumeClaimTemplates = append(s.Spec.VolumeClaimTemplates, api.PersistentVolumeClaim{
			TypeMeta:   api.TypeMeta{APIVersion: "v1", Kind: api.KindPersistentVolumeClaim},
			ObjectMeta: api.ObjectMeta{Name: v.Name, Labels: claim.Labels, Annotations: claim.Annotations},
			Spec:       spec,
		})
		notes = append(notes, fmt.Sprintf("volume %s (claim %s) became volumeClaimTemplate %s: each pod gets a claim of its own, %s-%s-<ordinal>, made like %s (which stays unused)",
			v.Name, src.ClaimName, v.Name, v.Name, s.Name, src.ClaimName))
	}
	tmpl.Volumes = vols
	return notes
}

// findClaim is the manifests' PersistentVolumeClaim of that name, or nil.
func findClaim(sc *Scenario, name string) *api.PersistentVolumeClaim {
	for _, m := range sc.Manifests {
		if c, ok := m.Object.(*api.PersistentVolumeClaim); ok && c.Name == name {
			return c
		}
	}
	return nil
}

// headlessService is the governing Service generated for a Deployment
// converted to a StatefulSet: headless, selecting the pods by the
// Deployment's matchLabels (else its template's labels), named after it
// (with -headless added if the manifests have a Service of that name).
func headlessService(sc *Scenario, d *api.Deployment) *api.Service {
	name := d.Name
	if hasManifest(sc, api.KindService, name) {
		name += "-headless"
	}
	sel := d.Spec.Template.Labels
	if d.Spec.Selector != nil && len(d.Spec.Selector.MatchLabels) > 0 {
		sel = d.Spec.Selector.MatchLabels
	}
	return &api.Service{
		TypeMeta:   api.TypeMeta{APIVersion: "v1", Kind: api.KindService},
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: d.Namespace},
		Spec:       api.ServiceSpec{ClusterIP: api.ClusterIPNone, Selector: maps.Clone(sel)},
	}
}

// describeSelector prints a Service selector as key=value pairs, sorted.
func describeSelector(sel map[string]string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(sel)) {
		parts = append(parts, k+"="+sel[k])
	}
	return "selector " + strings.Join(parts, ",")
}

// governingService is the first headless Service of the manifests whose
// selector matches the template's labels, or "".
func governingService(sc *Scenario, t *api.PodTemplateSpec) string {
	for _, m := range sc.Manifests {
		if svc, ok := m.Object.(*api.Service); ok && svc.Headless() && api.MatchesMap(svc.Spec.Selector, t.Labels) {
			return svc.Name
		}
	}
	return ""
}

func hasManifest(sc *Scenario, kind, name string) bool {
	return slices.ContainsFunc(sc.Manifests, func(m Manifest) bool {
		return m.Object.GetKind() == kind && m.Object.Meta().Name == name
	})
}

// defaultStatefulSetStrategy is describeStatefulSetStrategy of the default.
const defaultStatefulSetStrategy = "RollingUpdate, partition 0, maxUnavailable 1"

func describeStatefulSetStrategy(u api.StatefulSetUpdateStrategy) string {
	if u.Type != api.RollingUpdateStrategy || u.RollingUpdate == nil {
		return u.Type
	}
	s := u.Type
	if p := u.RollingUpdate.Partition; p != nil {
		s += fmt.Sprintf(", partition %d", *p)
	}
	if m := u.RollingUpdate.MaxUnavailable; m != nil {
		s += ", maxUnavailable " + m.String()
	}
	return s
}

func describeDeploymentStrategy(s api.DeploymentStrategy) string {
	if s.Type != api.RollingUpdateStrategy || s.RollingUpdate == nil {
		return s.Type
	}
	out := s.Type
	if v := s.RollingUpdate.MaxSurge; v != nil {
		out += ", maxSurge " + v.String()
	}
	if v := s.RollingUpdate.MaxUnavailable; v != nil {
		out += ", maxUnavailable " + v.String()
	}
	return out
}
