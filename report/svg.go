package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The HTML report's timeline is an SVG drawn by the template from this
// model: every position is computed here, in a fixed order, so the same
// report always gives the same bytes. A row per slot holds a lane per rule
// set; a lane holds a bar per pod incarnation of the slot, stacked in
// tracks where incarnations overlap (a Deployment's replacement runs while
// the old pod terminates). A cluster row above the slots holds the node
// events and findings of each run.

// Timeline geometry, in SVG user units.
const (
	svgWidth           = 1100.0
	svgLaneX           = 64.0  // lane labels
	svgPlotX           = 160.0 // time 0
	svgPlotEnd         = 1080.0
	svgAxisH           = 30.0 // tick labels above the rows
	svgTrackH          = 16.0
	svgBarH            = 12.0
	svgLanePad         = 3.0
	svgSlotGap         = 6.0
	svgMinBarW         = 2.0
	svgRevisionColours = 6 // revision colours rev0 … rev5 in report.css
)

// coord is an SVG coordinate, printed with at most one decimal.
type coord float64

// String prints c with at most one decimal, the same on every platform.
func (c coord) String() string {
	return strconv.FormatFloat(math.Round(float64(c)*10)/10, 'f', -1, 64)
}

// svgTimeline is the whole drawing.
type svgTimeline struct {
	Title         string
	Width, Height coord
	// AxisY is the top of the grid lines, TickY the line of their labels,
	// LaneX where the lane labels start.
	AxisY, TickY, LaneX coord
	Ticks               []svgTick
	// Rows are the cluster row, if any, then one row per slot.
	Rows []svgRow
	// Omitted says which slots were left out, or is empty.
	Omitted string
	// The legend explains the revision colours, whether any containers
	// outlived their pod, and the marker shapes drawn.
	Revisions []svgLegendRevision
	Outlived  bool
	Markers   []svgLegendMarker
}

// svgTick is a time on the axis.
type svgTick struct {
	X     coord
	Label string
}

// svgRow is the cluster row (Slot -1) or a slot's row.
type svgRow struct {
	Cluster bool
	Slot    int
	Label   string
	Y, H    coord
	LabelY  coord
	Lanes   []svgLane
}

// svgLane is one rule set's part of a row.
type svgLane struct {
	Label   string
	Y, H    coord
	LabelY  coord
	Bars    []svgBar
	Markers []svgMarker
}

// svgBar is one pod incarnation: the bar of its life, its Ready spans over
// it and, when its containers outlived the object, that time dashed.
type svgBar struct {
	X, Y, W, H coord
	// Colour is the class of its revision's colour (rev0 …, revnone).
	Colour   string
	Title    string
	Ready    []svgSpan
	Outlived *svgSpan
}

// svgSpan is a stretch of a bar.
type svgSpan struct {
	X, W  coord
	Title string
}

// svgMarker is a small shape at a moment: Kind names its shape and class
// (deleted, unready, crash, warning, lost, node-down, node-up, finding).
type svgMarker struct {
	Kind  string
	X, Y  coord
	Title string
}

// svgLegendMarker is a marker shape in the legend.
type svgLegendMarker struct {
	Kind, Label string
}

// markerLegend names every kind of marker, in the legend's order.
var markerLegend = []svgLegendMarker{
	{"deleted", "deletion requested"},
	{"unready", "no longer Ready"},
	{"crash", "container crash (BackOff)"},
	{"warning", "warning event"},
	{"lost", "lost data (not found, or another slot's)"},
	{"node-down", "node down"},
	{"node-up", "node back"},
	{"finding", "finding"},
}

// svgLegendRevision is one revision colour and, in Title, the revisions
// drawn in it.
type svgLegendRevision struct {
	Colour, Label, Title string
}

// timeline lays out the report's runs; nil when no run created a pod.
func timeline(r *Report, opt Options) *svgTimeline {
	slots, omitted := timelineSlots(r.Runs, opt)
	if len(slots) == 0 {
		return nil
	}
	end := 0.0
	for _, run := range r.Runs {
		end = max(end, run.EndTime)
	}
	t := &svgTimeline{Title: "Pods per slot over time: " + r.Scenario.Name, Width: svgWidth, AxisY: svgAxisH - 8,
		TickY: svgAxisH/2 - 4, LaneX: svgLaneX, Omitted: omittedSlots(omitted)}
	scale := timeScale(end)
	for _, tk := range ticks(end) {
		t.Ticks = append(t.Ticks, svgTick{X: scale(tk), Label: FormatSeconds(tk)})
	}
	y := svgAxisH
	if row := clusterRow(r.Runs, scale, y); row != nil {
		t.Rows = append(t.Rows, *row)
		y += float64(row.H) + svgSlotGap
	}
	lanes := make([]*laneBuilder, len(r.Runs))
	for i, run := range r.Runs {
		lanes[i] = newLaneBuilder(run, scale)
	}
	for _, slot := range slots {
		row := svgRow{Slot: slot, Label: "slot " + strconv.Itoa(slot), Y: coord(y)}
		for i, run := range r.Runs {
			lane := lanes[i].slotLane(slot, y)
			lane.Label = run.Rules.Kind()
			row.Lanes = append(row.Lanes, lane)
			y += float64(lane.H)
		}
		row.H = coord(y) - row.Y
		row.LabelY = row.Y + row.H/2
		t.Rows = append(t.Rows, row)
		y += svgSlotGap
	}
	t.Height = coord(y + 4)
	t.Revisions = revisionLegend(r.Runs)
	t.legend()
	return t
}

