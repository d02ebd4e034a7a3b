package report

import (
	"cmp"
	"fmt"
	"regexp"
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
	// Width is the width the text report keeps to (0: DefaultWidth), and
	// Color whether it may colour headings and results for a terminal.
	Width int
	Color bool
}

// DefaultWidth is the text report's width when Options.Width is 0.
const DefaultWidth = 100

// MaxRows is the most rows a table shows whole without Options.Full, and
// ShownRows how many of its first and of its last rows it shows beyond
// that.
const (
	MaxRows   = 200
	ShownRows = 20
)

// Layout lays a report out as a Document, the lesson first: the scenario
// (whose description states its lesson), a summary of what differs in plain
// sentences and of the expectations, the differences side by side, then
// for each rule set what happened (pods, claims, revisions, identities,
// data, DNS, availability, rejections, expectations, findings, reconcile
// errors, events). UUIDs in names print as their first 8 hex digits.
func Layout(r *Report, opt Options) *Document {
	doc := &Document{Header: r.Scenario}
	doc.Parts = append(doc.Parts, summaryPart(r))
	switch {
	case len(r.Differences) > 0:
		doc.Parts = append(doc.Parts, differencesPart(r.Differences, width(opt)))
	case len(r.Runs) > 0:
		doc.Parts = append(doc.Parts, Part{Title: "Differences", Note: "none computed (only one rule set ran)"})
	}
	for _, run := range r.Runs {
		doc.Parts = append(doc.Parts, runPart(run, opt))
	}
	shortenUUIDs(doc)
	return doc
}

// width is the text width the options ask for.
func width(opt Options) int {
	if opt.Width > 0 {
		return opt.Width
	}
	return DefaultWidth
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
	// A column whose every row is the same says so in the note instead.
	var notes []string
	nodes := sameValue(run.Pods, func(p *Pod) string { return deref(p.Node) })
	revisions := sameValue(run.Pods, func(p *Pod) string { return p.Revision })
	restarts := sameValue(run.Pods, func(p *Pod) string { return strconv.Itoa(int(p.Restarts)) })
	head := []string{"NAME", "SLOT"}
	if nodes == nil {
		head = append(head, "NODE")
	} else if *nodes != "" {
		notes = append(notes, "all on "+*nodes)
	}
	head = append(head, "IP")
	if revisions == nil {
		head = append(head, "REV")
	}
	head = append(head, "CREATED", "READY", "DELETED", "GONE")
	if restarts == nil {
		head = append(head, "RESTARTS")
	} else if *restarts == "0" {
		notes = append(notes, "no restarts")
	}
	tb := newTable(head...)
	for _, p := range run.Pods {
		row := []Cell{text(p.Name), number(p.Slot)}
		if nodes == nil {
			row = append(row, text(deref(p.Node)))
		}
		row = append(row, text(deref(p.IP)))
		if revisions == nil {
			rev := text(p.Revision)
			if n, ok := revs[p.Revision]; ok {
				rev = Cell{Value: n, Text: strconv.FormatInt(n, 10)}
			}
			row = append(row, rev)
		}
		row = append(row, timeCell(p.Created), optTimeCell(p.Ready), optTimeCell(p.Deleted), optTimeCell(p.Gone))
		if restarts == nil {
			row = append(row, number(int(p.Restarts)))
		}
		tb.add(row...)
	}
	note := "one row per incarnation, oldest first"
	if len(notes) > 0 {
		note += "; " + strings.Join(notes, ", ")
	}
	return Section{Title: "Pods", Note: note, Table: tb}
}

// sameValue is the value every pod has, or nil when they differ.
func sameValue(pods []*Pod, value func(*Pod) string) *string {
	v := value(pods[0])
	for _, p := range pods[1:] {
		if value(p) != v {
			return nil
		}
	}
	return &v
}

