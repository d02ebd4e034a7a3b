package report

import (
	"strconv"

	"stsim/sim/history"
)

// Failure is a write or a read that could not be done: the name a client
// used did not answer, no pod matched the target, or the pod reached could
// not do it.
type Failure struct {
	Time float64 `json:"time"`
	// Step is the step's index in spec.steps.
	Step int `json:"step"`
	// Op is "write" or "read".
	Op string `json:"op"`
	// Target is the step's target as the scenario writes it.
	Target string `json:"target"`
	// Pod is the pod the operation reached (null: none).
	Pod    *string `json:"pod"`
	Volume string  `json:"volume"`
	Key    string  `json:"key"`
	// Value is what a write meant to store (null for a read).
	Value *string `json:"value"`
	// Reason says why it failed, such as NXDOMAIN.
	Reason string `json:"reason"`
	// seq orders it in the Data table (see Write).
	seq int
}

// failure converts a recorded failure.
func failure(f history.Failure) Failure {
	out := Failure{Time: seconds(f.Time), Step: f.Step, Op: f.Op, Target: f.Target, Pod: optString(f.Pod),
		Volume: f.Volume, Key: f.Key, Reason: f.Reason, seq: f.Seq}
	if f.Op == "write" {
		out.Value = &f.Value
	}
	return out
}

// failureCells is a failed operation as a row of the Data table.
func failureCells(f Failure) []Cell {
	pod, value := Cell{Text: "-"}, Cell{Text: "-"}
	if f.Pod != nil {
		pod = text(*f.Pod)
	}
	if f.Value != nil {
		value = Cell{Value: *f.Value, Text: strconv.Quote(*f.Value)}
	}
	return []Cell{timeCell(f.Time), pod, text(f.Op), text(f.Key), value,
		Cell{Value: f.Reason, Text: "failed: " + f.Reason + " (" + f.Target + ")", Tone: Bad}}
}

// FailedOp is one failed write or read in the differences.
type FailedOp struct {
	Time   float64 `json:"time"`
	Op     string  `json:"op"`
	Target string  `json:"target"`
	Key    string  `json:"key"`
	Reason string  `json:"reason"`
}

// failedOps is the failed operations aspect: each failed write and read.
func failedOps(run *Run) (any, string) {
	out := []FailedOp{}
	items := []string{}
	for _, f := range run.Failures {
		out = append(out, FailedOp{Time: f.Time, Op: f.Op, Target: f.Target, Key: f.Key, Reason: f.Reason})
		items = append(items, f.Op+" "+f.Key+" at "+formatTime(f.Time)+": "+f.Reason)
	}
	if len(out) == 0 {
		return out, "none"
	}
	return out, strconv.Itoa(len(out)) + " (" + joinLimit(items, "; ", 3) + ")"
}
