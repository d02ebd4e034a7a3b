package api_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"stsim/sim/api"
)

// TestSecondsSaturates: the API server accepts int64 seconds in
// terminationGracePeriodSeconds and tolerationSeconds
// (ValidateNonnegativeField only), while a time.Duration ends near 9.2e9
// s. 9223372037 s once wrapped to a negative grace period, and the pod
// vanished at once; it now saturates at Forever.
func TestSecondsSaturates(t *testing.T) {
	assert.Equal(t, 30*time.Second, api.Seconds(30))
	assert.Equal(t, time.Duration(9223372036)*time.Second, api.Seconds(9223372036))
	assert.Equal(t, api.Forever, api.Seconds(9223372037))
	assert.Equal(t, api.Forever, api.Seconds(math.MaxInt64))
	assert.Equal(t, -api.Forever, api.Seconds(math.MinInt64))
	assert.Equal(t, 40*time.Second, api.Later(30*time.Second, 10*time.Second))
	assert.Equal(t, api.Forever, api.Later(time.Hour, api.Forever))
	assert.Equal(t, api.Forever, api.Later(api.Forever-1, 2))
}
