package review

import (
	"time"

	"stsim/report"
	"stsim/sim/workload"
)

// Row is the outcome of one fault under one rule set: a line of the
// matrix. Times are seconds of virtual time.
type Row struct {
	Fault string         `json:"fault"`
	Rules workload.Rules `json:"rules"`
	// IdentityKept says every slot's replacement pods kept its name and,
	// where it had one, its claim.
	IdentityKept bool `json:"identityKept"`
	// Renamed lists "OLD → NEW" for each slot whose pod came back under
	// another name.
	Renamed []string `json:"renamed"`
	// DataKept says each slot read back the record it wrote before the
	// fault; null when the pods have no volume.
	DataKept *bool `json:"dataKept"`
	// DataLost lists "slot N: what its read found" for each slot that did
	// not read its own record.
	DataLost []string `json:"dataLost"`
	// MinReady is the fewest Ready replicas from the first full rollout on,
	// of Desired wanted.
	MinReady *int `json:"minReady"`
	Desired  int  `json:"desired"`
	// Recovery is the time from the fault until the workload had as many
	// Ready pods as it wanted again, for good (0: it never had fewer);
	// null when it had not by the end of the timeline. RecoveredAfterNode
	// says it recovered only once a failed node came back.
	Recovery           *float64 `json:"recovery"`
	RecoveredAfterNode bool     `json:"recoveredAfterNode"`
	// DuplicateIdentitySeconds is how long two pods of one name existed.
	DuplicateIdentitySeconds float64 `json:"duplicateIdentitySeconds"`
	// ConcurrentWriters is the most pods that ran and wrote to one disk at
	// once, and ConcurrentWriterSeconds how long two or more did.
	ConcurrentWriters       int     `json:"concurrentWriters"`
	ConcurrentWriterSeconds float64 `json:"concurrentWriterSeconds"`
	// Findings are the run's own findings (a wait that timed out, a step
	// that found no pod).
	Findings []string `json:"findings"`
}

// analyze measures one fault's run. fault is when the fault came.
func analyze(f Fault, rules workload.Rules, run *report.Run, volume string, p params, fault time.Duration) Row {
	row := Row{Fault: f.Name, Rules: rules, IdentityKept: true, Renamed: []string{}, DataLost: []string{}, Findings: []string{},
		MinReady: run.Availability.MinReady, Desired: p.replicas,
		DuplicateIdentitySeconds: run.Availability.DuplicateIdentitySeconds}
	for _, id := range run.Identities {
		if id.StableName != nil && !*id.StableName || id.StableStorage != nil && !*id.StableStorage {
			row.IdentityKept = false
		}
		if len(id.Names) > 1 {
			for i := 1; i < len(id.Names); i++ {
				if id.Names[i] != id.Names[i-1] {
					row.Renamed = append(row.Renamed, id.Names[i-1]+" → "+id.Names[i])
				}
			}
		}
	}
	if volume != "" {
		kept := true
		for _, s := range p.slots {
			if lost := readBack(run, s, fault); lost != "" {
				kept = false
				row.DataLost = append(row.DataLost, lost)
			}
		}
		row.DataKept = &kept
	}
	row.Recovery, row.RecoveredAfterNode = recovery(run, fault, f)
	row.ConcurrentWriters, row.ConcurrentWriterSeconds = run.Availability.MaxConcurrentWriters, run.Availability.ConcurrentWriterSeconds
	for _, fd := range run.Findings {
		row.Findings = append(row.Findings, fd.Message)
	}
	return row
}

// readBack checks slot s's read of its record after the fault: "" when it
// found what the slot wrote, else what it found.
func readBack(run *report.Run, s int, fault time.Duration) string {
	want := recordValue(s)
	for _, rd := range run.Reads {
		if rd.Key != recordKey || rd.Time < fault.Seconds() || slotOf(run, rd.Pod, rd.Time) != s {
			continue
		}
		switch {
		case !rd.Found:
			return "slot " + itoa(s) + ": " + rd.Pod + " found no record"
		case *rd.Value != want:
			return "slot " + itoa(s) + ": " + rd.Pod + " read " + *rd.Value + ", another slot's record"
		}
		return ""
	}
	return "slot " + itoa(s) + ": no pod read it back"
}

// slotOf is the slot of the pod of that name existing at t, or -1.
func slotOf(run *report.Run, name string, t float64) int {
	for _, p := range run.Pods {
		if p.Name == name && p.Created <= t && (p.Gone == nil || *p.Gone >= t) {
			return p.Slot
		}
	}
	return -1
}

// recovery is the time from the fault until Ready pods matched the desired
// count for good: 0 if they never fell short after it, nil if they were
// still short at the end. For a node fault it says whether that came only
// after the node returned.
func recovery(run *report.Run, fault time.Duration, f Fault) (*float64, bool) {
	from := fault.Seconds()
	short, back := false, from
	for _, s := range run.ReadyOverTime {
		if s.Time <= from {
			// The sample in force when the fault came.
			short = s.Ready < s.Desired
			continue
		}
		if s.Ready < s.Desired {
			short = true
		} else if short {
			short, back = false, s.Time
		}
	}
	if short {
		return nil, false
	}
	d := roundMillis(back - from)
	return &d, isNodeFault(f) && d >= nodeDownFor.Seconds()
}

// isNodeFault says the fault is one of a node.
func isNodeFault(f Fault) bool { return f.Name == "node-crash" || f.Name == "node-partition" }
