package limits_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"stsim/limits"
)

// TestDefaultsFitTheScaleGoals: Kubernetes' scalability limits are 5,000
// nodes and 150,000 pods; a rolling update of 150,000 replicas creates
// twice that many pods, and the caps leave room for it.
func TestDefaultsFitTheScaleGoals(t *testing.T) {
	d := limits.Default
	assert.GreaterOrEqual(t, d.Nodes, 5000)
	assert.GreaterOrEqual(t, d.Pods, 2*150_000)
	assert.LessOrEqual(t, d.Horizon, limits.MaxHorizon)
	assert.Equal(t, d, limits.Limits{}.OrDefault())
	assert.Equal(t, 7, limits.Limits{Pods: 7}.OrDefault().Pods)
}

// TestHorizonFlag: --max-virtual-time takes a Go duration from 1s to
// MaxHorizon and prints without trailing zero units.
func TestHorizonFlag(t *testing.T) {
	var h limits.Horizon
	assert.NoError(t, h.Set("48h"))
	assert.Equal(t, limits.Horizon(48*time.Hour), h)
	assert.Equal(t, "48h", h.String())
	for _, bad := range []string{"", "0s", "500ms", "876001h", "2d", "-1h"} {
		assert.EqualError(t, h.Set(bad), "want a duration from 1s to 876000h (100 years), such as 48h or 90m", bad)
	}
	assert.Equal(t, "1h30m", limits.FormatDuration(90*time.Minute))
	assert.Equal(t, "1m30s", limits.FormatDuration(90*time.Second))
	assert.Equal(t, "8784h", limits.FormatDuration(limits.Default.Horizon))
	assert.Equal(t, "2m", limits.FormatDuration(2*time.Minute))
}

func TestCount(t *testing.T) {
	assert.Equal(t, "1 pod", limits.Count(1, "pod"))
	assert.Equal(t, "0 pods", limits.Count(0, "pod"))
	assert.Equal(t, "500000 pods", limits.Count(500000, "pod"))
}
