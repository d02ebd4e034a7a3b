package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// renderString renders reports in a format through Render, as stsim does.
func renderString(t *testing.T, format string, opt Options, reports ...*Report) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Render(&b, format, reports, opt))
	return b.String()
}

func TestMdInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web-0", "web-0"},
		{"10.0s", "10.0s"},
		{"a|b", `a\|b`},
		{`<script>alert(1)</script>`, `&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"&amp;", "&amp;amp;"},
		{"*x* _y_ `z` ~w~", "\\*x\\* \\_y\\_ \\`z\\` \\~w\\~"},
		{"[a](http://b)", `\[a\](http://b)`},
		{`back\slash`, `back\\slash`},
		{"two\nlines\tand\r\ntabs", "two lines and  tabs"},
		{"## not a heading #", `\#\# not a heading \#`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, mdInline(tt.in), "mdInline(%q)", tt.in)
	}
}

func TestMdBlock(t *testing.T) {
	tests := []struct{ in, want string }{
		{"- item", `\- item`},
		{"---", `\---`},
		{"+ item", `\+ item`},
		{"=== underline", `\=== underline`},
		{"1. item", `1\. item`},
		{"12) item", `12\) item`},
		{"3.", `3\.`},
		{"1.5s later", "1.5s later"},
		{"  > quote", "&gt; quote"},
		{"    code", "code"},
		{"", ""},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, mdBlock(tt.in), "mdBlock(%q)", tt.in)
	}
}

// unescapedPipes counts the cell separators of a table row.
func unescapedPipes(row string) int {
	return strings.Count(row, "|") - strings.Count(row, `\|`)
}

func TestMarkdownScenarioStringsStayText(t *testing.T) {
	out := renderString(t, "markdown", Options{Events: true}, hostileReport())
	for _, raw := range []string{"<script", "<b>", "<i>", "<img", "[a](", "`c`", "*x*"} {
		require.NotContains(t, out, raw)
	}
	require.Contains(t, out, "# stsim report: evil\\|&lt;b&gt;1&lt;/b&gt;\n")
	require.Contains(t, out, "\n&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*x\\* \\[a\\](b) \\`c\\` \\# d: e; f %% g - h\n")
	require.Contains(t, out, "\n- \\- not a list\n- 1\\. not a list either\n")

	// Every row of a table has as many cells as its header.
	var cells int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			cells = 0
			continue
		}
		if cells == 0 {
			cells = unescapedPipes(line)
		}
		require.Equal(t, cells, unescapedPipes(line), "row %q", line)
	}
}

// ganttTask is a task line as the renderer writes it: a name of safe
// characters, tags, a unique id, start and end in milliseconds.
var ganttTask = regexp.MustCompile(`^    ([A-Za-z0-9._ -]+):(crit, )?(active|done), (t\d+), (\d+), (\d+)$`)

// ganttLine is any other line of the chart.
var ganttLine = regexp.MustCompile(`^(gantt|    dateFormat x|    axisFormat %M:%S|    todayMarker off|    section (StatefulSet|Deployment) slot \d+)$`)

func TestMarkdownGantt(t *testing.T) {
	r := hostileReport()
	out := renderString(t, "markdown", Options{}, r)
	blocks := regexp.MustCompile("(?s)```mermaid\n(.*?)```").FindAllStringSubmatch(out, -1)
	require.Len(t, blocks, 1)
	var names []string
	ids := map[string]bool{}
	crit := 0
	for _, line := range strings.Split(strings.TrimSuffix(blocks[0][1], "\n"), "\n") {
		m := ganttTask.FindStringSubmatch(line)
		if m == nil {
			require.Regexp(t, ganttLine, line)
			continue
		}
		names = append(names, m[1])
		require.False(t, ids[m[4]], "task id %s twice", m[4])
		ids[m[4]] = true
		if m[2] != "" {
			crit++
		}
		require.LessOrEqual(t, len(m[5]), len(m[6]))
	}
	require.Equal(t, []string{"web-0", "web__b_1__b___x", "web__b_1__b___x", "pod gantt-2", "web-x-aaaaa", "web-x-bbbbb", "web-x-ccccc"}, names)
	require.Equal(t, 3, crit, "crit: the pod that read nothing back, the crashing pod, the pod that read another slot's data")
	require.Contains(t, out, "    web-0:active, t1, 0, 60000\n")
	require.Contains(t, out, "    web__b_1__b___x:done, t2, 2000, 22000\n")
}

func TestMermaidTask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"web-0", "web-0"},
		{"a b:c#d;e%f`g", "a_b_c_d_e_f_g"},
		{"", "_"},
		{"gantt-0", "pod gantt-0"},
		{"TopAxis-1", "pod TopAxis-1"},
		{"acctitle", "pod acctitle"},
		{"2024-01-01", "pod 2024-01-01"},
		{"title", "title"}, // "title" needs a space after it, and NAME:TAGS has none
		{"section-1", "section-1"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, mermaidTask(tt.in), "mermaidTask(%q)", tt.in)
	}
}

func TestMarkdownDeterministic(t *testing.T) {
	first := renderString(t, "markdown", Options{Events: true}, hostileReport(), hostileReport())
	for range 5 {
		require.Equal(t, first, renderString(t, "markdown", Options{Events: true}, hostileReport(), hostileReport()))
	}
	require.Equal(t, 2, strings.Count(first, "\n# stsim report: ")+boolInt(strings.HasPrefix(first, "# stsim report: ")))
	require.Contains(t, first, "\n---\n\n# stsim report: ")
}

// boolInt is 1 for true.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
