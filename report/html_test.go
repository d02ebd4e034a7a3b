package report

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// svgElement is an element of the timeline: its name, class and the text
// of its <title> child.
type svgElement struct {
	Name, Class, Slot, Title string
}

// svgElements parses each timeline SVG of an HTML page as XML (the
// template writes well-formed SVG) and lists its elements in order.
func svgElements(t *testing.T, page string) [][]svgElement {
	t.Helper()
	var out [][]svgElement
	for _, svg := range regexp.MustCompile(`(?s)<svg class="timeline".*?</svg>`).FindAllString(page, -1) {
		var els []svgElement
		dec := xml.NewDecoder(strings.NewReader(svg))
		var inTitle bool
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			switch tok := tok.(type) {
			case xml.StartElement:
				el := svgElement{Name: tok.Name.Local}
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "class":
						el.Class = a.Value
					case "data-slot":
						el.Slot = a.Value
					}
				}
				inTitle = el.Name == "title"
				els = append(els, el)
			case xml.CharData:
				if inTitle {
					els[len(els)-1].Title += string(tok)
				}
			case xml.EndElement:
				inTitle = false
			}
		}
		out = append(out, els)
	}
	return out
}

func TestHTMLScenarioStringsStayText(t *testing.T) {
	out := renderString(t, "html", Options{Events: true}, hostileReport())
	lower := strings.ToLower(out)
	for _, raw := range []string{"<script", "<img", "<b>", "<i>", "</b>"} {
		require.NotContains(t, lower, raw)
	}
	require.Contains(t, out, `<p class="lesson">&lt;script&gt;alert(1)&lt;/script&gt; | *x* [a](b) `+"`c`"+` # d: e; f %% g
- h</p>`)
	require.Contains(t, out, "<h1>stsim report: evil|&lt;b&gt;1&lt;/b&gt;</h1>")
	require.Contains(t, out, "<title>stsim report: evil|&lt;b&gt;1&lt;/b&gt;</title>")

	// The hover text of the SVG keeps the strings, as text.
	var titles []string
	for _, el := range svgElements(t, out)[0] {
		if el.Name == "title" {
			titles = append(titles, el.Title)
		}
	}
	require.Contains(t, titles, "web|<b>1</b>:#x (StatefulSet rules, slot 1)\nrevision rev-a (1st)\nnode node-<i>2</i>, IP -\n"+
		"created 2.0s, ready 4.0s, deletion requested 20.0s, gone 22.0s\nrestarts 0\nclaims data-web|<b>1</b>:#x")
	require.Contains(t, titles, "30.0s: lost data: web|<b>1</b>:#x read "+hostile+": not found")
}

func TestHTMLTimeline(t *testing.T) {
	r := hostileReport()
	out := renderString(t, "html", Options{}, r)
	svgs := svgElements(t, out)
	require.Len(t, svgs, 1)
	var slots []string
	count := map[string]int{}
	for _, el := range svgs[0] {
		class := strings.Fields(el.Class)
		if len(class) == 0 {
			continue
		}
		if class[0] == "slot" {
			slots = append(slots, el.Slot)
		}
		if class[0] == "marker" {
			count[class[1]]++
		} else {
			count[class[0]]++
		}
	}
	require.Equal(t, []string{"0", "1", "2"}, slots, "one group per slot of the runs, in order")
	require.Equal(t, len(r.Runs[0].Pods)+len(r.Runs[1].Pods), count["bar"], "one bar per pod incarnation")
	require.Equal(t, 1, count["cluster"], "a cluster row for the node event and the finding")
	want := map[string]int{
		"deleted":   2, // web|…:#x and web-x-bbbbb
		"unready":   1, // gantt-2 at 30s
		"crash":     1, // its BackOff
		"lost":      2, // the read that found nothing, the read of slot 0's data
		"node-down": 1,
		"finding":   1,
		"ready":     5,
	}
	for kind, n := range want {
		require.Equal(t, n, count[kind], kind)
	}

	legend := regexp.MustCompile(`(?s)<ul class="legend">.*?</ul>`).FindString(out)
	var kinds []string
	for _, m := range regexp.MustCompile(`<g class="marker ([a-z-]+)">`).FindAllStringSubmatch(legend, -1) {
		kinds = append(kinds, m[1])
	}
	require.Equal(t, []string{"deleted", "unready", "crash", "lost", "node-down", "finding"}, kinds, "the legend explains the markers drawn")
	require.Contains(t, legend, ">1st revision</li>")
	require.Contains(t, legend, ">2nd revision</li>")
	require.NotContains(t, legend, "outlived", "no containers outlived their pod")
}

func TestHTMLFetchesNothing(t *testing.T) {
	out := renderString(t, "html", Options{Events: true}, hostileReport(), hostileReport())
	require.NotRegexp(t, `(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`, out)
	require.NotRegexp(t, `(?i)@import|url\(|<link|<script|<iframe|<object|<embed`, out)
	require.Equal(t, 1, strings.Count(out, "<style>"), "one inline style for the page")
	require.Equal(t, 2, strings.Count(out, `<article class="report">`), "two reports, one page")
}

func TestHTMLDeterministic(t *testing.T) {
	first := renderString(t, "html", Options{Events: true}, hostileReport(), hostileReport())
	for range 5 {
		require.Equal(t, first, renderString(t, "html", Options{Events: true}, hostileReport(), hostileReport()))
	}
}

func TestHTMLTimelineOmitsSlotsBeyondMaxRows(t *testing.T) {
	r := hostileReport()
	for i := range MaxRows {
		r.Runs[1].Pods = append(r.Runs[1].Pods, &Pod{Name: "extra", Slot: 10 + i, Created: 1})
	}
	out := renderString(t, "html", Options{}, r)
	require.Equal(t, MaxRows, strings.Count(out, `<g class="slot"`))
	require.Contains(t, out, "only the first 200 slots are drawn; --full draws the other 3")
	out = renderString(t, "html", Options{Full: true}, r)
	require.Equal(t, MaxRows+3, strings.Count(out, `<g class="slot"`))
}
