package tainteviction

import (
	"testing"

	"stsim/sim/api"
)

// TestTolerationsEqual pins PodUpdated's comparison of a pod's old and
// new tolerations (helper.Semantic.DeepEqual in
// pkg/controller/tainteviction/taint_eviction.go): field by field, in
// order, tolerationSeconds by value, and an empty list the same as none
// (the forked DeepEqual of apimachinery/third_party/forked/golang/reflect
// holds an empty slice equal to a nil one).
func TestTolerationsEqual(t *testing.T) {
	secs := func(n int64) *int64 { return &n }
	base := api.Toleration{Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: api.TaintNoExecute, TolerationSeconds: secs(300)}
	with := func(f func(*api.Toleration)) []api.Toleration {
		t := base
		f(&t)
		return []api.Toleration{t}
	}
	cases := []struct {
		name string
		a, b []api.Toleration
		want bool
	}{
		{"both none", nil, nil, true},
		{"empty is none", []api.Toleration{}, nil, true},
		{"same", []api.Toleration{base}, with(func(t *api.Toleration) { t.TolerationSeconds = secs(300) }), true},
		{"seconds differ", []api.Toleration{base}, with(func(t *api.Toleration) { t.TolerationSeconds = secs(30) }), false},
		{"seconds dropped", []api.Toleration{base}, with(func(t *api.Toleration) { t.TolerationSeconds = nil }), false},
		{"key differs", []api.Toleration{base}, with(func(t *api.Toleration) { t.Key = "other" }), false},
		{"operator differs", []api.Toleration{base}, with(func(t *api.Toleration) { t.Operator = "Equal" }), false},
		{"value differs", []api.Toleration{base}, with(func(t *api.Toleration) { t.Value = "x" }), false},
		{"effect differs", []api.Toleration{base}, with(func(t *api.Toleration) { t.Effect = api.TaintNoSchedule }), false},
		{"one more", []api.Toleration{base}, []api.Toleration{base, base}, false},
		{"order", []api.Toleration{base, {Key: "a"}}, []api.Toleration{{Key: "a"}, base}, false},
	}
	for _, c := range cases {
		if got := tolerationsEqual(c.a, c.b); got != c.want {
			t.Errorf("%s: tolerationsEqual = %v, want %v", c.name, got, c.want)
		}
		if got := tolerationsEqual(c.b, c.a); got != c.want {
			t.Errorf("%s, reversed: tolerationsEqual = %v, want %v", c.name, got, c.want)
		}
	}
}