// legend notes what the rows draw: containers that outlived their pod, and
// each kind of marker, in markerLegend's order.
func (t *svgTimeline) legend() {
	drawn := map[string]bool{}
	for _, row := range t.Rows {
		for _, lane := range row.Lanes {
			for _, m := range lane.Markers {
				drawn[m.Kind] = true
			}
			for _, b := range lane.Bars {
				t.Outlived = t.Outlived || b.Outlived != nil
			}
		}
	}
	for _, m := range markerLegend {
		if drawn[m.Kind] {
			t.Markers = append(t.Markers, m)
		}
	}
}

// timeScale maps seconds to x over the plot.
func timeScale(end float64) func(float64) coord {
	if end <= 0 {
		end = 1
	}
	return func(s float64) coord { return coord(svgPlotX + s/end*(svgPlotEnd-svgPlotX)) }
}

// tickSteps are the axis steps, in seconds, from which ticks picks the
// first that gives at most ten intervals.
var tickSteps = []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800}

// ticks are the axis times from 0 to end.
func ticks(end float64) []float64 {
	step := math.Ceil(end/10/604800) * 604800
	for _, s := range tickSteps {
		if end/s <= 10 {
			step = s
			break
		}
	}
	var out []float64
	for t := 0.0; t <= end; t += step {
		out = append(out, t)
	}
	return out
}

// clusterRow is the row of node events and findings, one lane per run;
// nil when no run has any.
func clusterRow(runs []*Run, scale func(float64) coord, y float64) *svgRow {
	row := &svgRow{Cluster: true, Slot: -1, Label: "cluster", Y: coord(y)}
	marked := false
	for _, run := range runs {
		lane := svgLane{Label: run.Rules.Kind(), Y: coord(y), H: svgTrackH + 2*svgLanePad}
		lane.LabelY = lane.Y + lane.H/2
		my := lane.LabelY
		for _, e := range run.Events {
			if e.Kind != "Node" {
				continue
			}
			kind := "node-down"
			if e.Reason == "NodeReady" {
				kind = "node-up"
			}
			lane.Markers = append(lane.Markers, svgMarker{Kind: kind, X: scale(e.Time), Y: my,
				Title: fmt.Sprintf("%s: node %s: %s: %s", formatTime(e.Time), e.Name, e.Reason, e.Message)})
		}
		for _, f := range run.Findings {
			lane.Markers = append(lane.Markers, svgMarker{Kind: "finding", X: scale(f.Time), Y: my,
				Title: fmt.Sprintf("%s: step %d: %s", formatTime(f.Time), f.Step, f.Message)})
		}
		marked = marked || len(lane.Markers) > 0
		row.Lanes = append(row.Lanes, lane)
		y += float64(lane.H)
	}
	if !marked {
		return nil
	}
	row.H = coord(y) - row.Y
	row.LabelY = row.Y + row.H/2
	return row
}

// revisionLegend names the revision colours used: colour i is every run's
// i-th revision (the colours repeat after svgRevisionColours).
func revisionLegend(runs []*Run) []svgLegendRevision {
	n := 0
	for _, run := range runs {
		n = max(n, len(run.Revisions))
	}
	var out []svgLegendRevision
	for i := range min(n, svgRevisionColours) {
		var ordinals, names []string
		for j := i; j < n; j += svgRevisionColours {
			ordinals = append(ordinals, ordinal(j+1))
		}
		for _, run := range runs {
			for j := i; j < len(run.Revisions); j += svgRevisionColours {
				rv := run.Revisions[j]
				names = append(names, fmt.Sprintf("%s: %s (revision %d)", run.Rules.Kind(), rv.Name, rv.Revision))
			}
		}
		out = append(out, svgLegendRevision{Colour: "rev" + strconv.Itoa(i), Label: joinLimit(ordinals, ", ", 3) + " revision",
			Title: strings.Join(names, "\n")})
	}
	return out
}

// ordinal is 1st, 2nd, 3rd, 4th, …
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}
