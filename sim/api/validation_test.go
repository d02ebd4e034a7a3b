package api_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
)

func deployment(mutate func(*api.Deployment)) *api.Deployment {
	d := &api.Deployment{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.DeploymentSpec{
		Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: template()}}
	api.SetDefaultsDeployment(d)
	if mutate != nil {
		mutate(d)
	}
	return d
}

func statefulSet(mutate func(*api.StatefulSet)) *api.StatefulSet {
	s := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.StatefulSetSpec{
		ServiceName: "web",
		Selector:    &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: template(),
		VolumeClaimTemplates: []api.PersistentVolumeClaim{{ObjectMeta: api.ObjectMeta{Name: "data"},
			Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"},
				Resources: api.ResourceRequirements{Requests: map[string]string{"storage": "1Gi"}}}}}}}
	api.SetDefaultsStatefulSet(s)
	if mutate != nil {
		mutate(s)
	}
	return s
}

// TestValidatePodTemplateSpecForReplicaSet follows
// ValidatePodTemplateSpecForReplicaSet in pkg/apis/apps/validation/validation.go:
// the selector must match the template labels, with kubectl's message.
func TestValidatePodTemplateSpecForReplicaSet(t *testing.T) {
	require.NoError(t, api.ValidateDeployment(deployment(nil)))
	err := api.ValidateDeployment(deployment(func(d *api.Deployment) { d.Spec.Template.Labels = map[string]string{"app": "other"} }))
	require.Error(t, err)
	assert.Equal(t, `Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `+
		"`selector` does not match template `labels`", err.Error())
	var inv *api.InvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, "spec.template.metadata.labels", inv.Errors[0].Path)

	err = api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.Template.Labels = nil }))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`")
}

// TestValidateDeploymentSpec follows ValidateDeploymentSpec in
// pkg/apis/apps/validation/validation.go: replicas and minReadySeconds are
// non-negative (ValidateNonnegativeField) and progressDeadlineSeconds must
// exceed minReadySeconds.
func TestValidateDeploymentSpec(t *testing.T) {
	err := api.ValidateDeployment(deployment(func(d *api.Deployment) { d.Spec.Replicas = ptr(int32(-1)) }))
	require.Error(t, err)
	assert.Equal(t, `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`, err.Error())

	err = api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Spec.Replicas = ptr(int32(-2)) }))
	require.Error(t, err)
	assert.Equal(t, `StatefulSet.apps "web" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0`, err.Error())

	err = api.ValidateDeployment(deployment(func(d *api.Deployment) {
		d.Spec.MinReadySeconds = 10
		d.Spec.ProgressDeadlineSeconds = ptr(int32(10))
	}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds")

	require.NoError(t, api.ValidateDeployment(deployment(func(d *api.Deployment) { d.Spec.Replicas = ptr(int32(0)) })))
}

// TestValidateStatefulSetSpec follows R-UPD-2, R-POD-9, R-ID-2 and
// R-SCALE-5 (ValidateStatefulSetSpec and validateRollingUpdateStatefulSet
// in pkg/apis/apps/validation/validation.go): the partition must be ≥ 0
// and may exceed replicas; maxUnavailable must be ≥ 1 or a percentage in
// (0%, 100%]; a rollingUpdate block is refused with OnDelete; the pod
// management policy, update type and retention values must be known; the
// template's restartPolicy must be Always; ordinals.start and replicas must
// be ≥ 0, and 0 replicas is valid. Messages are the API server's, an
// IntOrString printed as the struct (field.ErrorBody's %#v). For an
// unknown update type and a rollingUpdate block under OnDelete the value is
// the apps struct with %#v; a pointer in it prints an address upstream,
// 0xc000000000 in stsim (docs/rules.md API-16).
// activeDeadlineSeconds, also forbidden upstream, is not modelled.
func TestValidateStatefulSetSpec(t *testing.T) {
	const prefix = `StatefulSet.apps "web" is invalid: `
	for _, tc := range []struct {
		name   string
		mutate func(*api.StatefulSet)
		want   string
	}{
		{"negative partition", func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr(int32(-1)) },
			"spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"},
		{"unknown pod management policy", func(s *api.StatefulSet) { s.Spec.PodManagementPolicy = "Burst" },
			`spec.podManagementPolicy: Invalid value: "Burst": must be 'OrderedReady' or 'Parallel'`},
		{"unknown retention value", func(s *api.StatefulSet) { s.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled = "Keep" },
			`spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Keep": supported values: "Retain", "Delete"`},
		{"restartPolicy Never", func(s *api.StatefulSet) { s.Spec.Template.Spec.RestartPolicy = "Never" },
			`spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"`},
		{"restartPolicy OnFailure", func(s *api.StatefulSet) { s.Spec.Template.Spec.RestartPolicy = "OnFailure" },
			`spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`},
		{"negative start ordinal", func(s *api.StatefulSet) { s.Spec.Ordinals = &api.StatefulSetOrdinals{Start: -1} },
			"spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0"},
		{"negative replicas", func(s *api.StatefulSet) { s.Spec.Replicas = ptr(int32(-1)) },
			"spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
		{"maxUnavailable 0", func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = api.FromInt(0) },
			`spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: cannot be 0`},
		{"maxUnavailable 0%", func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = api.FromString("0%") },
			`spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: cannot be 0`},
		{"maxUnavailable -1", func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = api.FromInt(-1) },
			"spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"},
		{"maxUnavailable 101%", func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = api.FromString("101%") },
			`spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: must not be greater than 100%`},
	} {
		err := api.ValidateStatefulSet(statefulSet(tc.mutate))
		if assert.Error(t, err, tc.name) {
			assert.Equal(t, prefix+tc.want, err.Error(), tc.name)
		}
	}
	for _, tc := range []struct {
		name   string
		mutate func(*api.StatefulSet)
		want   string
	}{
		{"rollingUpdate with OnDelete", func(s *api.StatefulSet) { s.Spec.UpdateStrategy.Type = api.OnDeleteStrategy },
			"spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(0xc000000000)}: only allowed for updateStrategy 'RollingUpdate'"},
		{"rollingUpdate with OnDelete, partition only", func(s *api.StatefulSet) {
			s.Spec.UpdateStrategy = api.StatefulSetUpdateStrategy{Type: api.OnDeleteStrategy, RollingUpdate: &api.RollingUpdateStatefulSetStrategy{Partition: ptr(int32(2))}}
		}, "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"},
		{"unknown update type", func(s *api.StatefulSet) { s.Spec.UpdateStrategy = api.StatefulSetUpdateStrategy{Type: "Canary"} },
			`spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:"Canary", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'`},
	} {
		err := api.ValidateStatefulSet(statefulSet(tc.mutate))
		if assert.Error(t, err, tc.name) {
			assert.Equal(t, prefix+tc.want, err.Error(), tc.name)
		}
	}
	for name, mutate := range map[string]func(*api.StatefulSet){
		"partition above replicas": func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr(int32(9)) },
		"maxUnavailable 100%":      func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = api.FromString("100%") },
		"maxUnavailable 1":         func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable = api.FromInt(1) },
		"OnDelete without a block": func(s *api.StatefulSet) {
			s.Spec.UpdateStrategy = api.StatefulSetUpdateStrategy{Type: api.OnDeleteStrategy}
		},
		"0 replicas":           func(s *api.StatefulSet) { s.Spec.Replicas = ptr(int32(0)) },
		"start ordinal 0":      func(s *api.StatefulSet) { s.Spec.Ordinals = &api.StatefulSetOrdinals{Start: 0} },
		"restartPolicy Always": func(s *api.StatefulSet) { s.Spec.Template.Spec.RestartPolicy = "Always" },
		"Parallel":             func(s *api.StatefulSet) { s.Spec.PodManagementPolicy = api.ParallelPodManagement },
		"whenDeleted Delete":   func(s *api.StatefulSet) { s.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted = api.DeletePolicy },
	} {
		assert.NoError(t, api.ValidateStatefulSet(statefulSet(mutate)), name)
	}
}

