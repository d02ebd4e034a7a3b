package api

import (
	"math"
	"time"
)

// Forever is the largest virtual time: a delay that reaches it never ends
// within a run (a run's steps end by limits.MaxHorizon, far before it).
const Forever = time.Duration(math.MaxInt64)

// Seconds is n seconds of a spec field as a duration. Fields such as
// terminationGracePeriodSeconds and tolerationSeconds are int64 seconds,
// which the API server accepts up to the largest int64 while a duration
// ends near 9.2e9 s: a longer value saturates at Forever instead of
// wrapping (to zero or a negative, which would end a grace period at once).
func Seconds(n int64) time.Duration {
	switch {
	case n > int64(Forever/time.Second):
		return Forever
	case n < -int64(Forever/time.Second):
		return -Forever
	}
	return time.Duration(n) * time.Second
}

// Later is t+d for a delay d ≥ 0, saturating at Forever.
func Later(t, d time.Duration) time.Duration {
	if d > Forever-t {
		return Forever
	}
	return t + d
}
