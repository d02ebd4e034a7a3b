package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLargeTablesAreSummarised: without Options.Full a table of more than
// MaxRows rows keeps its first and last ShownRows, with a row of … between
// and a note that counts what is left out; with Full, and at MaxRows or
// fewer, it is whole.
func TestLargeTablesAreSummarised(t *testing.T) {
	table := func(n int) Section {
		tb := &Table{Columns: []Column{{Name: "NAME"}, {Name: "SLOT"}}}
		for i := range n {
			tb.add(text(fmt.Sprintf("web-%d", i)), number(i))
		}
		return Section{Title: "Pods", Note: "one row per incarnation", Table: tb}
	}
	s := summarise(table(250), Options{})
	require.Len(t, s.Table.Rows, 2*ShownRows+1)
	assert.Equal(t, "web-19", s.Table.Rows[ShownRows-1][0].Text)
	assert.Equal(t, []Cell{text("…"), text("…")}, s.Table.Rows[ShownRows])
	assert.Equal(t, "web-230", s.Table.Rows[ShownRows+1][0].Text)
	assert.Equal(t, "web-249", s.Table.Rows[2*ShownRows][0].Text)
	assert.Equal(t, "one row per incarnation; 250 rows; the first and last 20 shown, … for the 210 between; --full lists them all", s.Note)

	assert.Len(t, summarise(table(250), Options{Full: true}).Table.Rows, 250)
	assert.Len(t, summarise(table(MaxRows), Options{}).Table.Rows, MaxRows)
	whole := table(250)
	summarise(whole, Options{})
	assert.Len(t, whole.Table.Rows, 250, "the report's own table is left as it was")
}

// TestLongReadySeriesIsSummarised: the ready/existing series keeps its
// first and last ShownRows points of more than MaxRows, unless full.
func TestLongReadySeriesIsSummarised(t *testing.T) {
	var samples []ReadySample
	for i := range 300 {
		samples = append(samples, ReadySample{Time: float64(i), Ready: i % 2, Pods: 1})
	}
	short := readyOverTime(samples, false)
	assert.Equal(t, 2*ShownRows+1, len(strings.Split(short, ", ")))
	assert.Contains(t, short, "19.0s 1/1, … 260 more (--full lists them), 4m40s 0/1")
	assert.Equal(t, 300, len(strings.Split(readyOverTime(samples, true), ", ")))
}
