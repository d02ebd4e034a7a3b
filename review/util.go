package review

import (
	"math"
	"strconv"
)

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }

// roundMillis rounds seconds to milliseconds, as the report does.
func roundMillis(s float64) float64 { return math.Round(s*1000) / 1000 }
