package review

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"stsim/sim/workload"
)

// The generated scenarios' fixed words.
const (
	// recordKey is the key of the record each pod writes before the fault
	// and reads back after it; afterKey the key every pod writes once the
	// workload is back (so that two pods writing to one disk show).
	recordKey = "record"
	afterKey  = "after"
	// nodes is the size of the generated cluster.
	nodes = 3
)

// scenarioName names a generated scenario in positions; its manifest files
// are the user's, named as given.
const scenarioName = "review"

// probeScenario is the scenario that checks the manifests and measures
// where slot 0 runs and when the rollout ends: apply and wait.
func probeScenario(files []File, opt Options, rules workload.Rules) []byte {
	return scenario("probe", files, opt, rules, "", []string{
		"- apply: {}",
		"- waitFor: {rolledOut: true, timeout: " + dur(waitTimeout) + "}",
	})
}

// faultScenario is the scenario of one fault under one rule set: the
// records written per slot, the fault, the wait, the writes after it and
// the records read back (and, for a node fault, the node's return).
func faultScenario(f Fault, files []File, opt Options, rules workload.Rules, volume string, p params) []byte {
	steps := []string{"- apply: {}", "- waitFor: {rolledOut: true, timeout: " + dur(waitTimeout) + "}"}
	if volume != "" {
		for _, s := range p.slots {
			steps = append(steps, fmt.Sprintf("- write: {target: {ordinal: %d}, volume: %s, key: %s, value: %s}", s, volume, recordKey, recordValue(s)))
		}
	}
	steps = append(steps, f.steps(p)...)
	if volume != "" {
		steps = append(steps, fmt.Sprintf("- write: {target: all, volume: %s, key: %s, value: after-the-fault}", volume, afterKey))
	}
	if isNodeFault(f) {
		// The records are read once the node is back: a pod that could
		// not start elsewhere meanwhile has not lost them.
		steps = append(steps, nodeRecoverSteps(p)...)
	}
	if volume != "" {
		for _, s := range p.slots {
			steps = append(steps, fmt.Sprintf("- read: {target: {ordinal: %d}, volume: %s, key: %s}", s, volume, recordKey))
		}
	}
	return scenario(f.Name, files, opt, rules, f.Title, steps)
}

// recordValue is the record slot s writes.
func recordValue(s int) string { return "slot-" + strconv.Itoa(s) }

// scenario writes a stsim/v1 scenario over the user's files.
func scenario(name string, files []File, opt Options, rules workload.Rules, title string, steps []string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: stsim/v1\nkind: Scenario\nmetadata:\n  name: review-%s\n", name)
	if title != "" {
		fmt.Fprintf(&b, "  description: %s\n", strconv.Quote("The workload under "+title+"."))
	}
	fmt.Fprintf(&b, "spec:\n  seed: %d\n  rules: [%s]\n  deployment: {volumes: %s}\n  cluster: {nodes: %d}\n  manifests:\n",
		opt.Seed, rules, opt.DeploymentVolumes, nodes)
	for _, f := range files {
		fmt.Fprintf(&b, "  - file: %s\n", strconv.Quote(f.Name))
	}
	b.WriteString("  steps:\n")
	for _, s := range steps {
		for _, l := range strings.Split(s, "\n") {
			b.WriteString("  " + l + "\n")
		}
	}
	return []byte(b.String())
}

// seconds is a virtual time of the report as a duration.
func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}
