// Command stsim simulates Kubernetes StatefulSet versus Deployment rules on a
// virtual clock and reports how pod identity and data differ. See
// `stsim --help`.
package main

import (
	"os"

	"stsim/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
