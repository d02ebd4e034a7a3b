package replay_test

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"

	"stsim/scenarios"
	"stsim/sim/history"
	"stsim/sim/simtest"
	"stsim/sim/workload"
)

var update = flag.Bool("update", false, "rewrite the expected output of testdata/transcripts")

// TestTranscripts runs the transcripts of testdata/transcripts: each file
// holds scenarios and what running them gives, so a rule sequence is read
// and reviewed as one file. Commands:
//
//	scenario            the input is a stsim/v1 scenario; later runs use it
//	run rules=R [show=pods,status,events,claims,revisions,checks]
//	                    replays it under rule set R with the invariants
//	                    checked after every change and prints the chosen
//	                    parts of the history (default pods,status)
//
// `go test ./sim/replay -run TestTranscripts -update` rewrites the
// expected output; review the diff like code.
func TestTranscripts(t *testing.T) {
	if *update {
		if err := flag.Set("rewrite", "true"); err != nil {
			t.Fatal(err)
		}
	}
	datadriven.Walk(t, "../../testdata/transcripts", func(t *testing.T, path string) {
		var sc *scenarios.Scenario
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "scenario":
				sc = simtest.Load(t, d.Input, nil)
				return ""
			case "run":
				if sc == nil {
					d.Fatalf(t, "run before scenario")
				}
				var rules, show string
				d.ScanArgs(t, "rules", &rules)
				show = "pods,status"
				d.MaybeScanArgs(t, "show", &show)
				r, err := workload.ParseRules(rules)
				if err != nil {
					d.Fatalf(t, "%v", err)
				}
				return transcript(simtest.RunScenario(t, sc, r), strings.Split(show, ","))
			}
			d.Fatalf(t, "unknown command %q", d.Cmd)
			return ""
		})
	})
}

// transcript prints the parts of a run's history, one line per row.
func transcript(run *history.Run, parts []string) string {
	var b strings.Builder
	revs := map[string]int64{}
	for _, r := range run.Revisions {
		revs[r.Name] = r.Revision
	}
	for _, part := range parts {
		fmt.Fprintf(&b, "%s:\n", part)
		switch part {
		case "pods":
			for _, p := range run.Pods {
				fmt.Fprintf(&b, "  %s slot=%d rev=%d created=%v ready=%s deleted=%s gone=%s", p.Name, p.Slot, revs[p.Revision],
					p.Created, opt(p.Ready), opt(p.Deleted), opt(p.Gone))
				if p.Replaced != "" {
					fmt.Fprintf(&b, " replaces=%s", p.Replaced)
				}
				b.WriteString("\n")
			}
		case "status":
			for _, s := range run.Status {
				fmt.Fprintf(&b, "  %v gen=%d replicas=%d ready=%d", s.Time, s.ObservedGeneration, s.Replicas, s.ReadyReplicas)
				if s.CurrentReplicas != nil {
					fmt.Fprintf(&b, " current=%d", *s.CurrentReplicas)
				}
				fmt.Fprintf(&b, " updated=%d available=%d", s.UpdatedReplicas, s.AvailableReplicas)
				if s.TerminatingReplicas != nil {
					fmt.Fprintf(&b, " terminating=%d", *s.TerminatingReplicas)
				}
				for _, k := range slices.Sorted(maps.Keys(s.Conditions)) {
					fmt.Fprintf(&b, " %s=%s/%s", k, s.Conditions[k].Status, s.Conditions[k].Reason)
				}
				b.WriteString("\n")
			}
		case "events":
			for _, e := range run.Events {
				fmt.Fprintf(&b, "  %v %s/%s %s: %s\n", e.Time, e.Kind, e.Name, e.Reason, e.Message)
			}
		case "claims":
			for _, c := range run.Claims {
				fmt.Fprintf(&b, "  %s created=%v deleted=%s gone=%s owners=%s\n", c.Name, c.Created, opt(c.Deleted), opt(c.Gone),
					strings.Join(c.OwnerReferences, ","))
			}
		case "revisions":
			for _, r := range run.Revisions {
				fmt.Fprintf(&b, "  %d %s created=%v gone=%s\n", r.Revision, r.Name, r.Created, opt(r.Gone))
			}
		case "checks":
			for _, e := range run.Expectations {
				result := "ok"
				if !e.OK {
					result = "FAIL"
				}
				fmt.Fprintf(&b, "  %s %v step %d %s: want %s, got %s\n", result, e.Time, e.Step, e.Check, e.Want, e.Got)
			}
			for _, f := range run.Findings {
				fmt.Fprintf(&b, "  finding %v %s\n", f.Time, f.Message)
			}
		default:
			fmt.Fprintf(&b, "  unknown part %q\n", part)
		}
	}
	return b.String()
}

func opt(d *time.Duration) string {
	if d == nil {
		return "-"
	}
	return d.String()
}
