package api_test

import (
	"math/big"
	"testing"

	"stsim/sim/api"
)

// FuzzQuantity parses arbitrary quantities (docs/robustness.md): no panic,
// no hang; a quantity that parses scales to thousandths and units without
// changing sign while it fits in an int64.
func FuzzQuantity(f *testing.F) {
	for _, s := range []string{"1", "500m", "1.5", "128Mi", "1G", "1e3", "1E-3", "-1", "+.5", "0.", "1e30", "1e-30", "1Ei",
		"99999999999999999999999999999", "1.2.3", "", "m", "1ki", "3500m", "16Gi", "1e+3", "1e", " 1 "} {
		f.Add(s)
	}
	limit := new(big.Rat).SetInt64(1 << 50)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := api.ParseQuantity(s)
		milli, units := api.MilliValue(s), api.Value(s)
		if err != nil {
			if milli != 0 || units != 0 {
				t.Fatalf("%q does not parse (%v) but scales to %d, %d", s, err, milli, units)
			}
			return
		}
		if new(big.Rat).Abs(v).Cmp(limit) > 0 {
			return // past what the scaled values can hold
		}
		if v.Sign() > 0 && (milli <= 0 || units <= 0) || v.Sign() < 0 && (milli > 0 || units > 0) || v.Sign() == 0 && (milli != 0 || units != 0) {
			t.Fatalf("%q = %s scales to %d milli, %d units", s, v.RatString(), milli, units)
		}
		if v.Sign() > 0 && milli < units {
			t.Fatalf("%q = %s: %d milli < %d units", s, v.RatString(), milli, units)
		}
	})
}
