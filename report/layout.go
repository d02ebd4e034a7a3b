package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Options choose what a report includes.
type Options struct {
	// Events includes each run's full event log; without it the report
	// counts the events and says how to see them.
	Events bool
	// Full lists every row of every table and every point of the ready
	// series; without it a table of more than MaxRows rows shows its first
	// and last ShownRows (a run of thousands of pods stays readable).
	Full bool
}

// MaxRows is the most rows a table shows whole without Options.Full, and
// ShownRows how many of its first and of its last rows it shows beyond
// that.
const (
	MaxRows   = 200
	ShownRows = 20
)

// Layout lays a report out as a Document: the scenario, then for each rule
// set what happened (pods, claims, revisions, identities, data, DNS,
// availability, rejections, expectations, findings, reconcile errors,
// events), then the differences side by side.
func Layout(r *Report, opt Options) *Document {
	doc := &Document{Header: r.Scenario}
	for _, run := range r.Runs {
		doc.Parts = append(doc.Parts, runPart(run, opt))
	}
	switch {
	case len(r.Differences) > 0:
		doc.Parts = append(doc.Parts, differencesPart(r.Differences))
	case len(r.Runs) > 0:
		doc.Parts = append(doc.Parts, Part{Title: "Differences", Note: "none computed (only one rule set ran)"})
	}
	return doc
}

// runPart is everything about one rule set.
func runPart(run *Run, opt Options) Part {
	p := Part{Title: fmt.Sprintf("%s: %s %s  (run ends at %s)", run.Rules.Title(), cell(run.Workload.Kind),
		cell(run.Workload.Name), formatTime(run.EndTime))}
	add := func(ss ...Section) {
		for _, s := range ss {
			p.Sections = append(p.Sections, summarise(s, opt))
		}
	}
	if len(run.Conversions) > 0 {
		add(Section{Title: "Converted for these rules", List: run.Conversions})
	}
	if len(run.Ignored) > 0 {
		add(Section{Title: "Ignored", Note: "not simulated", List: run.Ignored})
	}
	add(pods(run), claims(run))
	if len(run.Volumes) > 0 {
		add(volumes(run))
	}
	add(revisions(run)...)
	add(identityTable(run)...)
	add(dataTable(run)...)
	add(lookups(run)...)
	add(availabilityTable(run, opt))
	add(rejections(run)...)
	add(expectations(run)...)
	add(findings(run)...)
	add(reconcileErrors(run)...)
	switch {
	case opt.Events && len(run.Events) > 0:
		add(events(run))
	case !opt.Events && len(run.Events) > 0:
		add(Section{Title: "Events", Note: fmt.Sprintf("%d recorded; add --events to list them", len(run.Events))})
	}
	return p
}

func pods(run *Run) Section {
	if len(run.Pods) == 0 {
		return Section{Title: "Pods", Note: "none were created"}
	}
	revs := map[string]int64{}
	for _, rv := range run.Revisions {
		revs[rv.Name] = rv.Revision
	}
	tb := newTable("NAME", "SLOT", "UID", "NODE", "IP", "REV", "CLAIMS", "CREATED", "READY", "DELETED", "GONE", "RESTARTS", "REPLACES")
	for _, p := range run.Pods {
		rev := text(p.Revision)
		if n, ok := revs[p.Revision]; ok {
			rev = Cell{Value: n, Text: strconv.FormatInt(n, 10)}
		}
		uid := p.UID
		if len(uid) > 8 {
			uid = uid[:8]
		}
		tb.add(text(p.Name), number(p.Slot), Cell{Value: p.UID, Text: uid}, text(p.Node), text(p.IP), rev,
			Cell{Value: p.Claims, Text: strings.Join(p.Claims, ",")}, timeCell(p.Created), optTimeCell(p.Ready),
			optTimeCell(p.Deleted), optTimeCell(p.Gone), number(int(p.Restarts)),
			Cell{Value: p.Replaced, Text: shortReplaced(p.Name, p.Replaced)})
	}
	return Section{Title: "Pods", Note: "one row per incarnation; UID: its first 8 characters; REPLACES: the pod whose slot it took, … = same prefix", Table: tb}
}

