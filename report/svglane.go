package report

import (
	"fmt"
	"strconv"
	"strings"
)

// laneBuilder draws one run's lanes of the timeline.
type laneBuilder struct {
	run   *Run
	ix    *podIndex
	scale func(float64) coord
	// revisions is each revision's index in run.Revisions.
	revisions map[string]int
	// marks are the markers of each pod that come from the run's events
	// and reads, in time order.
	marks map[*Pod][]podMark
}

// podMark is a marker on a pod's bar.
type podMark struct {
	kind  string
	time  float64
	title string
}

// newLaneBuilder indexes the run's pods, revisions, and the events and
// reads that mark a pod: crashes (BackOff), other warnings, lost data.
func newLaneBuilder(run *Run, scale func(float64) coord) *laneBuilder {
	b := &laneBuilder{run: run, ix: indexPods(run), scale: scale, revisions: map[string]int{}, marks: map[*Pod][]podMark{}}
	for i, rv := range run.Revisions {
		b.revisions[rv.Name] = i
	}
	for _, e := range run.Events {
		kind := "warning"
		switch {
		case e.Kind != "Pod":
			continue
		case e.Reason == "BackOff":
			kind = "crash"
		case e.Type != "Warning":
			continue
		}
		if p := b.ix.at(e.Name, e.Time); p != nil {
			b.marks[p] = append(b.marks[p], podMark{kind, e.Time, fmt.Sprintf("%s: %s: %s: %s", formatTime(e.Time), e.Name, e.Reason, e.Message)})
		}
	}
	for _, rd := range run.Reads {
		why := b.ix.lostData(rd)
		if p := b.ix.at(rd.Pod, rd.Time); why != "" && p != nil {
			b.marks[p] = append(b.marks[p], podMark{"lost", rd.Time, fmt.Sprintf("%s: lost data: %s", formatTime(rd.Time), why)})
		}
	}
	return b
}

// slotLane lays out the run's pods of one slot from y down: each pod on
// the first track that is free when it is created.
func (b *laneBuilder) slotLane(slot int, y float64) svgLane {
	lane := svgLane{Y: coord(y)}
	var free []float64 // when each track is free again
	for _, p := range b.ix.bySlot[slot] {
		track := len(free)
		for i, f := range free {
			if f <= p.Created {
				track = i
				break
			}
		}
		if track == len(free) {
			free = append(free, 0)
		}
		free[track] = b.drawnEnd(p)
		top := y + svgLanePad + float64(track)*svgTrackH
		lane.Bars = append(lane.Bars, b.bar(p, top))
		lane.Markers = append(lane.Markers, b.markers(p, coord(top+svgBarH/2))...)
	}
	lane.H = coord(2*svgLanePad + float64(max(len(free), 1))*svgTrackH)
	lane.LabelY = lane.Y + lane.H/2
	return lane
}

// drawnEnd is where the pod's drawing ends: when it was gone or, if its
// containers outlived it, when they stopped.
func (b *laneBuilder) drawnEnd(p *Pod) float64 {
	if p.Outlived {
		return b.outlivedEnd(p)
	}
	return podEnd(b.run, p)
}

// outlivedEnd is when the containers of a pod that outlived its object
// stopped, or the end of the run.
func (b *laneBuilder) outlivedEnd(p *Pod) float64 {
	if p.Stopped != nil {
		return *p.Stopped
	}
	return b.run.EndTime
}

// span is the stretch of the plot from one time to another, at least
// svgMinBarW wide.
func (b *laneBuilder) span(from, to float64) (coord, coord) {
	x := b.scale(from)
	return x, max(b.scale(to)-x, svgMinBarW)
}

// bar draws one pod incarnation with its Ready spans.
func (b *laneBuilder) bar(p *Pod, top float64) svgBar {
	end := podEnd(b.run, p)
	bar := svgBar{Y: coord(top), H: svgBarH, Colour: "revnone", Title: b.podTitle(p)}
	bar.X, bar.W = b.span(p.Created, end)
	if i, ok := b.revisions[p.Revision]; ok {
		bar.Colour = "rev" + strconv.Itoa(i%svgRevisionColours)
	}
	for _, s := range p.ReadySpans {
		to, until := end, "the end"
		if s.To != nil {
			to, until = *s.To, formatTime(*s.To)
		} else if p.Gone != nil {
			until = formatTime(*p.Gone)
		}
		x, w := b.span(s.From, to)
		bar.Ready = append(bar.Ready, svgSpan{X: x, W: w, Title: fmt.Sprintf("%s Ready from %s until %s", p.Name, formatTime(s.From), until)})
	}
	if p.Outlived && p.Gone != nil {
		stopped := "still running at the end"
		if p.Stopped != nil {
			stopped = "stopped at " + formatTime(*p.Stopped)
		}
		x, w := b.span(*p.Gone, b.outlivedEnd(p))
		bar.Outlived = &svgSpan{X: x, W: w, Title: fmt.Sprintf("%s: its containers ran on after the pod was gone (node cut off); %s", p.Name, stopped)}
	}
	return bar
}

// markers are the pod's markers at height y: its deletion, each loss of
// readiness that was not its deletion, and its marks.
func (b *laneBuilder) markers(p *Pod, y coord) []svgMarker {
	var out []svgMarker
	if p.Deleted != nil {
		out = append(out, svgMarker{Kind: "deleted", X: b.scale(*p.Deleted), Y: y,
			Title: fmt.Sprintf("%s: deletion of %s requested", formatTime(*p.Deleted), p.Name)})
	}
	for _, s := range p.ReadySpans {
		if s.To == nil || p.Deleted != nil && *s.To >= *p.Deleted || p.Gone != nil && *s.To >= *p.Gone {
			continue
		}
		out = append(out, svgMarker{Kind: "unready", X: b.scale(*s.To), Y: y, Title: fmt.Sprintf("%s: %s is no longer Ready", formatTime(*s.To), p.Name)})
	}
	for _, m := range b.marks[p] {
		out = append(out, svgMarker{Kind: m.kind, X: b.scale(m.time), Y: y, Title: m.title})
	}
	return out
}

// podTitle is what hovering over a pod's bar shows.
func (b *laneBuilder) podTitle(p *Pod) string {
	lines := []string{fmt.Sprintf("%s (%s, slot %d)", p.Name, b.run.Rules.Title(), p.Slot)}
	if i, ok := b.revisions[p.Revision]; ok {
		lines = append(lines, fmt.Sprintf("revision %s (%s)", p.Revision, ordinal(i+1)))
	}
	lines = append(lines, fmt.Sprintf("node %s, IP %s", cell(deref(p.Node)), cell(deref(p.IP))))
	times := []string{"created " + formatTime(p.Created)}
	for _, t := range []struct {
		what string
		at   *float64
	}{{"ready", p.Ready}, {"deletion requested", p.Deleted}, {"gone", p.Gone}} {
		if t.at != nil {
			times = append(times, t.what+" "+formatTime(*t.at))
		}
	}
	lines = append(lines, strings.Join(times, ", "), fmt.Sprintf("restarts %d", p.Restarts))
	if len(p.Claims) > 0 {
		lines = append(lines, "claims "+strings.Join(p.Claims, ", "))
	}
	if p.Replaced != nil {
		lines = append(lines, "replaces "+*p.Replaced)
	}
	return strings.Join(lines, "\n")
}
