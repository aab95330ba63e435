package report

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// openInChromium loads page in headless Chromium, with the flags that keep
// it off the network, and returns the browser's context.
func openInChromium(t *testing.T, page []byte) context.Context {
	t.Helper()
	exec := requireTool(t, chromium, "chromium")
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
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
	t.Cleanup(cancel)
	ctx, cancel = chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("#checks-table"))); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return ctx
}

// column reads one column of a table's body rows, top to bottom.
func column(t *testing.T, ctx context.Context, table string, col int) []string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#`+table+` tbody tr"))
		.filter(r => r.id !== "no-match")
		.map(r => r.cells[`+string(rune('0'+col))+`].textContent.trim())`))
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return got
}

// sortBy clicks the heading of column col of a table.
func sortBy(t *testing.T, ctx context.Context, table string, col int) {
	t.Helper()
	sel := "#" + table + " thead th:nth-child(" + string(rune('1'+col)) + ") button.sort"
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// TestHTMLSortsByAnyColumn sorts the findings table by each column in
// Chromium: up on the first click, down on the second, severities by
// rank rather than by name.
func TestHTMLSortsByAnyColumn(t *testing.T) {
	ctx := openInChromium(t, render(t, HTML{Meta: meta}, results["findings"]))
	const table = "findings-table"
	for col, name := range []string{"severity", "check", "resource", "account", "region", "message"} {
		sortBy(t, ctx, table, col)
		up := column(t, ctx, table, col)
		sortBy(t, ctx, table, col)
		down := column(t, ctx, table, col)
		if col == 0 {
			wantUp := []string{"info", "low", "high", "high", "high", "critical", "critical"}
			wantDown := slices.Clone(wantUp)
			slices.Reverse(wantDown)
			if !slices.Equal(up, wantUp) || !slices.Equal(down, wantDown) {
				t.Errorf("by severity: up %q, down %q; want %q and its reverse", up, down, wantUp)
			}
			continue
		}
		if !slices.IsSortedFunc(up, cmpText) || !slices.IsSortedFunc(down, func(a, b string) int { return cmpText(b, a) }) {
			t.Errorf("by %s: up %q, down %q", name, up, down)
		}
		if len(up) != len(results["findings"].Findings) {
			t.Errorf("by %s: %d rows", name, len(up))
		}
	}
	sort, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#findings-table thead th:nth-child(6)").getAttribute("aria-sort")`))
	if err != nil || sort != "descending" {
		t.Errorf("aria-sort of the last column sorted twice = %q, %v", sort, err)
	}

	// The table of accounts sorts too, and names each account.
	sortBy(t, ctx, "by-account", 0)
	accounts := column(t, ctx, "by-account", 0)
	if !slices.Contains(accounts, "111111111111 (log-archive)") || !slices.IsSortedFunc(accounts, cmpText) {
		t.Errorf("accounts sorted by name: %q", accounts)
	}
}

// cmpText orders as the page does for text without numbers: ignoring case.
func cmpText(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

// TestHTMLListsEveryCheck: passed, failed and not evaluated checks are all
// listed, each not evaluated one with why: a part not read apart from a
// check that cannot be judged on this estate.
func TestHTMLListsEveryCheck(t *testing.T) {
	r := incomplete()
	r.Unjudged = map[string]string{chkEnvironment.ID: "needs the spec's accounts"}
	ctx := openInChromium(t, render(t, HTML{Meta: meta}, r))
	ids := column(t, ctx, "checks-table", 1)
	status := column(t, ctx, "checks-table", 0)
	why := column(t, ctx, "checks-table", 5)
	if len(ids) != len(r.Checks) {
		t.Fatalf("checks table lists %q, want %d checks", ids, len(r.Checks))
	}
	got := map[string]string{}
	for i, id := range ids {
		got[id] = status[i] + ": " + why[i]
	}
	for id, want := range map[string]string{
		chkLogArchive.ID:  "passed: ",
		chkTrail.ID:       "failed: logging (account 222222222222 in eu-west-1) could not be read: AccessDenied",
		chkRootMFA.ID:     "not evaluated: hardening (every account) could not be read: AccessDenied on STS AssumeRole",
		chkEnvironment.ID: "not evaluated: cannot be judged on this estate: needs the spec's accounts",
	} {
		if !strings.HasPrefix(got[id], want) {
			t.Errorf("%s: %q, want %q", id, got[id], want)
		}
	}
	// Sorted by status, the not evaluated ones come last.
	sortBy(t, ctx, "checks-table", 0)
	status = column(t, ctx, "checks-table", 0)
	if status[len(status)-1] != "passed" || status[0] != "failed" {
		t.Errorf("by status: %q", status)
	}
}
