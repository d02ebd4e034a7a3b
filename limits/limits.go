// Package limits holds the caps on what one scenario may ask of the
// simulator, so that no input, however large or hostile, makes a run grow
// without bound or last for ever: each cap is a clear error (exit 2) that
// names the cap and the flag that raises it. The defaults leave room for
// Kubernetes' own scalability limits (5,000 nodes, 150,000 pods) and a
// rollout of them.
package limits

import (
	"fmt"
	"strings"
	"time"
)

// Limits are the caps of one run.
type Limits struct {
	// Pods is the most pods a run creates under one rule set (every
	// incarnation counts), and so the most replicas a workload may ask for.
	Pods int
	// Nodes is the most nodes of spec.cluster.nodes.
	Nodes int
	// Steps is the most steps of spec.steps.
	Steps int
	// Events is the most events a run records under one rule set.
	Events int
	// Horizon is the latest virtual time a scenario's steps may reach: the
	// sum of their at, after and timeout values is checked against it.
	Horizon time.Duration
}

// MaxHorizon is the largest Horizon: virtual times are int64 nanoseconds,
// and a run's times (the horizon plus any delay a controller adds to it)
// must stay far from their end, about 292 years.
const MaxHorizon = 100 * 365 * 24 * time.Hour

// Horizon is a flag value: a horizon, written as a Go duration ("8784h",
// "90m"), from 1s to MaxHorizon.
type Horizon time.Duration

func (h *Horizon) String() string { return FormatDuration(time.Duration(*h)) }

// Type names the value in usage.
func (h *Horizon) Type() string { return "duration" }

// Set parses a horizon.
func (h *Horizon) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > MaxHorizon {
		return fmt.Errorf("want a duration from 1s to %s (100 years), such as 48h or 90m", FormatDuration(MaxHorizon))
	}
	*h = Horizon(d)
	return nil
}

// Default are the caps without flags.
var Default = Limits{
	Pods:    500_000,
	Nodes:   5_000,
	Steps:   10_000,
	Events:  10_000_000,
	Horizon: 366 * 24 * time.Hour,
}

// OrDefault fills the caps that are zero from Default.
func (l Limits) OrDefault() Limits {
	if l.Pods == 0 {
		l.Pods = Default.Pods
	}
	if l.Nodes == 0 {
		l.Nodes = Default.Nodes
	}
	if l.Steps == 0 {
		l.Steps = Default.Steps
	}
	if l.Events == 0 {
		l.Events = Default.Events
	}
	if l.Horizon == 0 {
		l.Horizon = Default.Horizon
	}
	return l
}

// Error is a run that passed a cap.
type Error struct {
	// What says what passed the cap ("the run creates more than 500000 pods").
	What string
	// Flag is the command-line flag that raises the cap, without dashes.
	Flag string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s, stsim's cap (--%s raises it)", e.What, e.Flag)
}

// FormatDuration writes d as Go does, without the zero minutes and seconds
// of a whole number of hours ("8784h", "1h30m", "90s").
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "h0m0s") {
		return strings.TrimSuffix(s, "0m0s")
	}
	if strings.HasSuffix(s, "m0s") {
		return strings.TrimSuffix(s, "0s")
	}
	return s
}

// Count writes n things: "1 pod", "3 pods".
func Count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
