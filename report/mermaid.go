package report

import (
	"math"
	"strconv"
	"strings"
)

// gantt writes the report's pod lifetimes as a Mermaid gantt chart, which
// GitHub draws: a section per rule set and slot, a bar per pod incarnation
// from its creation until it was gone (done) or the end of the run (active),
// marked crit when its containers restarted or it read lost data. Times are
// milliseconds of virtual time as dates since the epoch (dateFormat x:
// Mermaid 11 reads a start date in seconds, dateFormat X, as milliseconds),
// so the axis reads minutes:seconds.
func (m *markdownWriter) gantt(r *Report, opt Options) {
	slots, omitted := timelineSlots(r.Runs, opt)
	if len(slots) == 0 {
		return
	}
	m.printf("## Timeline\n\n")
	m.note("pod lifetimes per slot, from creation until gone; active: still there at the end; crit: " +
		"its containers restarted or it read lost data")
	m.note(omittedSlots(omitted))
	m.printf("```mermaid\ngantt\n    dateFormat x\n    axisFormat %%M:%%S\n    todayMarker off\n")
	task := 0
	for _, run := range r.Runs {
		ix := indexPods(run)
		lost := map[*Pod]bool{}
		for _, rd := range run.Reads {
			if ix.lostData(rd) != "" {
				lost[ix.at(rd.Pod, rd.Time)] = true
			}
		}
		for _, slot := range slots {
			pods := ix.bySlot[slot]
			if len(pods) == 0 {
				continue
			}
			m.printf("    section %s slot %d\n", mermaidText(run.Rules.Kind()), slot)
			for _, p := range pods {
				task++
				tags := "active, "
				if p.Gone != nil {
					tags = "done, "
				}
				if p.Restarts > 0 || lost[p] {
					tags = "crit, " + tags
				}
				m.printf("    %s:%st%d, %s, %s\n", mermaidTask(p.Name), tags, task, mermaidTime(p.Created), mermaidTime(podEnd(run, p)))
			}
		}
	}
	m.printf("```\n\n")
}

// mermaidTime is seconds as a gantt date in dateFormat x (milliseconds).
func mermaidTime(t float64) string { return strconv.FormatInt(int64(math.Round(t*1000)), 10) }

// mermaidText keeps ASCII letters, digits and ".-_" of s and writes any
// other character as "_": no character the gantt grammar reads (":" ends a
// task's name, "#" and "%%" start a comment, ";" a statement, "`" ends the
// code block) can get through.
func mermaidText(s string) string {
	out := []byte(s)
	for i, c := range out {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '_':
		default:
			out[i] = '_'
		}
	}
	if len(out) == 0 {
		return "_"
	}
	return string(out)
}

// mermaidKeywords are the words the gantt lexer (gantt.jison, which tries
// its rules in order, case-insensitively) takes at the start of a line even
// with no space after them; the others need a space, and a task is written
// "NAME:TAGS". A date such as 2024-01-01 is one too. A task name that
// starts with one gets a prefix.
var mermaidKeywords = []string{"gantt", "inclusiveenddates", "topaxis", "acctitle", "accdescr"}

// mermaidTask is a pod name as a gantt task name: mermaidText, and "pod "
// before a name the lexer would read as a keyword.
func mermaidTask(name string) string {
	s := mermaidText(name)
	lower := strings.ToLower(s)
	for _, k := range mermaidKeywords {
		if strings.HasPrefix(lower, k) {
			return "pod " + s
		}
	}
	if len(s) >= 5 && strings.Trim(s[:4], "0123456789") == "" && s[4] == '-' {
		return "pod " + s
	}
	return s
}