// shortReplaced abbreviates the name of the replaced pod when it shares all
// but its last dash-separated part with the new pod's name, as Deployment pods
// of one ReplicaSet do: web-7c5ddbdf54-x2k9p next to web-7c5ddbdf54-q8w7z is
// "…-x2k9p".
func shortReplaced(name, replaced string) string {
	if replaced == name {
		return replaced
	}
	if i := strings.LastIndexByte(replaced, '-'); i > 0 && strings.HasPrefix(name, replaced[:i+1]) {
		return "…" + replaced[i:]
	}
	return replaced
}

func claims(run *Run) Section {
	if len(run.Claims) == 0 {
		return Section{Title: "Claims", Note: "none: no PersistentVolumeClaim was used"}
	}
	zones, owners := false, false
	for _, c := range run.Claims {
		zones = zones || c.Zone != ""
		owners = owners || len(c.OwnerReferences) > 0
	}
	head := []string{"NAME", "VOLUME"}
	if zones {
		head = append(head, "ZONE")
	}
	head = append(head, "CREATED", "BOUND", "DELETED", "GONE")
	if owners {
		head = append(head, "OWNERS")
	}
	tb := newTable(head...)
	for _, c := range run.Claims {
		row := []Cell{text(c.Name), text(c.Volume)}
		if zones {
			row = append(row, text(c.Zone))
		}
		row = append(row, timeCell(c.Created), optTimeCell(c.Bound), optTimeCell(c.Deleted), optTimeCell(c.Gone))
		if owners {
			row = append(row, Cell{Value: c.OwnerReferences, Text: strings.Join(c.OwnerReferences, ",")})
		}
		tb.add(row...)
	}
	return Section{Title: "Claims", Note: "PersistentVolumeClaims", Table: tb}
}

// volumes shows each PersistentVolume and what its reclaim policy did with
// it and its data once its claim went.
func volumes(run *Run) Section {
	tb := newTable("NAME", "CLASS", "RECLAIM", "CLAIM", "CREATED", "RELEASED", "GONE", "PHASE", "RECORDS")
	for _, v := range run.Volumes {
		tb.add(text(v.Name), text(v.Class), text(v.ReclaimPolicy), text(v.Claim), timeCell(v.Created), optTimeCell(v.Released),
			optTimeCell(v.Gone), text(v.Phase), Cell{Value: v.Records, Text: strconv.Itoa(v.Records)})
	}
	return Section{Title: "Volumes", Note: "PersistentVolumes; RECORDS: what is left on the disk at the end", Table: tb}
}

func revisions(run *Run) []Section {
	if len(run.Revisions) == 0 {
		return nil
	}
	what := "ReplicaSets"
	if run.Workload.Kind == "StatefulSet" {
		what = "ControllerRevisions"
	}
	tb := newTable("NAME", "REVISION", "CREATED", "GONE")
	for _, rv := range run.Revisions {
		tb.add(text(rv.Name), Cell{Value: rv.Revision, Text: strconv.FormatInt(rv.Revision, 10)}, timeCell(rv.Created), optTimeCell(rv.Gone))
	}
	return []Section{{Title: "Revisions", Note: what + "; REV in the pods table", Table: tb}}
}

func identityTable(run *Run) []Section {
	if len(run.Identities) == 0 {
		return nil
	}
	tb := newTable("SLOT", "STABLE NAME", "STABLE STORAGE", "STABLE DNS", "CLAIMS", "PODS THAT HELD IT")
	for _, id := range run.Identities {
		held := chain(id.Names)
		if len(id.Names) == 1 {
			held += " (never replaced)"
		}
		tb.add(number(id.Slot), yesNo(id.StableName), yesNo(id.StableStorage), yesNo(id.StableDNS),
			Cell{Value: id.Claims, Text: strings.Join(id.Claims, ",")}, Cell{Value: id.Names, Text: held})
	}
	return []Section{{Title: "Identity per slot", Note: "is it the same after the pod is replaced?", Table: tb}}
}

