package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium is Debian's browser, which scripts/tools.sh installs.
const chromium = "/usr/bin/chromium"

// TestHTMLInChromium opens the HTML report of the many-findings fixture in
// headless Chromium, checks that the table shows every finding, that the
// text filter and the severity toggles hide the rows they should, and
// saves a full-page screenshot as a test artifact.
func TestHTMLInChromium(t *testing.T) {
	exec := requireTool(t, chromium, "chromium")
	r := results["findings"]
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, render(t, HTML{Meta: meta}, r), 0o644); err != nil {
		t.Fatal(err)
	}

	// The whole browser session, start to screenshot, gets 60 s.
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	// Without these flags Chromium tries the network (updates, sync, QUIC)
	// on start and stalls on a machine without internet access.
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exec),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()

	// Selectors are typed CSS: a plain string is a DOM search, which also
	// matches text, such as the selectors in the page's own script.
	if err := chromedp.Do(ctx,
		chromedp.Navigate("file://"+page),
		chromedp.WaitVisible(chromedp.CSS("#findings-table")),
	); err != nil {
		t.Fatalf("load %s: %v", page, err)
	}
	// visible lists the resources of the rows a reader sees.
	visible := func() []string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#findings-table tr.finding"))
			.filter(r => r.offsetParent !== null)
			.map(r => r.dataset.severity + " " + r.cells[2].textContent)`))
		if err != nil {
			t.Fatalf("read table: %v", err)
		}
		return got
	}
	// clearFilter empties the filter box as a reader's select-and-delete
	// would, firing the input event the page listens to.
	clearFilter := chromedp.Evaluate[chromedp.Void](`(() => { const f = document.getElementById("filter"); f.value = ""; f.dispatchEvent(new Event("input")); })()`)
	status := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#shown")))
		if err != nil {
			t.Fatalf("read status: %v", err)
		}
		return s
	}

	if got := visible(); len(got) != len(r.Findings) {
		t.Fatalf("table shows %d findings, want %d: %q", len(got), len(r.Findings), got)
	}
	for _, f := range r.Findings {
		if !strings.Contains(strings.Join(visible(), "\n"), f.Severity.String()+" "+f.Resource) {
			t.Errorf("table lacks %s %s", f.Severity, f.Resource)
		}
	}

	// Typing filters by text anywhere in the row, the account's name
	// included: three findings are in the log-archive account, two of
	// them on the account itself and one on its trail.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#filter"), "log-archive")); err != nil {
		t.Fatal(err)
	}
	want := []string{"critical account/111111111111 (log-archive)", "high trail/org-trail", "high account/111111111111 (log-archive)"}
	if got := visible(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after filtering on log-archive, visible rows = %q, want %q", got, want)
	}
	if got := status(); got != "3 of 7 findings shown" {
		t.Errorf("status = %q", got)
	}

	// Turning critical off leaves the high ones.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#severity-toggles input[value="critical"]`))); err != nil {
		t.Fatal(err)
	}
	if got := visible(); strings.Join(got, "\n") != strings.Join(want[1:], "\n") {
		t.Errorf("after hiding critical, visible rows = %q, want %q", got, want[1:])
	}

	// Clearing the filter shows every finding but the critical ones.
	if err := chromedp.Do(ctx, clearFilter); err != nil {
		t.Fatal(err)
	}
	got := visible()
	for _, row := range got {
		if strings.HasPrefix(row, "critical ") {
			t.Errorf("critical row %q visible with critical toggled off", row)
		}
	}
	if len(got) != 5 {
		t.Errorf("without the text filter and critical, %d rows visible, want 5: %q", len(got), got)
	}
	// A filter matching nothing says so.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#filter"), "no-such-resource")); err != nil {
		t.Fatal(err)
	}
	if len(visible()) != 0 {
		t.Error("rows visible for a filter that matches nothing")
	}
	if hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("no-match").hidden`)); err != nil || hidden {
		t.Errorf("no-match row hidden = %v, %v", hidden, err)
	}

	// Back to everything for the screenshot.
	if err := chromedp.Do(ctx,
		clearFilter,
		chromedp.Click(chromedp.CSS(`#severity-toggles input[value="critical"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if got := visible(); len(got) != len(r.Findings) {
		t.Errorf("after resetting the filters, %d rows visible, want %d", len(got), len(r.Findings))
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	shot := filepath.Join(artifactsDir(t), "report-html.png")
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
}
