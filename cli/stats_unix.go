//go:build unix

package cli

import (
	"fmt"
	"runtime"
	"syscall"
)

// peakMemory is the process's peak resident set size so far.
func peakMemory() string {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return "unknown"
	}
	kib := ru.Maxrss // kilobytes on Linux, bytes on macOS
	if runtime.GOOS == "darwin" {
		kib /= 1024
	}
	return fmt.Sprintf("%.1f MiB (peak RSS)", float64(kib)/1024)
}