// dataTable lists the writes and reads, merged by time (writes first within
// an instant).
func dataTable(run *Run) []Section {
	if len(run.Writes) == 0 && len(run.Reads) == 0 {
		return nil
	}
	type row struct {
		time  float64
		cells []Cell
	}
	var rows []row
	for _, w := range run.Writes {
		rows = append(rows, row{w.Time, []Cell{timeCell(w.Time), text(w.Pod), text("write"), text(w.Key),
			Cell{Value: w.Value, Text: strconv.Quote(w.Value)}, text("to " + where(w.Volume, w.Disk))}})
	}
	for _, rd := range run.Reads {
		value, detail := Cell{Value: rd.Value, Text: strconv.Quote(rd.Value)}, "written by "+rd.WrittenBy
		if !rd.Found {
			value, detail = Cell{Text: "missing"}, "not found"
		} else if rd.WrittenBy == "" {
			detail = "found"
		}
		rows = append(rows, row{rd.Time, []Cell{timeCell(rd.Time), text(rd.Pod), text("read"), text(rd.Key), value,
			text(detail + ", from " + where(rd.Volume, rd.Disk))}})
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		switch {
		case a.time < b.time:
			return -1
		case a.time > b.time:
			return 1
		}
		return 0
	})
	tb := newTable("TIME", "POD", "OP", "KEY", "VALUE", "DETAIL")
	for _, r := range rows {
		tb.add(r.cells...)
	}
	return []Section{{Title: "Data", Note: "what the application wrote and read back", Table: tb}}
}

// where names a volume and the disk behind it.
func where(volume, disk string) string {
	switch {
	case volume == "" && disk == "":
		return "?"
	case disk == "":
		return "volume " + volume
	case volume == "":
		return "disk " + disk
	}
	return "volume " + volume + " on " + disk
}

func lookups(run *Run) []Section {
	if len(run.Lookups) == 0 {
		return nil
	}
	tb := newTable("TIME", "NAME", "TYPE", "TTL", "ANSWER")
	for _, l := range run.Lookups {
		ttl := Cell{Text: "-"} // the upstream resolver's TTL is not simulated
		if !l.Outside {
			ttl = number(l.TTL)
		}
		tb.add(timeCell(l.Time), text(l.Name), text(l.Type), ttl, Cell{Value: l.Answers, Text: lookupResult(run, l, true)})
	}
	return []Section{{Title: "DNS look-ups", Note: "from a client pod in the namespace", Table: tb}}
}

func availabilityTable(run *Run, opt Options) Section {
	a := run.Availability
	tb := &Table{Columns: []Column{{Name: "MEASURE"}, {Name: "VALUE"}}, NoHeader: true}
	tb.add(text("min ready after the first full rollout:"), number(a.MinReady))
	tb.add(text("most pods at once:"), number(a.MaxPods))
	tb.add(text("two pods of one name at once:"), Cell{Value: a.DuplicateIdentitySeconds, Text: formatSeconds(a.DuplicateIdentitySeconds)})
	tb.add(text("writers of one volume at once:"), number(a.MaxConcurrentWriters))
	if s := readyOverTime(run.ReadyOverTime, opt.Full); s != "" {
		tb.add(text("ready/existing pods over time:"), Cell{Value: run.ReadyOverTime, Text: s})
	}
	if n := len(run.Status); n > 0 {
		tb.add(text("final workload status:"), Cell{Value: run.Status[n-1], Text: statusLine(run.Status[n-1])})
	}
	return Section{Title: "Availability", Table: tb}
}

// readyOverTime lists the counts at the end of each instant, when they
// changed, as "12.0s 2/3"; unless full, only the first and last ShownRows
// of more than MaxRows.
func readyOverTime(samples []ReadySample, full bool) string {
	var items []string
	var prev *ReadySample
	for i, s := range samples {
		if i+1 < len(samples) && samples[i+1].Time == s.Time {
			continue // superseded within the instant
		}
		if prev != nil && s.Ready == prev.Ready && s.Pods == prev.Pods {
			continue
		}
		prev = &samples[i]
		items = append(items, fmt.Sprintf("%s %d/%d,", formatTime(s.Time), s.Ready, s.Pods))
	}
	if n := len(items); !full && n > MaxRows {
		skipped := fmt.Sprintf("… %d more (--full lists them),", n-2*ShownRows)
		items = append(append(items[:ShownRows:ShownRows], skipped), items[n-ShownRows:]...)
	}
	return strings.TrimSuffix(strings.Join(items, " "), ",")
}

// summarise cuts a table of more than MaxRows rows to its first and last
// ShownRows, with a row that says how many are left out, unless opt.Full.
func summarise(s Section, opt Options) Section {
	if opt.Full || s.Table == nil || len(s.Table.Rows) <= MaxRows {
		return s
	}
	tb := *s.Table
	n := len(tb.Rows)
	gap := make([]Cell, len(tb.Columns))
	for i := range gap {
		gap[i] = text("…") // every column, so that the columns stay aligned
	}
	tb.Rows = append(append(tb.Rows[:ShownRows:ShownRows], gap), tb.Rows[n-ShownRows:]...)
	s.Table = &tb
	note := fmt.Sprintf("%d rows; the first and last %d shown, … for the %d between; --full lists them all", n, ShownRows, n-2*ShownRows)
	if s.Note != "" {
		note = s.Note + "; " + note
	}
	s.Note = note
	return s
}