func claims(run *Run) Section {
	if len(run.Claims) == 0 {
		return Section{Title: "Claims", Note: "none: no PersistentVolumeClaim was used"}
	}
	zones, owners := false, false
	for _, c := range run.Claims {
		zones = zones || c.Zone != nil
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
		row := []Cell{text(c.Name), text(deref(c.Volume))}
		if zones {
			row = append(row, text(deref(c.Zone)))
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
	// One class for all volumes is said in the note instead of a column.
	note := "PersistentVolumes; RECORDS: what is left on the disk at the end"
	head := []string{"NAME", "CLASS", "RECLAIM", "CLAIM", "CREATED", "RELEASED", "GONE", "PHASE", "RECORDS"}
	class := ""
	if c := sameVolumeClass(run.Volumes); c != nil {
		class, head = *c, slices.Delete(head, 1, 2)
		note += "; class " + cell(class)
	}
	tb := newTable(head...)
	for _, v := range run.Volumes {
		row := []Cell{text(v.Name)}
		if class == "" {
			row = append(row, text(deref(v.Class)))
		}
		row = append(row, text(v.ReclaimPolicy), text(deref(v.Claim)), timeCell(v.Created), optTimeCell(v.Released),
			optTimeCell(v.Gone), text(v.Phase), Cell{Value: v.Records, Text: strconv.Itoa(v.Records)})
		tb.add(row...)
	}
	return Section{Title: "Volumes", Note: note, Table: tb}
}

// sameVolumeClass is the class of every volume when they share a non-empty
// one, else nil.
func sameVolumeClass(vs []*Volume) *string {
	c := deref(vs[0].Class)
	for _, v := range vs {
		if deref(v.Class) != c || c == "" {
			return nil
		}
	}
	return &c
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
	tb := newTable("SLOT", "SAME NAME", "SAME STORAGE", "OWN DNS NAME", "DOWNTIME", "PODS THAT HELD IT")
	for _, id := range run.Identities {
		held := chain(id.Names)
		if len(id.Names) == 1 {
			held += " (never replaced)"
		}
		down := Cell{Text: "n/a"}
		if id.Downtime != nil {
			down = Cell{Value: *id.Downtime, Text: FormatSeconds(*id.Downtime)}
			if id.Recovery != nil && *id.Recovery != *id.Downtime {
				// More than one outage: the longest is the time to recover
				// from the worst.
				down.Text += ", longest " + FormatSeconds(*id.Recovery)
			}
		}
		tb.add(number(id.Slot), optYesNo(id.StableName, "n/a"), optYesNo(id.StableStorage, "n/a"), yesNo(id.StableDNS),
			down, Cell{Value: id.Names, Text: held})
	}
	return []Section{{Title: "Identity per slot", Note: "did the slot keep it when its pod was replaced? DOWNTIME: without a Ready pod since it first had one; n/a: never replaced, no volume, never Ready", Table: tb}}
}

// dataTable lists the writes and reads, and those that failed with the
// reason, in the order they happened (by time, then as recorded).
func dataTable(run *Run) []Section {
	if len(run.Writes) == 0 && len(run.Reads) == 0 && len(run.Failures) == 0 {
		return nil
	}
	type row struct {
		time  float64
		seq   int
		cells []Cell
	}
	var rows []row
	for _, w := range run.Writes {
		rows = append(rows, row{w.Time, w.seq, []Cell{timeCell(w.Time), text(w.Pod), text("write"), text(w.Key),
			Cell{Value: w.Value, Text: strconv.Quote(w.Value)}, text("to " + where(w.Volume, w.Disk))}})
	}
	for _, rd := range run.Reads {
		value, detail := Cell{Value: deref(rd.Value), Text: strconv.Quote(deref(rd.Value))}, "written by "+deref(rd.WrittenBy)
		if !rd.Found {
			value, detail = Cell{Text: "missing"}, "not found"
		} else if rd.WrittenBy == nil {
			detail = "found"
		}
		rows = append(rows, row{rd.Time, rd.seq, []Cell{timeCell(rd.Time), text(rd.Pod), text("read"), text(rd.Key), value,
			text(detail + ", from " + where(rd.Volume, rd.Disk))}})
	}
	for _, f := range run.Failures {
		rows = append(rows, row{f.Time, f.seq, failureCells(f)})
	}
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Or(cmp.Compare(a.time, b.time), cmp.Compare(a.seq, b.seq)) })
	tb := newTable("TIME", "POD", "OP", "KEY", "VALUE", "DETAIL")
	for _, r := range rows {
		tb.add(r.cells...)
	}
	note := "what the application wrote and read back"
	if len(run.Failures) > 0 {
		note += "; failed: what it could not, and why"
	}
	return []Section{{Title: "Data", Note: note, Table: tb}}
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
		if l.TTL != nil {
			ttl = number(*l.TTL)
		}
		tb.add(timeCell(l.Time), text(l.Name), text(l.Type), ttl, Cell{Value: l.Answers, Text: lookupResult(run, l, true)})
	}
	return []Section{{Title: "DNS look-ups", Note: "from a client pod in the namespace", Table: tb}}
}

