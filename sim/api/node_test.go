package api_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
)

// TestToleratesTaint follows Toleration.ToleratesTaint
// (staging/src/k8s.io/api/core/v1/toleration.go): an empty effect matches
// every effect, an empty key (with Exists) every key; Equal, also written
// as no operator, needs the same value; Exists takes any value.
func TestToleratesTaint(t *testing.T) {
	taint := api.Taint{Key: "dedicated", Value: "db", Effect: api.TaintNoSchedule}
	for _, c := range []struct {
		tol  api.Toleration
		want bool
	}{
		{api.Toleration{Key: "dedicated", Value: "db", Effect: api.TaintNoSchedule}, true},
		{api.Toleration{Key: "dedicated", Operator: api.TolerationOpEqual, Value: "db"}, true},
		{api.Toleration{Key: "dedicated", Operator: api.TolerationOpEqual, Value: "web"}, false},
		{api.Toleration{Key: "dedicated", Operator: api.TolerationOpExists}, true},
		{api.Toleration{Key: "dedicated", Operator: api.TolerationOpExists, Effect: api.TaintNoExecute}, false},
		{api.Toleration{Operator: api.TolerationOpExists}, true},
		{api.Toleration{Key: "other", Operator: api.TolerationOpExists}, false},
		{api.Toleration{Key: "dedicated", Operator: "Lt", Value: "db"}, false},
	} {
		assert.Equal(t, c.want, c.tol.ToleratesTaint(taint), "%+v", c.tol)
	}
	used := []api.Toleration{{Key: "a", Operator: api.TolerationOpExists}, {Operator: api.TolerationOpExists, Effect: api.TaintNoExecute}}
	ok, got := api.GetMatchingTolerations([]api.Taint{{Key: "a", Effect: api.TaintNoExecute}, {Key: "b", Effect: api.TaintNoExecute}}, used)
	assert.True(t, ok)
	assert.Equal(t, used, got, "the first toleration that matches each taint")
	ok, _ = api.GetMatchingTolerations([]api.Taint{{Key: "b", Effect: api.TaintNoSchedule}}, used)
	assert.False(t, ok)
}

// TestParseQuantity follows resource.ParseQuantity and
// Quantity.MilliValue / Value (staging/src/k8s.io/apimachinery/pkg/api/
// resource/quantity.go): decimal SI and binary suffixes and exponents,
// rounded up.
func TestParseQuantity(t *testing.T) {
	for _, c := range []struct {
		in          string
		milli, unit int64
	}{
		{"1", 1000, 1}, {"500m", 500, 1}, {"0.5", 500, 1}, {".25", 250, 1}, {"1.5", 1500, 2}, {"100n", 1, 1},
		{"1k", 1_000_000, 1000}, {"1Ki", 1_024_000, 1024}, {"128Mi", 128 << 20 * 1000, 128 << 20},
		{"1G", 1e12, 1e9}, {"2Gi", 2 << 30 * 1000, 2 << 30}, {"1e3", 1e6, 1000}, {"1E-3", 1, 1},
	} {
		assert.Equal(t, c.milli, api.MilliValue(c.in), c.in)
		assert.Equal(t, c.unit, api.Value(c.in), c.in)
	}
	for _, bad := range []string{"", "lots", "1.2.3", "1Q", "1 Gi", "1Zi", "1e", "1kk"} {
		_, err := api.ParseQuantity(bad)
		assert.Error(t, err, bad)
	}
}

// TestValidateTolerationsAndResources follows ValidateTolerations and
// ValidateResourceRequirements (pkg/apis/core/validation/validation.go).
func TestValidateTolerationsAndResources(t *testing.T) {
	d := deployment(func(d *api.Deployment) {
		s := &d.Spec.Template.Spec
		s.Tolerations = []api.Toleration{
			{Operator: api.TolerationOpEqual, Value: "x"},
			{Key: "k", Operator: api.TolerationOpExists, Value: "v"},
			{Key: "k", Effect: api.TaintNoSchedule, TolerationSeconds: new(int64)},
			{Key: "k", Effect: "NoEvict"},
			{Key: "k", Operator: "Gt"},
		}
		s.Containers[0].Resources = api.ResourceRequirements{Requests: map[string]string{"cpu": "2", "memory": "-1"}, Limits: map[string]string{"cpu": "1"}}
	})
	err := api.ValidateDeployment(d)
	require.Error(t, err)
	for _, want := range []string{
		"spec.template.spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0",
		"spec.template.spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1",
		"spec.template.spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty",
		"spec.template.spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
		"spec.template.spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
		"spec.template.spec.tolerations[3].effect: Unsupported value: \"NoEvict\"",
		"spec.template.spec.tolerations[4].operator: Unsupported value: \"Gt\"",
	} {
		assert.Contains(t, err.Error(), want)
	}
}
