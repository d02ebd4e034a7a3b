package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"stsim/sim/history"
)

// TextOptions choose what the text report includes.
type TextOptions struct {
	// Events includes each run's full event log; without it the report
	// counts the events and says how to see them.
	Events bool
}

// Text writes the terminal report: the scenario, then for each rule set what
// happened (pods, claims, identities, data, DNS, availability, expectations,
// findings, events), then the differences side by side. The output is plain
// text with aligned columns, at most about 120 columns wide except for long
// messages, and the same report always gives the same bytes.
func (r *Report) Text(w io.Writer, opt TextOptions) error {
	t := &textWriter{opt: opt}
	t.header(r.Scenario)
	for _, run := range r.Runs {
		t.run(run)
	}
	t.differences(r)
	_, err := w.Write(trimLines(t.buf.Bytes()))
	return err
}

// textWriter accumulates the text report.
type textWriter struct {
	buf bytes.Buffer
	opt TextOptions
}

func (t *textWriter) printf(format string, args ...any) {
	fmt.Fprintf(&t.buf, format, args...)
}

// section starts a titled block, with an optional note after the title.
func (t *textWriter) section(title, note string) {
	t.printf("\n%s", title)
	if note != "" {
		t.printf("  (%s)", note)
	}
	t.printf("\n")
}

// textWidth is the width the text report keeps to, except for words that
// do not fit.
const textWidth = 120

// list writes items as an indented bullet list, wrapped at textWidth.
func (t *textWriter) list(items []string) {
	for _, it := range items {
		for i, l := range wrap(cell(it), textWidth-4) {
			if i == 0 {
				t.printf("  - %s\n", l)
			} else {
				t.printf("    %s\n", l)
			}
		}
	}
}

// table is rows of cells written with aligned columns, indented by two
// spaces. Empty cells print as "-" unless keepEmpty is set. The last column
// is wrapped so that lines stay within textWidth where they can.
type table struct {
	rows      [][]string
	keepEmpty bool
}

func newTable(header ...string) *table { return &table{rows: [][]string{header}} }

func (tb *table) add(cells ...string) { tb.rows = append(tb.rows, cells) }

// write writes the table.
func (tb *table) write(t *textWriter) {
	rows := make([][]string, len(tb.rows))
	ncol := 0
	for i, row := range tb.rows {
		rows[i] = make([]string, len(row))
		for j, c := range row {
			if c != "" || !tb.keepEmpty {
				c = cell(c)
			}
			rows[i][j] = c
		}
		ncol = max(ncol, len(row))
	}
	widths := make([]int, ncol)
	for _, row := range rows {
		for j, c := range row[:max(len(row)-1, 0)] {
			widths[j] = max(widths[j], runeLen(c))
		}
	}
	prefix := 2
	for _, w := range widths[:max(ncol-1, 0)] {
		prefix += w + 2
	}
	last := max(textWidth-prefix, 30)

	tw := tabwriter.NewWriter(&t.buf, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		if len(row) == 0 {
			fmt.Fprintln(tw)
			continue
		}
		lines := wrap(row[len(row)-1], last)
		for k, l := range lines {
			cells := make([]string, len(row))
			if k == 0 {
				copy(cells, row)
			}
			cells[len(row)-1] = l
			fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
		}
	}
	tw.Flush() // writes to a bytes.Buffer: cannot fail
}

// header writes the title block.
func (t *textWriter) header(h Header) {
	name := h.Name
	if name == "" {
		name = "(unnamed scenario)"
	}
	t.printf("stsim report: %s  (seed %d)\n", cell(name), h.Seed)
	if h.Description != "" {
		for _, l := range wrap(cell(h.Description), 100) {
			t.printf("  %s\n", l)
		}
	}
	if h.File != "" {
		t.printf("  file: %s\n", cell(h.File))
	}
	if len(h.Notes) > 0 {
		t.printf("  notes:\n")
		for _, n := range h.Notes {
			t.printf("    - %s\n", cell(n))
		}
	}
}

// rulesTitle names a rule set for people.
func rulesTitle(rules string) string {
	switch rules {
	case RulesStatefulSet:
		return "StatefulSet rules"
	case RulesDeployment:
		return "Deployment rules"
	}
	return rules + " rules"
}

// run writes everything about one rule set.
func (t *textWriter) run(run *history.Run) {
	t.printf("\n\n== %s: %s %s  (run ends at %s) ==\n", rulesTitle(run.Rules), cell(run.Workload.Kind),
		cell(run.Workload.Name), formatTime(run.EndTime))
	if len(run.Conversions) > 0 {
		t.section("Converted for these rules", "")
		t.list(run.Conversions)
	}
	if len(run.Ignored) > 0 {
		t.section("Ignored", "not simulated")
		t.list(run.Ignored)
	}
	t.pods(run)
	t.claims(run)
	t.revisions(run)
	t.identities(run)
	t.data(run)
	t.lookups(run)
	t.availability(run)
	t.rejections(run)
	t.expectations(run)
	t.findings(run)
	if t.opt.Events {
		t.events(run)
	} else if len(run.Events) > 0 {
		t.section("Events", fmt.Sprintf("%d recorded; add --events to list them", len(run.Events)))
	}
}

