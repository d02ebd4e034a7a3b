package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"stsim/cli"
)

// scenarios are rendered on one page: two bundled ones and one whose
// description, annotation, image and data are markup.
var scenarios = []string{"seed-myapp", "node-partition", filepath.Join("testdata", "hostile.yaml")}

func TestHTMLReportInChromium(t *testing.T) {
	if os.Getenv("STSIM_E2E") != "1" {
		t.Skip("the browser test needs Chromium; run it with STSIM_E2E=1 (make e2e)")
	}
	browser := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	stsim(t, append(append([]string{"run"}, scenarios...), "-o", "html", "--out", page)...)

	shot := filepath.Join(dir, "report.png")
	headless(t, browser, dir, "--screenshot="+shot, "--window-size=1200,900", "file://"+page)
	img := decodePNG(t, shot)
	colours := distinctColours(img)
	require.Greater(t, colours, 16, "the screenshot is blank or nearly so: %d colours", colours)
	// The first revision's bars (.rev0, #0969da) are drawn, solid where Ready.
	bars := pixelsNear(img, color.RGBA{0x09, 0x69, 0xda, 0xff}, 8)
	require.Greater(t, bars, 2000, "the timeline's bars are not in the screenshot: %d pixels of their colour", bars)
	t.Logf("screenshot: %d colours, %d pixels of the bars' colour", colours, bars)

	dom := headless(t, browser, dir, "--dump-dom", "file://"+page)
	want := reports(t)
	require.Equal(t, slotGroups(want), regexp.MustCompile(`<g class="slot" data-slot="\d+">`).FindAllString(dom, -1),
		"one g.slot per slot of each report's runs, in order")
	require.Len(t, regexp.MustCompile(`<rect class="bar rev\w+" x=`).FindAllString(dom, -1), pods(want), "one bar per pod incarnation")
	lower := strings.ToLower(dom)
	require.NotContains(t, lower, "<script", "no script element")
	require.NotContains(t, lower, "<img", "no img element")
	require.NotContains(t, lower, "<b>", "no b element")
	require.Contains(t, dom, `<p class="lesson">&lt;script&gt;alert(1)&lt;/script&gt;</p>`, "the description is text")
	require.Contains(t, dom, "<td>&lt;img src=x onerror=alert(3)&gt;</td>", "the key written is text")
}

// chromium finds the browser.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatal("STSIM_E2E=1 but no chromium on PATH (apt-get install chromium)")
	return ""
}

// headless runs the browser on its own profile with no network traffic of
// its own and returns what it printed on stdout.
func headless(t *testing.T, browser, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
		"--user-data-dir=" + filepath.Join(dir, "profile")}, args...)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, browser, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %s\n%s", browser, strings.Join(args, " "), stderr.String())
	return stdout.String()
}

// stsim runs the command line and returns its stdout.
func stsim(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	status := cli.Main(args, &stdout, &stderr)
	require.Equal(t, cli.ExitOK, status, "stsim %s\n%s", strings.Join(args, " "), stderr.String())
	return stdout.Bytes()
}

// report is as much of a JSON report as the test reads.
type report struct {
	Runs []struct {
		Pods []struct {
			Slot int `json:"slot"`
		} `json:"pods"`
	} `json:"runs"`
}

// reports are the JSON reports of the scenarios.
func reports(t *testing.T) []report {
	t.Helper()
	var out []report
	require.NoError(t, json.Unmarshal(stsim(t, append(append([]string{"run"}, scenarios...), "-o", "json")...), &out))
	require.Len(t, out, len(scenarios))
	return out
}

// slotGroups are the slot groups the page must have: for each report, one
// per slot of its runs' pods, in ascending order.
func slotGroups(reports []report) []string {
	var out []string
	for _, r := range reports {
		var slots []int
		for _, run := range r.Runs {
			for _, p := range run.Pods {
				slots = append(slots, p.Slot)
			}
		}
		slices.Sort(slots)
		for _, s := range slices.Compact(slots) {
			out = append(out, fmt.Sprintf(`<g class="slot" data-slot="%d">`, s))
		}
	}
	return out
}

// pods counts the pod incarnations of every run of every report.
func pods(reports []report) int {
	n := 0
	for _, r := range reports {
		for _, run := range r.Runs {
			n += len(run.Pods)
		}
	}
	return n
}

// decodePNG reads a screenshot of 1200x900 pixels.
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	require.Equal(t, image.Pt(1200, 900), img.Bounds().Size(), "the screenshot's size")
	return img
}

// distinctColours counts the colours of an image.
func distinctColours(img image.Image) int {
	seen := map[color.RGBA64]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			seen[color.RGBA64Model.Convert(img.At(x, y)).(color.RGBA64)] = true
		}
	}
	return len(seen)
}

// pixelsNear counts the pixels within tolerance of a colour on each channel.
func pixelsNear(img image.Image, c color.RGBA, tolerance int) int {
	near := func(a uint32, b uint8) bool { return max(int(a>>8)-int(b), int(b)-int(a>>8)) <= tolerance }
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c.R) && near(g, c.G) && near(bl, c.B) {
				n++
			}
		}
	}
	return n
}
