package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromiumPath returns the headless browser to use: $CHROMIUM, else
// /usr/bin/chromium, else chromium on $PATH; "" when there is none.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// chromium runs the browser headless on url with the extra arguments and
// returns its stdout and stderr.
func chromium(ctx context.Context, t *testing.T, bin, url string, args ...string) (string, string) {
	t.Helper()
	all := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0",
	}, args...)
	cmd := exec.CommandContext(ctx, bin, append(all, url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.String(), stderr.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// consoleErrors returns the lines of Chromium's log reporting script or
// console errors.
func consoleErrors(log string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		if strings.Contains(l, "Uncaught") || strings.Contains(l, "ERROR:CONSOLE") || strings.Contains(l, ":CONSOLE(") {
			out = append(out, l)
		}
	}
	return out
}

// TestBrowser renders the HTML report and the comparison page of
// models/order in headless Chromium: the DOM must hold the diagram's
// shapes and the plots, the log no console error, and the screenshot
// (saved in testdata/screenshots/) must be a non-blank PNG showing the
// heat map's darkest colour, which proves the CSS switching the heat
// layers works. Skipped without Chromium (scripts/install-chromium.sh
// installs it).
func TestBrowser(t *testing.T) {
	bin := chromiumPath()
	if bin == "" {
		t.Skip("chromium not installed: scripts/install-chromium.sh installs it (needed to check the HTML report in a browser)")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	dir := t.TempDir()
	a, b := orderReport(t, 42, 1), orderReport(t, 7, 1.3)
	a.Title, b.Title = "2 warehouse workers", "2 workers, 30 % more orders"
	var report, compare bytes.Buffer
	if err := WriteHTML(&report, a); err != nil {
		t.Fatal(err)
	}
	diffs := []DiffRow{{Name: "mean cycle time", Unit: Seconds, A: 484.76, ACI: 9.87, B: 630.2, BCI: 12.1, Better: LowerIsBetter}}
	if err := WriteCompareHTML(&compare, a, b, diffs); err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name     string
		html     []byte
		diagrams int
		plots    []string
	}{
		{"order_report", report.Bytes(), 1, []string{"histogram", "line", "bar"}},
		{"order_compare", compare.Bytes(), 2, []string{"histogram", "line", "bar"}},
	}
	nodes := len(a.Model.Processes[0].AllNodes)
	for _, p := range pages {
		file := filepath.Join(dir, p.name+".html")
		if err := os.WriteFile(file, p.html, 0o644); err != nil {
			t.Fatal(err)
		}
		url := "file://" + file

		dom, log := chromium(ctx, t, bin, url, "--dump-dom")
		if errs := consoleErrors(log); len(errs) > 0 {
			t.Errorf("%s: console errors:\n%s", p.name, strings.Join(errs, "\n"))
		}
		if n := strings.Count(dom, `class="bpmn-diagram"`); n != p.diagrams {
			t.Errorf("%s: DOM has %d diagrams, want %d", p.name, n, p.diagrams)
		}
		if n := len(regexp.MustCompile(`<g id="[ab]-[^"]+" data-element="[^"]+" class="shape `).FindAllString(dom, -1)); n < nodes*p.diagrams {
			t.Errorf("%s: DOM has %d diagram shapes, want at least %d", p.name, n, nodes*p.diagrams)
		}
		for _, kind := range p.plots {
			if !strings.Contains(dom, `data-plot="`+kind+`"`) {
				t.Errorf("%s: DOM has no %s plot", p.name, kind)
			}
		}

		png := filepath.Join(shots, p.name+".png")
		_, log = chromium(ctx, t, bin, url, "--screenshot="+png, "--window-size=1400,1000")
		if errs := consoleErrors(log); len(errs) > 0 {
			t.Errorf("%s: console errors:\n%s", p.name, strings.Join(errs, "\n"))
		}
		if err := checkScreenshot(png); err != nil {
			t.Errorf("%s: %v", p.name, err)
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("browser test took too long: %v", ctx.Err())
	}
}

// checkScreenshot checks that file is a PNG of the window size that is not
// blank and shows some of the darkest heat colour (#800026).
func checkScreenshot(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("screenshot %s: %v", file, err)
	}
	bnd := img.Bounds()
	if bnd.Dx() < 1000 || bnd.Dy() < 700 {
		return fmt.Errorf("screenshot %s is %v, want the window size", file, bnd.Size())
	}
	colours := map[[3]uint32]bool{}
	var inked, hot int
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 2 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 2 {
			r, g, b := rgb8(img, x, y)
			colours[[3]uint32{r, g, b}] = true
			if r+g+b < 600 {
				inked++
			}
			if near(r, 0x80) && near(g, 0x00) && near(b, 0x26) {
				hot++
			}
		}
	}
	total := (bnd.Dx() / 2) * (bnd.Dy() / 2)
	switch {
	case len(colours) < 20:
		return fmt.Errorf("screenshot %s has %d colours: blank?", file, len(colours))
	case inked*100 < total:
		return fmt.Errorf("screenshot %s is almost empty (%d of %d pixels drawn)", file, inked, total)
	case hot < 20:
		return fmt.Errorf("screenshot %s shows no heat-map red (%d pixels): the CSS heat layers did not apply", file, hot)
	}
	return nil
}

func rgb8(img image.Image, x, y int) (uint32, uint32, uint32) {
	r, g, b, _ := img.At(x, y).RGBA()
	return r >> 8, g >> 8, b >> 8
}

func near(v, want uint32) bool { return v+10 >= want && v <= want+10 }
