package review

import (
	"fmt"
	"strings"

	"stsim/report"
)

// Document lays the review out for the report's renderers: the matrix, the
// findings, the timelines, the conversions and what was ignored.
func (rv *Review) Document() *report.Document {
	w := rv.Workload
	vol := "they have no volume, so data is not measured"
	if w.Volume != nil {
		vol = "each pod writes a record to its volume " + *w.Volume + " before the fault and reads it back after"
	}
	d := &report.Document{Header: report.Header{
		Name: fmt.Sprintf("review of %s %s", w.Kind, w.Name),
		Seed: rv.Seed,
		Description: fmt.Sprintf("Standard faults against %s %s (%s), each under StatefulSet rules and under Deployment rules on a %d-node cluster; %s.",
			w.Kind, w.Name, count(w.Replicas)+" "+plural(w.Replicas, "replica"), nodes, vol),
		File:  strings.Join(rv.Files, ", "),
		Notes: rv.Notes,
	}}
	d.Parts = append(d.Parts,
		report.Part{Title: "Faults × rule sets", Sections: []report.Section{{Table: rv.matrix(),
			Note: "recovery: from the fault until as many pods were Ready as wanted; two pods, one name: how long two pods of one name existed; writers: the most pods writing to one volume at once (and how long two or more did)"}}},
		report.Part{Title: "Findings", Sections: []report.Section{{List: rv.Findings}}},
		report.Part{Title: "Timelines", Sections: []report.Section{{List: timelines()}}},
		rv.conversions(),
		rv.ignored(),
	)
	return d
}

// matrix is the table of fault × rule set.
func (rv *Review) matrix() *report.Table {
	t := &report.Table{}
	for _, c := range []string{"FAULT", "RULES", "IDENTITY KEPT", "DATA KEPT", "FEWEST READY", "RECOVERY", "TWO PODS, ONE NAME", "WRITERS"} {
		t.Columns = append(t.Columns, report.Column{Name: c})
	}
	for _, r := range rv.Rows {
		t.Rows = append(t.Rows, []report.Cell{
			plain(r.Fault),
			plain(string(r.Rules)),
			yesNo(&r.IdentityKept),
			yesNo(r.DataKept),
			fewest(r),
			recoveryCell(r),
			duplicates(r),
			writers(r),
		})
	}
	return t
}

// plain is a cell of text.
func plain(s string) report.Cell { return report.Cell{Value: s, Text: s} }

// yesNo is a cell of a yes or no, "-" when it does not apply.
func yesNo(b *bool) report.Cell {
	switch {
	case b == nil:
		return report.Cell{Text: "-"}
	case *b:
		return report.Cell{Value: true, Text: "yes", Tone: report.Good}
	}
	return report.Cell{Value: false, Text: "no", Tone: report.Bad}
}

// fewest is the fewest Ready replicas of those wanted.
func fewest(r Row) report.Cell {
	if r.MinReady == nil {
		return report.Cell{Text: "never all Ready", Tone: report.Bad}
	}
	c := report.Cell{Value: *r.MinReady, Text: fmt.Sprintf("%d of %d", *r.MinReady, r.Desired)}
	if *r.MinReady < r.Desired {
		c.Tone = report.Notice
	}
	return c
}

// recoveryCell is the time to recover.
func recoveryCell(r Row) report.Cell {
	switch {
	case r.Recovery == nil:
		return report.Cell{Text: "not recovered", Tone: report.Bad}
	case *r.Recovery == 0:
		return report.Cell{Value: 0.0, Text: "no outage", Tone: report.Good}
	case r.RecoveredAfterNode:
		return report.Cell{Value: *r.Recovery, Text: report.FormatSeconds(*r.Recovery) + ", node back", Tone: report.Bad}
	}
	return report.Cell{Value: *r.Recovery, Text: report.FormatSeconds(*r.Recovery)}
}

// duplicates is how long two pods of one name existed.
func duplicates(r Row) report.Cell {
	c := report.Cell{Value: r.DuplicateIdentitySeconds, Text: report.FormatSeconds(r.DuplicateIdentitySeconds)}
	if r.DuplicateIdentitySeconds > 0 {
		c.Tone = report.Bad
	}
	return c
}

// writers is the most pods writing to one volume at once, and how long.
func writers(r Row) report.Cell {
	c := report.Cell{Value: r.ConcurrentWriters, Text: itoa(r.ConcurrentWriters)}
	if r.ConcurrentWriters >= 2 {
		c.Text += " (2+ for " + report.FormatSeconds(r.ConcurrentWriterSeconds) + ")"
		c.Tone = report.Bad
	}
	return c
}

// timelines says what each fault's timeline does.
func timelines() []string {
	return []string{
		fmt.Sprintf("Every timeline: apply the manifests, wait for the rollout, write one record per pod, the fault %s later, then wait for the workload (at most %s), write again from every pod and read each record back.", report.FormatSeconds(faultDelay.Seconds()), report.FormatSeconds(waitTimeout.Seconds())),
		"pod-delete: slot 0's pod is deleted, as kubectl delete pod does.",
		"container-crash: slot 0's container exits once; the kubelet restarts it in place.",
		fmt.Sprintf("crash-loop: slot 0's container exits after every start for %s (restart back-off applies).", report.FormatSeconds(crashLoopFor.Seconds())),
		"scale-down-up: the workload is scaled to 1 replica (0 if it has 1), then back.",
		"rolling-update: kubectl rollout restart.",
		fmt.Sprintf("node-crash: the node of slot 0 goes down; it comes back %s after the fault.", report.FormatSeconds(nodeDownFor.Seconds())),
		fmt.Sprintf("node-partition: the node of slot 0 is cut off from the API server, its pods running on; it reconnects %s after the fault.", report.FormatSeconds(nodeDownFor.Seconds())),
	}
}

// conversions is the part that says how the workload was converted.
func (rv *Review) conversions() report.Part {
	p := report.Part{Title: "Conversions"}
	for _, c := range rv.Conversions {
		if len(c.Notes) == 0 {
			continue
		}
		p.Sections = append(p.Sections, report.Section{Title: "Under " + rulesName(c.Rules), List: c.Notes})
	}
	if len(p.Sections) == 0 {
		p.Note = "none"
	}
	return p
}

// ignored is the part that lists what the manifests hold that stsim does
// not simulate.
func (rv *Review) ignored() report.Part {
	if len(rv.Ignored) == 0 {
		return report.Part{Title: "Ignored", Note: "nothing: stsim simulates every kind and field of the manifests"}
	}
	return report.Part{Title: "Ignored", Sections: []report.Section{{
		Note: "kinds and fields of the manifests that stsim does not simulate", List: rv.Ignored}}}
}

// plural adds an s to word unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
