//go:build !unix

package cli

import (
	"fmt"
	"runtime"
)

// peakMemory is the memory the Go runtime holds from the system (no peak
// resident set size outside Unix).
func peakMemory() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return fmt.Sprintf("%.1f MiB (held from the system)", float64(m.Sys)/(1<<20))
}
