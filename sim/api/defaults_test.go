package api_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
)

func ptr[T any](v T) *T { return &v }

func template() api.PodTemplateSpec {
	return api.PodTemplateSpec{
		ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec:       api.PodSpec{Containers: []api.Container{{Name: "c", Image: "nginx:1.27"}}},
	}
}

func defaultedTemplate() api.PodTemplateSpec {
	t := template()
	t.Spec.RestartPolicy = "Always"
	t.Spec.DNSPolicy = "ClusterFirst"
	t.Spec.SchedulerName = "default-scheduler"
	t.Spec.TerminationGracePeriodSeconds = ptr(int64(30))
	t.Spec.Containers[0].ImagePullPolicy = "IfNotPresent"
	return t
}

// TestSetDefaultsDeployment follows SetDefaults_Deployment in
// pkg/apis/apps/v1/defaults.go (docs/rules.md A8): one replica, RollingUpdate
// with maxSurge and maxUnavailable 25%, revisionHistoryLimit 10,
// progressDeadlineSeconds 600, minReadySeconds 0, not paused, and the pod
// defaults (restartPolicy Always, terminationGracePeriodSeconds 30).
func TestSetDefaultsDeployment(t *testing.T) {
	d := &api.Deployment{ObjectMeta: api.ObjectMeta{Name: "web"},
		Spec: api.DeploymentSpec{Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, Template: template()}}
	api.SetDefaultsDeployment(d)
	want := api.DeploymentSpec{
		Replicas: ptr(int32(1)),
		Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
		Template: defaultedTemplate(),
		Strategy: api.DeploymentStrategy{Type: api.RollingUpdateStrategy, RollingUpdate: &api.RollingUpdateDeployment{
			MaxUnavailable: api.FromString("25%"), MaxSurge: api.FromString("25%")}},
		RevisionHistoryLimit:    ptr(int32(10)),
		ProgressDeadlineSeconds: ptr(int32(600)),
	}
	if diff := cmp.Diff(want, d.Spec); diff != "" {
		t.Errorf("defaulted spec (-want +got):\n%s", diff)
	}
	assert.Equal(t, api.DefaultNamespace, d.Namespace)
	assert.False(t, d.Spec.Paused)
	assert.Zero(t, d.Spec.MinReadySeconds)

	// Set values stay; only the missing bound is defaulted.
	d = &api.Deployment{Spec: api.DeploymentSpec{Replicas: ptr(int32(0)), Template: template(),
		Strategy: api.DeploymentStrategy{RollingUpdate: &api.RollingUpdateDeployment{MaxSurge: api.FromInt(0)}}}}
	api.SetDefaultsDeployment(d)
	assert.Equal(t, int32(0), *d.Spec.Replicas)
	assert.Equal(t, api.FromInt(0), d.Spec.Strategy.RollingUpdate.MaxSurge)
	assert.Equal(t, api.FromString("25%"), d.Spec.Strategy.RollingUpdate.MaxUnavailable)

	// Recreate gets no rollingUpdate block.
	d = &api.Deployment{Spec: api.DeploymentSpec{Template: template(), Strategy: api.DeploymentStrategy{Type: api.RecreateStrategy}}}
	api.SetDefaultsDeployment(d)
	assert.Nil(t, d.Spec.Strategy.RollingUpdate)
}

