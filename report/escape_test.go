package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"stsim/sim/history"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text: web-0 → web-1 …", "plain text: web-0 → web-1 …"},
		{"\x1b[2Jclear", `\x1b[2Jclear`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b]52;c;aGk=\x1b\\", `\x1b]52;c;aGk=\x1b\`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"nul\x00 del\x7f", `nul\x00 del\x7f`},
		{"c1 \u009b2J \u0085", `c1 \u009b2J \u0085`},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200f", `bidi \u202eevil\u202c \u2066x\u2069 \u200f`},
		{"line\u2028sep", `line\u2028sep`},
		{"bad \xff utf8 \xc3", `bad \xff utf8 \xc3`},
		{"tag \U000e0041", `tag \U000e0041`},
		{"ümlaut 日本 🙂", "ümlaut 日本 🙂"},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := escape("a\nb\x1b", true); got != "a\nb\\x1b" {
		t.Errorf("escape keeping newlines = %q", got)
	}
}

// TestEscapeJSON checks that the \u escapes give the same JSON value.
func TestEscapeJSON(t *testing.T) {
	in := map[string]string{"s": "\x1b[2J \x7f \u009b \u202e \U000e0041 ok → é"}
	raw, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := escapeJSON(raw)
	for _, r := range []string{"\x1b", "\x7f", "\u009b", "\u202e", "\U000e0041"} {
		if bytes.Contains(got, []byte(r)) {
			t.Errorf("%q is still raw in %s", r, got)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if back["s"] != in["s"] {
		t.Errorf("value changed: %q, want %q", back["s"], in["s"])
	}
	if plain := []byte("{\n  \"a\": \"→\"\n}\n"); !bytes.Equal(escapeJSON(plain), plain) {
		t.Errorf("printable JSON changed: %s", escapeJSON(plain))
	}
}

// TestTextReportEscapesInput renders a report whose scenario strings hold
// escape sequences: none reaches the text or the JSON raw.
func TestTextReportEscapesInput(t *testing.T) {
	evil := "\x1b[2J\x1b]0;pwned\x07\u202e"
	h := fixtureHeader
	h.Description = "desc " + evil
	h.Notes = []string{"note " + evil}
	sts := stsFixture()
	sts.Ignored = append(sts.Ignored, "ConfigMap "+evil+" (kind ConfigMap is not simulated)")
	sts.Writes = append(sts.Writes, history.Write{Time: sec(44), Pod: "web-0", Volume: "data", Key: "k" + evil, Value: "v" + evil})
	r := Build(h, []*history.Run{sts})
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		if err := Render(&buf, format, []*Report{r}, Options{Events: true}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, c := range []string{"\x1b", "\x07", "\u202e"} {
			if strings.Contains(out, c) {
				t.Errorf("%s: %q reaches the output raw", format, c)
			}
		}
		if format == "text" && !strings.Contains(out, `desc \x1b[2J\x1b]0;pwned\x07\u202e`) {
			t.Errorf("text: the description is not escaped as expected:\n%s", out)
		}
	}
}

// TestJSONEscaperInPieces checks that JSON escaped as it is written, in
// pieces cut anywhere (inside a character too), comes out as escapeJSON
// makes it of the whole.
func TestJSONEscaperInPieces(t *testing.T) {
	raw := []byte("{\"s\": \"\x1b[2J \u009b é → \U000e0041 \U0001F600 ok\"}\n")
	want := escapeJSON(raw)
	for cut := 0; cut <= len(raw); cut++ {
		for cut2 := cut; cut2 <= len(raw); cut2++ {
			var out bytes.Buffer
			e := &jsonEscaper{w: &out}
			for _, piece := range [][]byte{raw[:cut], raw[cut:cut2], raw[cut2:]} {
				if _, err := e.Write(piece); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Fatalf("cut at %d and %d: %q, want %q", cut, cut2, out.Bytes(), want)
			}
		}
	}
}
