package report

import (
	"bytes"
	_ "embed" // the page's template and style
	"fmt"
	"html/template"
	"io"
	"strings"
)

func init() { register("html", htmlRenderer{}) }

// htmlRenderer writes teaching material: one self-contained page (inline
// CSS, no script, nothing fetched) with, for each report, the scenario and
// its lesson, an SVG timeline of the pods per slot and rule set (svg.go),
// and the Document's parts as tables and lists. The page is an
// html/template, so every string of a scenario is escaped as text.
type htmlRenderer struct{}

// htmlTemplateText is the page (report/html/report.html.tmpl).
//
//go:embed html/report.html.tmpl
var htmlTemplateText string

// htmlCSS is the page's style (report/html/report.css).
//
//go:embed html/report.css
var htmlCSS string

// htmlTemplate is the parsed page.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"cellText":  func(c Cell) string { return cell(c.Text) },
	"cellClass": cellClass,
	"tone":      toneClass,
}).Parse(htmlTemplateText))

// htmlPage is what the template draws.
type htmlPage struct {
	Title   string
	CSS     template.CSS
	Reports []htmlReport
}

// htmlReport is one report on the page.
type htmlReport struct {
	Name     string
	Header   Header
	Timeline *svgTimeline
	Parts    []Part
}

// Render writes one page with every report.
func (htmlRenderer) Render(w io.Writer, reports []*Report, opt Options) error {
	page := htmlPage{CSS: template.CSS(htmlCSS)}
	var names []string
	for _, r := range reports {
		name := r.Scenario.Name
		if name == "" {
			name = "(unnamed scenario)"
		}
		names = append(names, name)
		page.Reports = append(page.Reports, htmlReport{Name: name, Header: r.Scenario, Timeline: timeline(r, opt), Parts: Layout(r, opt).Parts})
	}
	page.Title = "stsim report: " + joinLimit(names, ", ", 5)
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// cellClass is the class of a table cell: num for a number, which the
// page aligns right, and its tone's.
func cellClass(c Cell) string {
	var classes []string
	switch c.Value.(type) {
	case int, int32, int64, float64:
		classes = append(classes, "num")
	}
	if t := toneClass(c.Tone); t != "" {
		classes = append(classes, t)
	}
	return strings.Join(classes, " ")
}

// toneClass is the class that colours a cell or note of a Tone, or "".
func toneClass(t Tone) string {
	switch t {
	case Good:
		return "good"
	case Bad:
		return "bad"
	case Notice:
		return "notice"
	case Quiet:
		return "quiet"
	}
	return ""
}