func (t *textWriter) pods(run *history.Run) {
	if len(run.Pods) == 0 {
		t.section("Pods", "none were created")
		return
	}
	t.section("Pods", "one row per incarnation; UID: its first 8 characters; REPLACES: the pod whose slot it took, … = same prefix")
	revs := map[string]int64{}
	for _, rv := range run.Revisions {
		revs[rv.Name] = rv.Revision
	}
	tb := newTable("NAME", "SLOT", "UID", "NODE", "IP", "REV", "CLAIMS", "CREATED", "READY", "DELETED", "GONE", "RESTARTS", "REPLACES")
	for _, p := range run.Pods {
		rev := p.Revision
		if n, ok := revs[p.Revision]; ok {
			rev = strconv.FormatInt(n, 10)
		}
		uid := p.UID
		if len(uid) > 8 {
			uid = uid[:8]
		}
		tb.add(p.Name, strconv.Itoa(p.Slot), uid, p.Node, p.IP, rev, strings.Join(p.Claims, ","),
			formatTime(p.Created), formatOptTime(p.Ready), formatOptTime(p.Deleted), formatOptTime(p.Gone),
			strconv.Itoa(int(p.Restarts)), shortReplaced(p.Name, p.Replaced))
	}
	tb.write(t)
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

func (t *textWriter) claims(run *history.Run) {
	if len(run.Claims) == 0 {
		t.section("Claims", "none: no PersistentVolumeClaim was used")
		return
	}
	t.section("Claims", "PersistentVolumeClaims")
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
		row := []string{c.Name, c.Volume}
		if zones {
			row = append(row, c.Zone)
		}
		row = append(row, formatTime(c.Created), formatOptTime(c.Bound), formatOptTime(c.Deleted), formatOptTime(c.Gone))
		if owners {
			row = append(row, strings.Join(c.OwnerReferences, ","))
		}
		tb.add(row...)
	}
	tb.write(t)
}

func (t *textWriter) revisions(run *history.Run) {
	if len(run.Revisions) == 0 {
		return
	}
	what := "ReplicaSets"
	if run.Workload.Kind == "StatefulSet" {
		what = "ControllerRevisions"
	}
	t.section("Revisions", what+"; REV in the pods table")
	tb := newTable("NAME", "REVISION", "CREATED", "GONE")
	for _, rv := range run.Revisions {
		tb.add(rv.Name, strconv.FormatInt(rv.Revision, 10), formatTime(rv.Created), formatOptTime(rv.Gone))
	}
	tb.write(t)
}

func (t *textWriter) identities(run *history.Run) {
	if len(run.Identities) == 0 {
		return
	}
	t.section("Identity per slot", "is it the same after the pod is replaced?")
	tb := newTable("SLOT", "STABLE NAME", "STABLE STORAGE", "STABLE DNS", "CLAIMS", "PODS THAT HELD IT")
	for _, id := range run.Identities {
		pods := chain(id.Names)
		if len(id.Names) == 1 {
			pods += " (never replaced)"
		}
		tb.add(strconv.Itoa(id.Slot), yesNo(id.StableName), yesNo(id.StableStorage), yesNo(id.StableDNS),
			strings.Join(id.Claims, ","), pods)
	}
	tb.write(t)
}