// TestValidateRollingUpdateDeployment follows ValidateRollingUpdateDeployment
// in pkg/apis/apps/validation/validation.go (docs/rules.md A9): maxSurge and
// maxUnavailable may not both be 0 (as 0 or "0%"), maxUnavailable may not
// exceed 100%, and maxSurge 0 with maxUnavailable 10% is accepted.
func TestValidateRollingUpdateDeployment(t *testing.T) {
	strategy := func(surge, unavailable *api.IntOrString) *api.Deployment {
		return deployment(func(d *api.Deployment) {
			d.Spec.Strategy.RollingUpdate = &api.RollingUpdateDeployment{MaxSurge: surge, MaxUnavailable: unavailable}
		})
	}
	for _, tc := range []struct {
		surge, unavailable *api.IntOrString
		value              string
	}{
		{api.FromInt(0), api.FromInt(0), `intstr.IntOrString{Type:0, IntVal:0, StrVal:""}`},
		{api.FromString("0%"), api.FromInt(0), `intstr.IntOrString{Type:0, IntVal:0, StrVal:""}`},
		{api.FromInt(0), api.FromString("0%"), `intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}`},
		{api.FromString("0%"), api.FromString("0%"), `intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}`},
	} {
		err := api.ValidateDeployment(strategy(tc.surge, tc.unavailable))
		require.Error(t, err, "maxSurge %s, maxUnavailable %s", tc.surge, tc.unavailable)
		assert.Equal(t, `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: `+tc.value+": may not be 0 when `maxSurge` is 0", err.Error())
	}
	assert.NoError(t, api.ValidateDeployment(strategy(api.FromInt(0), api.FromString("10%"))))
	assert.NoError(t, api.ValidateDeployment(strategy(api.FromInt(1), api.FromInt(0))))
	assert.NoError(t, api.ValidateDeployment(strategy(api.FromString("200%"), api.FromString("100%"))), "only maxUnavailable is capped")

	err := api.ValidateDeployment(strategy(api.FromInt(1), api.FromString("110%")))
	require.Error(t, err)
	assert.Equal(t, `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%`, err.Error())

	err = api.ValidateDeployment(strategy(api.FromInt(-1), api.FromInt(1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0")

	err = api.ValidateDeployment(strategy(api.FromString("25"), api.FromInt(1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}: a valid percent string must be a numeric string followed by an ending '%'`)
}

// TestValidateStatefulSetUpdate follows ValidateStatefulSetUpdate in
// pkg/apis/apps/validation/validation.go (docs/rules.md R-UPD-3): replicas,
// ordinals, template, updateStrategy, revisionHistoryLimit,
// persistentVolumeClaimRetentionPolicy and minReadySeconds may change (the
// apiserver's message lists them); serviceName, selector,
// podManagementPolicy and volumeClaimTemplates may not.
func TestValidateStatefulSetUpdate(t *testing.T) {
	old := statefulSet(nil)
	const forbidden = `StatefulSet.apps "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than`
	for name, mutate := range map[string]func(*api.StatefulSet){
		"serviceName":          func(s *api.StatefulSet) { s.Spec.ServiceName = "other" },
		"podManagementPolicy":  func(s *api.StatefulSet) { s.Spec.PodManagementPolicy = api.ParallelPodManagement },
		"volumeClaimTemplates": func(s *api.StatefulSet) { s.Spec.VolumeClaimTemplates[0].Name = "www" },
		"selector": func(s *api.StatefulSet) {
			s.Spec.Selector = &api.LabelSelector{MatchLabels: map[string]string{"app": "web", "tier": "x"}}
			s.Spec.Template.Labels = map[string]string{"app": "web", "tier": "x"}
		},
	} {
		err := api.ValidateStatefulSetUpdate(statefulSet(mutate), old)
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), forbidden, name)
		}
	}
	for name, mutate := range map[string]func(*api.StatefulSet){
		"replicas":             func(s *api.StatefulSet) { s.Spec.Replicas = ptr(int32(5)) },
		"template":             func(s *api.StatefulSet) { s.Spec.Template.Spec.Containers[0].Image = "nginx:2" },
		"updateStrategy":       func(s *api.StatefulSet) { s.Spec.UpdateStrategy.RollingUpdate.Partition = ptr(int32(2)) },
		"minReadySeconds":      func(s *api.StatefulSet) { s.Spec.MinReadySeconds = 5 },
		"ordinals":             func(s *api.StatefulSet) { s.Spec.Ordinals = &api.StatefulSetOrdinals{Start: 3} },
		"revisionHistoryLimit": func(s *api.StatefulSet) { s.Spec.RevisionHistoryLimit = ptr(int32(2)) },
		"persistentVolumeClaimRetentionPolicy": func(s *api.StatefulSet) {
			s.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled = api.DeletePolicy
		},
	} {
		assert.NoError(t, api.ValidateStatefulSetUpdate(statefulSet(mutate), old), name)
	}
	// An update is validated as a whole too.
	err := api.ValidateStatefulSetUpdate(statefulSet(func(s *api.StatefulSet) { s.Spec.Replicas = ptr(int32(-1)) }), old)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.replicas: Invalid value: -1")
}

// TestValidateDeploymentUpdate follows the apps/v1 deployment strategy's
// ValidateUpdate (pkg/registry/apps/deployment/strategy.go, docs/rules.md A8):
// the selector is immutable; the template and replicas are not.
func TestValidateDeploymentUpdate(t *testing.T) {
	old := deployment(nil)
	err := api.ValidateDeploymentUpdate(deployment(func(d *api.Deployment) {
		d.Spec.Selector = &api.LabelSelector{MatchLabels: map[string]string{"app": "web", "tier": "x"}}
		d.Spec.Template.Labels = map[string]string{"app": "web", "tier": "x"}
	}), old)
	require.Error(t, err)
	var inv *api.InvalidError
	require.ErrorAs(t, err, &inv)
	assert.Equal(t, "spec.selector", inv.Errors[0].Path)
	assert.Contains(t, err.Error(), "field is immutable")

	assert.NoError(t, api.ValidateDeploymentUpdate(deployment(func(d *api.Deployment) {
		d.Spec.Replicas = ptr(int32(7))
		d.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	}), old))
}

// TestStatefulSetNameIsADNSLabel follows R-ID-8 (ValidateStatefulSetName,
// NameIsDNSLabel, IsDNS1123Label in
// staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go): one
// error per problem, the length first, and a name with dots is told so.
func TestStatefulSetNameIsADNSLabel(t *testing.T) {
	const rfc = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	long := strings.Repeat("a", 64)
	for name, want := range map[string]string{
		long:       `metadata.name: Invalid value: "` + long + `": must be no more than 63 characters`,
		"web.v2":   `metadata.name: Invalid value: "web.v2": must not contain dots`,
		"Web":      `metadata.name: Invalid value: "Web": ` + rfc,
		long + "_": `[metadata.name: Invalid value: "` + long + `_": must be no more than 63 characters, metadata.name: Invalid value: "` + long + `_": ` + rfc + `]`,
	} {
		err := api.ValidateStatefulSet(statefulSet(func(s *api.StatefulSet) { s.Name = name }))
		require.Error(t, err, name)
		assert.Equal(t, `StatefulSet.apps "`+name+`" is invalid: `+want, err.Error(), name)
	}
}
