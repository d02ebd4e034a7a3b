package cli

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{in: "1048576", want: 1 << 20},
		{in: "16MiB", want: 16 << 20},
		{in: "16 MiB", want: 16 << 20},
		{in: "512KiB", want: 512 << 10},
		{in: "512k", want: 512 << 10},
		{in: "2G", want: 2 << 30},
		{in: "100b", want: 100},
		{in: "0", err: "want a size above 0"},
		{in: "-5", err: "want a size above 0"},
		{in: "lots", err: "want a size such as"},
		{in: "1.5MiB", err: "want a size such as"},
		{in: "16MB", err: "want a size such as"},
		{in: "2000GiB", err: "at most 1024GiB"},
		{in: "9223372036854775807GiB", err: "at most 1024GiB"},
		{in: "99999999999G", err: "at most 1024GiB"},
	} {
		var b byteSize
		err := b.Set(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("Set(%q): %v, want an error with %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || int64(b) != tc.want):
			t.Errorf("Set(%q) = %d, %v; want %d", tc.in, b, err, tc.want)
		}
	}
	b := byteSize(16 << 20)
	if b.String() != "16MiB" {
		t.Errorf("String() = %q", b.String())
	}
}

// TestMessage checks what error messages look like on the terminal:
// nothing of the input raw, long quoted values cut, one line per error of
// a list and no line that an input could forge.
func TestMessage(t *testing.T) {
	long := strings.Repeat("secret ", 40)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errors.New("plain"), "plain"},
		{fmt.Errorf("s.yaml:1:1: spec.\x1b[2Jx: unknown field"), `s.yaml:1:1: spec.\x1b[2Jx: unknown field`},
		{fmt.Errorf("got %q", "a\x1b]0;t\x07"), `got "a\x1b]0;t\a"`},
		{fmt.Errorf("forged\nstsim: error: line"), `forged\nstsim: error: line`},
		{fmt.Errorf("got %q, and %q", long, "ok"), `got "` + long[:77] + `"…, and "ok"`},
		{fmt.Errorf("got %q… (280 bytes)", long), `got "` + long[:77] + `"… (280 bytes)`},
		{fmt.Errorf(`a "quote with no end %s`, long), `a "quote with no end ` + long},
		{&inputError{&errorList{[]error{errors.New("one\x1b"), errors.New("two\nthree")}}}, "one\\x1b\ntwo\\nthree"},
	} {
		if got := message(tc.err); got != tc.want {
			t.Errorf("message(%q)\n got %q\nwant %q", tc.err, got, tc.want)
		}
	}
	for _, v := range []string{strings.Repeat("\x1b", 100), strings.Repeat("é", 100)} {
		got := message(fmt.Errorf("%q", v))
		if n := len([]rune(got)); n > maxExcerpt {
			t.Errorf("excerpt of %d characters: %s", n, got)
		}
	}
}
