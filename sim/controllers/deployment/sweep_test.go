package deployment_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

// TestRollingUpdateBounds sweeps docs/rules.md A14 over replicas 1-8 and
// several maxSurge/maxUnavailable pairs (rolloutRolling in
// pkg/controller/deployment/rolling.go, ResolveFenceposts in
// deployment_util.go): every rollout finishes, the ReplicaSets never sum
// above replicas + surge, and ready pods never drop below replicas -
// maxUnavailable.
func TestRollingUpdateBounds(t *testing.T) {
	values := []string{"0", "1", "25%", "100%"}
	for replicas := 1; replicas <= 8; replicas++ {
		for _, surge := range values {
			for _, unavailable := range values[:3] {
				if surge == "0" && unavailable == "0" {
					continue
				}
				strategy := fmt.Sprintf("{rollingUpdate: {maxSurge: %s, maxUnavailable: %s}}", surge, unavailable)
				name := fmt.Sprintf("replicas=%d/surge=%s/unavailable=%s", replicas, surge, unavailable)
				t.Run(name, func(t *testing.T) {
					s, u := fenceposts(replicas, surge, unavailable)
					var maxSum, minReady int
					h, _ := run(t, scenario(manifest(replicas, "nginx:1", strategy), "  images: {\"nginx:2\": {start: 3s, ready: 4s}}\n", `  - apply: {}
  - waitFor: {rolledOut: true, timeout: 5m}
  - apply: {inline: `+manifest(replicas, "nginx:2", strategy)+`}
    after: 10s
  - waitFor: {rolledOut: true, timeout: 10m}
`), rollingInvariants(t, replicas, s, u, &maxSum, &minReady))
					assert.Empty(t, h.Findings)
				})
			}
		}
	}
}

func fenceposts(replicas int, surge, unavailable string) (int, int) {
	parse := func(v string) api.IntOrString {
		if v[len(v)-1] == '%' {
			return *api.FromString(v)
		}
		return *api.FromInt(int32(v[0] - '0'))
	}
	sv, uv := parse(surge), parse(unavailable)
	s, _ := sv.ScaledValue(replicas, true)
	u, _ := uv.ScaledValue(replicas, false)
	if s == 0 && u == 0 {
		u = 1
	}
	return s, min(u, replicas)
}
