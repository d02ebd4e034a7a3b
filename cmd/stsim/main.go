// Command stsim simulates Kubernetes StatefulSet versus Deployment rules on a
// virtual clock and reports how pod identity and data differ. See
// `stsim --help`.
package main

import (
	"os"
	"runtime/debug"

	"stsim/cli"
)

// memoryLimit is the heap size past which the garbage collector works
// harder rather than let the heap grow: a run of 150,000 pods holds about
// 1.5 GiB, and by default the heap may grow to twice what it holds. The
// GOMEMLIMIT environment variable overrides it.
const memoryLimit = 3 << 30

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
