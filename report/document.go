package report

// Document is a report laid out for reading, independent of the format: a
// header about the scenario, then parts (one per rule set, then the
// differences), each a list of sections holding a table or a list. The
// renderers of text and of later formats print the same Document; only the
// JSON renderer prints the wire types instead.
type Document struct {
	Header Header
	Parts  []Part
}

// Part is one block of the report with a heading.
type Part struct {
	Title string
	// Note is printed with the title; a part with a note and no sections
	// is one line ("Differences: none computed (...)").
	Note     string
	Sections []Section
}

// Section is a titled table or list. A section without a title is the
// part's body; one with neither table nor list is its title and note alone.
type Section struct {
	Title string
	Note  string
	// Tone colours the note where a format can (Good, Bad).
	Tone  Tone
	List  []string
	Table *Table
}

// Table is rows of cells under named columns.
type Table struct {
	Columns []Column
	Rows    [][]Cell
	// NoHeader marks a table of labelled values whose first column names
	// each row.
	NoHeader bool
}

// Column is one table column.
type Column struct {
	Name string
	// Wrap is the width at which cells of the column wrap; 0 lets the last
	// column fill the line and leaves the others whole.
	Wrap int
}

// Cell is one table cell: the value it stands for (seconds as float64,
// counts as int, names as string, lists as []string; nil for text alone)
// and that value as it prints.
type Cell struct {
	Value any
	Text  string
	// Tone marks a cell to colour where a format can: a result, a
	// difference.
	Tone Tone
}

// Tone is how a cell or note reads: good news, bad news, a difference to
// notice, or a detail to play down. The zero Tone is plain.
type Tone int

// The tones.
const (
	Plain Tone = iota
	Good
	Bad
	Notice
	Quiet
)

// text is a cell of plain text.
func text(s string) Cell { return Cell{Value: s, Text: s} }

// number is a cell of a count.
func number(n int) Cell { return Cell{Value: n, Text: itoa(n)} }

// timeCell is a cell of virtual time in seconds.
func timeCell(t float64) Cell { return Cell{Value: t, Text: formatTime(t)} }

// optTimeCell is a cell of a time that may not have happened ("-").
func optTimeCell(t *float64) Cell {
	if t == nil {
		return Cell{Text: "-"}
	}
	return timeCell(*t)
}

// newTable starts a table with the named columns.
func newTable(columns ...string) *Table {
	t := &Table{}
	for _, c := range columns {
		t.Columns = append(t.Columns, Column{Name: c})
	}
	return t
}

// add appends a row.
func (t *Table) add(cells ...Cell) { t.Rows = append(t.Rows, cells) }