// TestSetDefaultsStatefulSet follows SetDefaults_StatefulSet in
// pkg/apis/apps/v1/defaults.go (docs/rules.md R-UPD-1 and R-PVC-R1, with the
// MaxUnavailableStatefulSet gate on as in v1.37): OrderedReady,
// RollingUpdate with partition 0 and maxUnavailable 1 when the type was
// empty, one replica, a history of 10 and the Retain/Retain claim policy.
func TestSetDefaultsStatefulSet(t *testing.T) {
	s := &api.StatefulSet{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: api.StatefulSetSpec{
		Template:             template(),
		VolumeClaimTemplates: []api.PersistentVolumeClaim{{ObjectMeta: api.ObjectMeta{Name: "data"}}},
	}}
	api.SetDefaultsStatefulSet(s)
	want := api.StatefulSetSpec{
		Replicas:            ptr(int32(1)),
		Template:            defaultedTemplate(),
		PodManagementPolicy: api.OrderedReadyPodManagement,
		UpdateStrategy: api.StatefulSetUpdateStrategy{Type: api.RollingUpdateStrategy,
			RollingUpdate: &api.RollingUpdateStatefulSetStrategy{Partition: ptr(int32(0)), MaxUnavailable: api.FromInt(1)}},
		RevisionHistoryLimit: ptr(int32(10)),
		PersistentVolumeClaimRetentionPolicy: &api.StatefulSetPersistentVolumeClaimRetentionPolicy{
			WhenDeleted: api.RetainPolicy, WhenScaled: api.RetainPolicy},
		VolumeClaimTemplates: []api.PersistentVolumeClaim{{ObjectMeta: api.ObjectMeta{Name: "data"},
			Spec:   api.PersistentVolumeClaimSpec{VolumeMode: "Filesystem"},
			Status: api.PersistentVolumeClaimStatus{Phase: api.ClaimPending}}},
	}
	if diff := cmp.Diff(want, s.Spec); diff != "" {
		t.Errorf("defaulted spec (-want +got):\n%s", diff)
	}

	// An explicit type RollingUpdate without a block keeps rollingUpdate nil.
	s = &api.StatefulSet{Spec: api.StatefulSetSpec{Template: template(),
		UpdateStrategy: api.StatefulSetUpdateStrategy{Type: api.RollingUpdateStrategy}}}
	api.SetDefaultsStatefulSet(s)
	assert.Nil(t, s.Spec.UpdateStrategy.RollingUpdate)

	// A block given by the user gets the missing fields.
	s = &api.StatefulSet{Spec: api.StatefulSetSpec{Template: template(),
		UpdateStrategy: api.StatefulSetUpdateStrategy{Type: api.RollingUpdateStrategy,
			RollingUpdate: &api.RollingUpdateStatefulSetStrategy{Partition: ptr(int32(2))}}}}
	api.SetDefaultsStatefulSet(s)
	require.NotNil(t, s.Spec.UpdateStrategy.RollingUpdate)
	assert.Equal(t, int32(2), *s.Spec.UpdateStrategy.RollingUpdate.Partition)
	assert.Equal(t, api.FromInt(1), s.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable)

	// OnDelete gets no rollingUpdate block; a set policy is kept.
	s = &api.StatefulSet{Spec: api.StatefulSetSpec{Template: template(), PodManagementPolicy: api.ParallelPodManagement,
		UpdateStrategy:                       api.StatefulSetUpdateStrategy{Type: api.OnDeleteStrategy},
		PersistentVolumeClaimRetentionPolicy: &api.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenScaled: api.DeletePolicy}}}
	api.SetDefaultsStatefulSet(s)
	assert.Nil(t, s.Spec.UpdateStrategy.RollingUpdate)
	assert.Equal(t, api.ParallelPodManagement, s.Spec.PodManagementPolicy)
	assert.Equal(t, api.StatefulSetPersistentVolumeClaimRetentionPolicy{WhenDeleted: api.RetainPolicy, WhenScaled: api.DeletePolicy},
		*s.Spec.PersistentVolumeClaimRetentionPolicy)
}

// TestSetDefaultsService follows SetDefaults_Service in
// pkg/apis/core/v1/defaults.go (docs/rules.md N1): type ClusterIP, protocol TCP,
// targetPort = port when unset.
func TestSetDefaultsService(t *testing.T) {
	s := &api.Service{Spec: api.ServiceSpec{Ports: []api.ServicePort{{Name: "http", Port: 80}, {Name: "m", Port: 90, TargetPort: api.IntOrString{IntVal: 9090}}}}}
	api.SetDefaultsService(s)
	assert.Equal(t, "ClusterIP", s.Spec.Type)
	assert.Equal(t, "TCP", s.Spec.Ports[0].Protocol)
	assert.Equal(t, api.IntOrString{IntVal: 80}, s.Spec.Ports[0].TargetPort)
	assert.Equal(t, api.IntOrString{IntVal: 9090}, s.Spec.Ports[1].TargetPort)
}

// TestGetScaledValueFromIntOrPercent follows GetScaledValueFromIntOrPercent
// in staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go: a
// percentage of total rounded up or down, an integer as it is, a string
// without % an error.
func TestGetScaledValueFromIntOrPercent(t *testing.T) {
	for _, tc := range []struct {
		v         api.IntOrString
		total     int
		up, down  int
		wantError bool
	}{
		{v: *api.FromString("25%"), total: 5, up: 2, down: 1},
		{v: *api.FromString("25%"), total: 4, up: 1, down: 1},
		{v: *api.FromString("25%"), total: 1, up: 1, down: 0},
		{v: *api.FromString("33%"), total: 3, up: 1, down: 0},
		{v: *api.FromString("10%"), total: 30, up: 3, down: 3},
		{v: *api.FromString("0%"), total: 7, up: 0, down: 0},
		{v: *api.FromString("100%"), total: 7, up: 7, down: 7},
		{v: *api.FromInt(3), total: 100, up: 3, down: 3},
		{v: *api.FromString("25"), total: 4, wantError: true},
		{v: *api.FromString("x%"), total: 4, wantError: true},
	} {
		up, err := tc.v.ScaledValue(tc.total, true)
		if tc.wantError {
			assert.Error(t, err, "%s of %d", tc.v, tc.total)
			continue
		}
		require.NoError(t, err)
		down, err := tc.v.ScaledValue(tc.total, false)
		require.NoError(t, err)
		assert.Equal(t, tc.up, up, "%s of %d rounded up", tc.v, tc.total)
		assert.Equal(t, tc.down, down, "%s of %d rounded down", tc.v, tc.total)
	}
}
