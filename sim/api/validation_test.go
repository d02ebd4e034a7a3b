package api_test

import (
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
			Spec: api.PersistentVolumeClaimSpec{AccessModes: []string{"ReadWriteOnce"}}}}}}
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
		{api.FromInt(0), api.FromInt(0), "0"},
		{api.FromString("0%"), api.FromInt(0), "0"},
		{api.FromInt(0), api.FromString("0%"), "0%"},
		{api.FromString("0%"), api.FromString("0%"), "0%"},
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
	assert.Equal(t, `Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 110%: must not be greater than 100%`, err.Error())

	err = api.ValidateDeployment(strategy(api.FromInt(-1), api.FromInt(1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0")

	err = api.ValidateDeployment(strategy(api.FromString("25"), api.FromInt(1)))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "spec.strategy.rollingUpdate.maxSurge: Invalid value: 25: a valid percent string must be a numeric string followed by an ending '%'")
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