// statusLine sums up one status row, conditions sorted by type.
func statusLine(s Status) string {
	line := fmt.Sprintf("replicas %d, ready %d, updated %d, available %d", s.Replicas, s.ReadyReplicas,
		s.UpdatedReplicas, s.AvailableReplicas)
	types := make([]string, 0, len(s.Conditions))
	for k := range s.Conditions {
		types = append(types, k)
	}
	slices.Sort(types)
	for _, k := range types {
		c := s.Conditions[k]
		line += fmt.Sprintf("; %s=%s", k, c.Status)
		if c.Reason != "" {
			line += " (" + c.Reason + ")"
		}
	}
	return line
}

func rejections(run *Run) []Section {
	if len(run.Rejections) == 0 {
		return nil
	}
	tb := newTable("TIME", "STEP", "MESSAGE")
	for _, rj := range run.Rejections {
		tb.add(timeCell(rj.Time), number(rj.Step), text(rj.Message))
	}
	return []Section{{Title: "Rejected by the API server", Note: "the run went on without the change", Table: tb}}
}

func expectations(run *Run) []Section {
	if len(run.Expectations) == 0 {
		return nil
	}
	failed := 0
	for _, e := range run.Expectations {
		if !e.OK {
			failed++
		}
	}
	tb := newTable("RESULT", "TIME", "STEP", "CHECK", "WANT", "GOT")
	for _, e := range run.Expectations {
		result := Cell{Value: true, Text: "ok"}
		if !e.OK {
			result = Cell{Value: false, Text: "FAIL"}
		}
		tb.add(result, timeCell(e.Time), number(e.Step), text(e.Check), text(e.Want), text(e.Got))
	}
	return []Section{{Title: "Expectations", Note: fmt.Sprintf("%s, %d failed", plural(len(run.Expectations), "check", "checks"), failed), Table: tb}}
}

func findings(run *Run) []Section {
	if len(run.Findings) == 0 {
		return nil
	}
	tb := newTable("TIME", "STEP", "MESSAGE")
	for _, f := range run.Findings {
		tb.add(timeCell(f.Time), number(f.Step), text(f.Message))
	}
	return []Section{{Title: "Findings", Table: tb}}
}

func reconcileErrors(run *Run) []Section {
	if len(run.ReconcileErrors) == 0 {
		return nil
	}
	tb := newTable("TIME", "CONTROLLER", "KEY", "ERROR")
	for _, e := range run.ReconcileErrors {
		tb.add(timeCell(e.Time), text(e.Controller), text(e.Key), text(e.Message))
	}
	return []Section{{Title: "Reconcile errors", Note: "each was retried with backoff, as a controller's work queue does", Table: tb}}
}

func events(run *Run) Section {
	tb := newTable("TIME", "TYPE", "OBJECT", "REASON", "MESSAGE")
	for _, e := range run.Events {
		tb.add(timeCell(e.Time), text(e.Type), text(strings.ToLower(e.Kind)+"/"+e.Name), text(e.Reason), text(e.Message))
	}
	return Section{Title: "Events", Note: "like kubectl get events, oldest first", Table: tb}
}

// differenceWidth is the width a difference value wraps at.
const differenceWidth = 40

// differencesPart is the side-by-side comparison.
func differencesPart(diffs []Difference) Part {
	tb := &Table{Columns: []Column{{Name: "ASPECT"}, {Name: "STATEFULSET", Wrap: differenceWidth}, {Name: "DEPLOYMENT", Wrap: differenceWidth}}}
	for _, d := range diffs {
		aspect := d.Aspect
		if d.Same {
			aspect += " (same)"
		}
		tb.add(text(aspect), Cell{Value: d.StatefulSet, Text: d.Text.StatefulSet}, Cell{Value: d.Deployment, Text: d.Text.Deployment})
	}
	return Part{Title: "Differences: StatefulSet rules vs Deployment rules", Sections: []Section{{Table: tb}}}
}

// yesNo is a cell of a boolean for tables.
func yesNo(b bool) Cell {
	if b {
		return Cell{Value: true, Text: "yes"}
	}
	return Cell{Value: false, Text: "no"}
}
