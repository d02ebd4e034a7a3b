package apiserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"stsim/sim/api"
	"stsim/sim/apiserver"
)

// TestDefaultTolerationSeconds follows H3 and the DefaultTolerationSeconds
// admission plugin (Admit in
// plugin/pkg/admission/defaulttolerationseconds/admission.go): a pod that
// does not tolerate node.kubernetes.io/not-ready:NoExecute or
// node.kubernetes.io/unreachable:NoExecute gets a toleration of each
// (Exists, 300s), after its own; a toleration with that key, or an empty
// key, and the NoExecute or an empty effect counts as one already.
func TestDefaultTolerationSeconds(t *testing.T) {
	notReady := api.Toleration{Key: api.TaintNodeNotReady, Operator: api.TolerationOpExists, Effect: api.TaintNoExecute, TolerationSeconds: ptr(int64(300))}
	unreachable := api.Toleration{Key: api.TaintNodeUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintNoExecute, TolerationSeconds: ptr(int64(300))}
	own := api.Toleration{Key: api.TaintNodeUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintNoExecute, TolerationSeconds: ptr(int64(30))}
	dedicated := api.Toleration{Key: "dedicated", Operator: api.TolerationOpEqual, Value: "db", Effect: api.TaintNoSchedule}
	for _, c := range []struct {
		name      string
		have, out []api.Toleration
	}{
		{"none", nil, []api.Toleration{notReady, unreachable}},
		{"another key", []api.Toleration{dedicated}, []api.Toleration{dedicated, notReady, unreachable}},
		{"its own unreachable", []api.Toleration{own}, []api.Toleration{own, notReady}},
		{"any key", []api.Toleration{{Operator: api.TolerationOpExists}}, []api.Toleration{{Operator: api.TolerationOpExists}}},
		{"any effect", []api.Toleration{{Key: api.TaintNodeNotReady, Operator: api.TolerationOpExists}}, []api.Toleration{{Key: api.TaintNodeNotReady, Operator: api.TolerationOpExists}, unreachable}},
		{"NoSchedule does not count", []api.Toleration{{Key: api.TaintNodeUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintNoSchedule}},
			[]api.Toleration{{Key: api.TaintNodeUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintNoSchedule}, notReady, unreachable}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newPod("p", "", "")
			p.Spec.Tolerations = c.have
			require.NoError(t, apiserver.Admit(p))
			assert.Equal(t, c.out, p.Spec.Tolerations)
		})
	}
}

// TestPodRequestsDefaultToLimits follows SetDefaults_Pod
// (pkg/apis/core/v1/defaults.go): a container with a limit and no request
// for a resource gets the limit as its request; templates are left alone.
func TestPodRequestsDefaultToLimits(t *testing.T) {
	p := newPod("p", "", "")
	p.Spec.Containers[0].Resources = api.ResourceRequirements{Limits: map[string]string{"cpu": "500m", "memory": "1Gi"}, Requests: map[string]string{"memory": "512Mi"}}
	require.NoError(t, apiserver.Admit(p))
	assert.Equal(t, map[string]string{"cpu": "500m", "memory": "512Mi"}, p.Spec.Containers[0].Resources.Requests)
}