// data writes the writes and reads, merged by time (writes first within an
// instant).
func (t *textWriter) data(run *history.Run) {
	if len(run.Writes) == 0 && len(run.Reads) == 0 {
		return
	}
	t.section("Data", "what the application wrote and read back")
	type row struct {
		time  float64
		cells []string
	}
	var rows []row
	for _, w := range run.Writes {
		rows = append(rows, row{w.Time, []string{formatTime(w.Time), w.Pod, "write", w.Key, strconv.Quote(w.Value),
			"to " + where(w.Volume, w.Disk)}})
	}
	for _, rd := range run.Reads {
		value, detail := strconv.Quote(rd.Value), "written by "+rd.WrittenBy
		if !rd.Found {
			value, detail = "missing", "not found"
		} else if rd.WrittenBy == "" {
			detail = "found"
		}
		rows = append(rows, row{rd.Time, []string{formatTime(rd.Time), rd.Pod, "read", rd.Key, value,
			detail + ", from " + where(rd.Volume, rd.Disk)}})
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
	tb.write(t)
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

func (t *textWriter) lookups(run *history.Run) {
	if len(run.Lookups) == 0 {
		return
	}
	t.section("DNS look-ups", "from a client pod in the namespace")
	tb := newTable("TIME", "NAME", "TYPE", "TTL", "ANSWER")
	for _, l := range run.Lookups {
		ttl := "-"
		if !l.NXDomain {
			ttl = strconv.Itoa(l.TTL)
		}
		tb.add(formatTime(l.Time), l.Name, l.Type, ttl, lookupResult(run, l, true))
	}
	tb.write(t)
}

func (t *textWriter) availability(run *history.Run) {
	a := run.Availability
	t.section("Availability", "")
	tb := newTable("min ready after the first full rollout:", strconv.Itoa(a.MinReady))
	tb.add("most pods at once:", strconv.Itoa(a.MaxPods))
	tb.add("two pods of one name at once:", formatSeconds(a.DuplicateIdentitySeconds))
	if s := readyOverTime(run.ReadyOverTime); s != "" {
		tb.add("ready/existing pods over time:", s)
	}
	if n := len(run.Status); n > 0 {
		tb.add("final workload status:", statusLine(run.Status[n-1]))
	}
	tb.write(t)
}

// readyOverTime lists the counts at the end of each instant, when they
// changed, as "12.0s 2/3".
func readyOverTime(samples []history.ReadySample) string {
	var items []string
	var prev *history.ReadySample
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
	return strings.TrimSuffix(strings.Join(items, " "), ",")
}

// statusLine sums up one status row, conditions sorted by type.
func statusLine(s history.Status) string {
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

func (t *textWriter) rejections(run *history.Run) {
	if len(run.Rejections) == 0 {
		return
	}
	t.section("Rejected by the API server", "the run went on without the change")
	tb := newTable("TIME", "STEP", "MESSAGE")
	for _, rj := range run.Rejections {
		tb.add(formatTime(rj.Time), strconv.Itoa(rj.Step), rj.Message)
	}
	tb.write(t)
}

func (t *textWriter) expectations(run *history.Run) {
	if len(run.Expectations) == 0 {
		return
	}
	failed := 0
	for _, e := range run.Expectations {
		if !e.OK {
			failed++
		}
	}
	t.section("Expectations", fmt.Sprintf("%s, %d failed", plural(len(run.Expectations), "check", "checks"), failed))
	tb := newTable("RESULT", "TIME", "STEP", "CHECK", "WANT", "GOT")
	for _, e := range run.Expectations {
		result := "ok"
		if !e.OK {
			result = "FAIL"
		}
		tb.add(result, formatTime(e.Time), strconv.Itoa(e.Step), e.Check, e.Want, e.Got)
	}
	tb.write(t)
}

func (t *textWriter) findings(run *history.Run) {
	if len(run.Findings) == 0 {
		return
	}
	t.section("Findings", "")
	tb := newTable("TIME", "STEP", "MESSAGE")
	for _, f := range run.Findings {
		tb.add(formatTime(f.Time), strconv.Itoa(f.Step), f.Message)
	}
	tb.write(t)
}

func (t *textWriter) events(run *history.Run) {
	if len(run.Events) == 0 {
		return
	}
	t.section("Events", "like kubectl get events, oldest first")
	tb := newTable("TIME", "TYPE", "OBJECT", "REASON", "MESSAGE")
	for _, e := range run.Events {
		tb.add(formatTime(e.Time), e.Type, strings.ToLower(e.Kind)+"/"+e.Name, e.Reason, e.Message)
	}
	tb.write(t)
}

// differenceWidth is the width a difference value wraps at.
const differenceWidth = 40

// differences writes the side-by-side comparison.
func (t *textWriter) differences(r *Report) {
	if len(r.Differences) == 0 {
		if len(r.Runs) > 0 {
			t.printf("\n\nDifferences: none computed (only one rule set ran)\n")
		}
		return
	}
	t.printf("\n\n== Differences: StatefulSet rules vs Deployment rules ==\n\n")
	tb := newTable("ASPECT", "STATEFULSET", "DEPLOYMENT")
	tb.keepEmpty = true
	for _, d := range r.Differences {
		aspect := d.Aspect
		if d.Equal() {
			aspect += " (same)"
		}
		left, right := wrap(cell(d.StatefulSet), differenceWidth), wrap(cell(d.Deployment), differenceWidth)
		for i := range max(len(left), len(right)) {
			row := []string{"", "", ""}
			if i == 0 {
				row[0] = aspect
			}
			if i < len(left) {
				row[1] = left[i]
			}
			if i < len(right) {
				row[2] = right[i]
			}
			tb.add(row...)
		}
	}
	tb.write(t)
}

// trimLines removes trailing spaces from every line.
func trimLines(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		lines[i] = bytes.TrimRight(l, " ")
	}
	return bytes.Join(lines, []byte("\n"))
}
