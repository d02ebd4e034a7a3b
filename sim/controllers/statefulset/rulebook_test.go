package statefulset_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repoRoot is the repository root, seen from this package's directory.
const repoRoot = "../../.."

// defaultTestFile is where a StatefulSet row's test lives when the row
// names no file (docs/rules.md: "a test named without a file is in …").
const defaultTestFile = "sim/controllers/statefulset/statefulset_test.go"

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	testName   = regexp.MustCompile(`^Test[A-Za-z0-9_]+$`)
	inFile     = regexp.MustCompile("\\bin `([^`]+_test\\.go)`")
)

// rulebookRow is one R-… row of the StatefulSet tables of docs/rules.md
// and the tests its last column names.
type rulebookRow struct {
	id    string
	line  int
	tests []namedTest
}

type namedTest struct{ name, file string }

// statefulSetRows parses the "## StatefulSet" section of docs/rules.md: the
// table rows whose ID starts with "R-", and in each the tests of its last
// column. The column lists groups separated by ";"; a group's backticked
// Test… names are in the file its "in `…_test.go`" names, or else in
// statefulset_test.go.
func statefulSetRows(t *testing.T) []rulebookRow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs/rules.md"))
	require.NoError(t, err)
	var rows []rulebookRow
	in := false
	for i, line := range strings.Split(string(b), "\n") {
		switch {
		case line == "## StatefulSet":
			in = true
			continue
		case strings.HasPrefix(line, "## "):
			in = false
		}
		if !in || !strings.HasPrefix(line, "| R-") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		require.GreaterOrEqual(t, len(cells), 4, "docs/rules.md:%d: a row has ID, rule, upstream and test", i+1)
		row := rulebookRow{id: strings.TrimSpace(cells[0]), line: i + 1}
		for _, group := range strings.Split(cells[len(cells)-1], ";") {
			file := defaultTestFile
			if m := inFile.FindStringSubmatch(group); m != nil {
				file = m[1]
			}
			for _, m := range backticked.FindAllStringSubmatch(group, -1) {
				if testName.MatchString(m[1]) {
					row.tests = append(row.tests, namedTest{m[1], file})
				}
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// docComment is the comment block right above "func name(" in the file,
// or ok false when the file has no such function.
func docComment(t *testing.T, file, name string) (comment string, ok bool) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, file))
	if err != nil {
		return "", false
	}
	lines := strings.Split(string(b), "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, "func "+name+"(") {
			continue
		}
		start := i
		for start > 0 && strings.HasPrefix(lines[start-1], "//") {
			start--
		}
		return strings.Join(lines[start:i], "\n"), true
	}
	return "", false
}

// TestRulebookRowsNameTestsThatCiteThem checks docs/rules.md against the
// tests: every R-… row of the StatefulSet tables (the IDs of the
// StatefulSet rules) appears once and names at least one Go test; each
// test it names exists in the file the row gives, and its doc comment
// cites the row's ID (not as the prefix of a longer one: R-POD-1 is not
// cited by R-POD-10).
func TestRulebookRowsNameTestsThatCiteThem(t *testing.T) {
	rows := statefulSetRows(t)
	require.NotEmpty(t, rows, "no R- rows under ## StatefulSet in docs/rules.md")
	seen := map[string]int{}
	for _, row := range rows {
		if first, dup := seen[row.id]; dup {
			t.Errorf("docs/rules.md:%d: %s already has a row at line %d", row.line, row.id, first)
		}
		seen[row.id] = row.line
		if !assert.NotEmpty(t, row.tests, "docs/rules.md:%d: %s names no Go test", row.line, row.id) {
			continue
		}
		cites := regexp.MustCompile(regexp.QuoteMeta(row.id) + `([^0-9A-Za-z-]|$)`)
		for _, nt := range row.tests {
			comment, ok := docComment(t, nt.file, nt.name)
			if !ok {
				t.Errorf("docs/rules.md:%d: %s names %s in %s, which has no func %s(", row.line, row.id, nt.name, nt.file, nt.name)
				continue
			}
			if !cites.MatchString(comment) {
				t.Errorf("docs/rules.md:%d: %s names %s (%s), whose doc comment does not cite %s", row.line, row.id, nt.name, nt.file, row.id)
			}
		}
	}
}
