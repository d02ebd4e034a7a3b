package review

import (
	"fmt"
	"strings"
	"time"
)

// Fault is one standard fault timeline.
type Fault struct {
	// Name is its key in the JSON review and in the generated scenario's
	// name (review-NAME).
	Name string
	// Title is how a sentence names it ("a node partition").
	Title string
	// steps writes the fault's steps and the wait for the workload after
	// it, given the timeline's parameters.
	steps func(p params) []string
}

// The timeline's fixed times.
const (
	// faultDelay is how long after the rollout (and the first records)
	// the fault comes.
	faultDelay = 10 * time.Second
	// crashLoopFor is how long a crash loop lasts.
	crashLoopFor = 5 * time.Minute
	// nodeDownFor is how long a failed node stays down before it comes
	// back: long enough for the eviction (5m) and what follows it.
	nodeDownFor = 15 * time.Minute
	// nodeWaitAfter is when, after a node fault, the wait for the
	// workload starts: after the node is noticed and its pods evicted.
	nodeWaitAfter = 6 * time.Minute
	// waitTimeout bounds every wait for the workload.
	waitTimeout = 8 * time.Minute
)

// params are what a timeline needs to know about the workload and where it
// runs under one rule set.
type params struct {
	// replicas is the workload's spec.replicas; slots the ordinals (or
	// Deployment slots) its pods hold.
	replicas int
	slots    []int
	// node is the node slot 0 runs on, and rollout when the first rollout
	// ended (the probe's end).
	node    string
	rollout time.Duration
}

// fault is when the fault comes: faultDelay after the first rollout.
func (p params) fault() time.Duration { return p.rollout + faultDelay }

// Faults are the standard fault timelines, in the matrix's order.
var Faults = []Fault{
	{"pod-delete", "a pod delete", func(p params) []string {
		return []string{
			step(fmt.Sprintf("deletePod: {target: {ordinal: %d}}", p.slots[0]), "at", p.fault()),
			waitSlot(p, "after", time.Second),
		}
	}},
	{"container-crash", "a container crash", func(p params) []string {
		return []string{
			step(fmt.Sprintf("crash: {target: {ordinal: %d}}", p.slots[0]), "at", p.fault()),
			waitSlot(p, "after", time.Second),
		}
	}},
	{"crash-loop", "a crash loop", func(p params) []string {
		until := p.fault() + crashLoopFor
		return []string{
			step(fmt.Sprintf("crashLoop: {target: {ordinal: %d}, until: %s}", p.slots[0], dur(until)), "at", p.fault()),
			waitSlot(p, "at", until),
		}
	}},
	{"scale-down-up", "a scale down and up", func(p params) []string {
		return []string{
			step(fmt.Sprintf("scale: {replicas: %d}", min(1, p.replicas-1)), "at", p.fault()),
			"- waitFor: {rolledOut: true, timeout: " + dur(waitTimeout) + "}",
			step(fmt.Sprintf("scale: {replicas: %d}", p.replicas), "after", faultDelay),
			"- waitFor: {rolledOut: true, timeout: " + dur(waitTimeout) + "}",
		}
	}},
	{"rolling-update", "a rolling update", func(p params) []string {
		return []string{
			step("rolloutRestart: {}", "at", p.fault()),
			"- waitFor: {rolledOut: true, timeout: " + dur(waitTimeout) + "}",
		}
	}},
	{"node-crash", "a node crash", nodeFault("crash")},
	{"node-partition", "a node partition", nodeFault("partition")},
}

// nodeFault is the timeline of a node that fails (crash or partition)
// where slot 0 runs, and comes back nodeDownFor later.
func nodeFault(mode string) func(p params) []string {
	return func(p params) []string {
		return []string{
			step(fmt.Sprintf("nodeFail: {node: %s, mode: %s}", p.node, mode), "at", p.fault()),
			waitSlot(p, "after", nodeWaitAfter),
		}
	}
}

// nodeRecoverSteps bring the failed node back and wait for the workload.
func nodeRecoverSteps(p params) []string {
	return []string{
		step(fmt.Sprintf("nodeRecover: {node: %s}", p.node), "at", p.fault()+nodeDownFor),
		waitSlot(p, "after", time.Second),
	}
}

// waitSlot waits, from timing d, until all replicas are Ready and slot 0
// has a Ready pod that is not terminating (its replacement, if it was
// replaced).
func waitSlot(p params, timing string, d time.Duration) string {
	return step(fmt.Sprintf("waitFor: {ready: %d, podReady: {ordinal: %d}, timeout: %s}", p.replicas, p.slots[0], dur(waitTimeout)), timing, d)
}

// step is a step with a timing (after or at).
func step(action, timing string, d time.Duration) string {
	return "- " + action + "\n  " + timing + ": " + dur(d)
}

// dur writes a duration as the scenario language reads it.
func dur(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