func availabilityTable(run *Run, opt Options) Section {
	a := run.Availability
	tb := &Table{Columns: []Column{{Name: "MEASURE"}, {Name: "VALUE"}}, NoHeader: true}
	v, t := fewestReady(run)
	tb.add(text("fewest Ready after the first full rollout:"), Cell{Value: v, Text: t})
	tb.add(text("time below the desired Ready count:"), Cell{Value: a.BelowDesiredSeconds, Text: optSecondsText(a.BelowDesiredSeconds, notFullyReady(run))})
	if a.FullyReady != nil {
		tb.add(text("first full rollout:"), timeCell(*a.FullyReady))
	}
	v, t = timeToScale(run)
	tb.add(text("time to scale:"), Cell{Value: v, Text: t})
	tb.add(text("most pods at once:"), number(a.MaxPods))
	tb.add(text("two pods of one name at once:"), Cell{Value: a.DuplicateIdentitySeconds, Text: FormatSeconds(a.DuplicateIdentitySeconds)})
	tb.add(text("writers of one volume at once:"), number(a.MaxConcurrentWriters))
	tb.add(text("created:"), Cell{Value: run.Measures.Created, Text: orderText(run.Measures.Created)})
	tb.add(text("deleted:"), Cell{Value: run.Measures.Deleted, Text: orderText(run.Measures.Deleted)})
	if len(run.Writes) > 0 || len(run.Reads) > 0 {
		tb.add(text("writes lost:"), number(run.Measures.WritesLost))
		tb.add(text("reads of another slot's data:"), number(run.Measures.ReadsOfOtherSlots))
	}
	if s := readyOverTime(run.ReadyOverTime, opt.Full); s != "" {
		tb.add(text("ready/existing pods over time:"), Cell{Value: run.ReadyOverTime, Text: s})
	}
	if n := len(run.Status); n > 0 {
		tb.add(text("final workload status:"), Cell{Value: run.Status[n-1], Text: statusLine(run.Status[n-1])})
	}
	return Section{Title: "Availability and order", Table: tb}
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
	tb := newTable("RESULT", "STEP", "CHECK", "WANT", "GOT")
	for _, e := range run.Expectations {
		result := Cell{Value: true, Text: "ok", Tone: Good}
		if !e.OK {
			result = Cell{Value: false, Text: "FAIL", Tone: Bad}
		}
		step := Cell{Value: e.Step, Text: fmt.Sprintf("%d at %s", e.Step, formatTime(e.Time))}
		tb.add(result, step, text(e.Check), text(e.WantText), text(e.GotText))
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

// shortKinds are kubectl's short names of the kinds with long names, which
// kubectl accepts wherever it takes a kind (kubectl get pvc).
var shortKinds = map[string]string{
	"PersistentVolumeClaim": "pvc",
	"PersistentVolume":      "pv",
	"StatefulSet":           "sts",
	"Deployment":            "deploy",
	"ReplicaSet":            "rs",
	"EndpointSlice":         "endpointslice",
	"ControllerRevision":    "controllerrevision",
}

// shortKind is the kind as the events table names it: kubectl's short
// name, else the kind in lower case.
func shortKind(kind string) string {
	if s, ok := shortKinds[kind]; ok {
		return s
	}
	return strings.ToLower(kind)
}

func events(run *Run) Section {
	tb := newTable("TIME", "TYPE", "OBJECT", "REASON", "MESSAGE")
	for _, e := range run.Events {
		tb.add(timeCell(e.Time), text(e.Type), text(shortKind(e.Kind)+"/"+e.Name), text(e.Reason), text(e.Message))
	}
	return Section{Title: "Events", Note: "like kubectl get events, oldest first; kinds by kubectl's short names", Table: tb}
}

// differencesPart is the side-by-side comparison, its two value columns
// wrapped to share the width.
func differencesPart(diffs []Difference, width int) Part {
	aspectWidth := 0
	for _, d := range diffs {
		aspectWidth = max(aspectWidth, runeLen(d.Aspect+" (same)"))
	}
	wrapAt := max((width-2-aspectWidth-4)/2-1, 20)
	tb := &Table{Columns: []Column{{Name: "ASPECT"}, {Name: "STATEFULSET", Wrap: wrapAt}, {Name: "DEPLOYMENT", Wrap: wrapAt}}}
	for _, d := range diffs {
		aspect := Cell{Value: d.Aspect, Text: d.Aspect, Tone: Notice}
		if d.Same {
			aspect = Cell{Value: d.Aspect, Text: d.Aspect + " (same)", Tone: Quiet}
		}
		tb.add(aspect, Cell{Value: d.StatefulSet, Text: d.Text.StatefulSet}, Cell{Value: d.Deployment, Text: d.Text.Deployment})
	}
	return Part{Title: "Differences: StatefulSet rules vs Deployment rules", Sections: []Section{{Table: tb}}}
}

// optYesNo is a cell of a boolean that may not apply (none).
func optYesNo(b *bool, none string) Cell {
	if b == nil {
		return Cell{Text: none}
	}
	return yesNo(*b)
}

// yesNo is a cell of a boolean for tables.
func yesNo(b bool) Cell {
	if b {
		return Cell{Value: true, Text: "yes"}
	}
	return Cell{Value: false, Text: "no"}
}

// uuidPattern matches a UUID, as in a dynamically provisioned volume's name
// (pvc-<claim UID>).
var uuidPattern = regexp.MustCompile(`\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)

// shortenUUIDs cuts every UUID in the text of a document to its first 8
// hex digits, which tell the volumes of a run apart; the values of the
// cells, and JSON, keep them whole.
func shortenUUIDs(doc *Document) {
	short := func(s string) string { return uuidPattern.ReplaceAllString(s, "$1") }
	// Lists are copied: they may be the report's own.
	shortAll := func(list []string) []string {
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = short(s)
		}
		return out
	}
	doc.Header.Notes = shortAll(doc.Header.Notes)
	for i := range doc.Parts {
		p := &doc.Parts[i]
		p.Note = short(p.Note)
		for j := range p.Sections {
			s := &p.Sections[j]
			s.Note = short(s.Note)
			s.List = shortAll(s.List)
			if s.Table == nil {
				continue
			}
			for _, row := range s.Table.Rows {
				for k := range row {
					row[k].Text = short(row[k].Text)
				}
			}
		}
	}
}
