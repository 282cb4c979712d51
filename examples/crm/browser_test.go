package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla/report"
)

// The board in a real browser: Debian's chromium, headless, driven over
// the DevTools protocol (chromedp), against the seeded desk on a manual
// clock, over 127.0.0.1 only. It logs in through the form, checks every
// page's figures against GET /report, records a call with the keyboard
// and sees it in the survey report, moves the clock past a due time and
// sees the new breach appear when the page refreshes itself, and saves a
// screenshot of every page (and of two on a phone-sized screen) to
// $REPLYBY_ARTIFACTS, or to a new temporary directory it names.
//
// Without chromium it skips, unless REPLYBY_REQUIRE_BROWSER=1 (as in CI),
// which makes that a failure.

// browserTimeout bounds the whole test; stepTimeout each step of it.
const (
	browserTimeout = 3 * time.Minute
	stepTimeout    = 30 * time.Second
)

// findChromium returns the browser's path: $REPLYBY_CHROMIUM, or chromium
// (Debian's) or another Chrome on PATH.
func findChromium() (string, bool) {
	if p := os.Getenv("REPLYBY_CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// artifacts returns the directory for the test's screenshots.
func artifacts(t *testing.T) string {
	dir := os.Getenv("REPLYBY_ARTIFACTS")
	if dir == "" {
		var err error
		dir, err = os.MkdirTemp("", "replyby-board-")
		require.NoError(t, err)
	}
	dir = filepath.Join(dir, "board")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Logf("screenshots in %s", dir)
	return dir
}

func TestBrowserBoard(t *testing.T) {
	bin, ok := findChromium()
	if !ok {
		if os.Getenv("REPLYBY_REQUIRE_BROWSER") == "1" {
			t.Fatal("no chromium on PATH (nor $REPLYBY_CHROMIUM), and REPLYBY_REQUIRE_BROWSER=1")
		}
		t.Skip("chromium not installed: skipping the browser test; set REPLYBY_REQUIRE_BROWSER=1 to fail instead")
	}
	s, clk, tokens, acme := startDesk(t, config{})
	require.True(t, strings.HasPrefix(s.url, "http://127.0.0.1:"))
	dir := artifacts(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.WindowSize(1200, 900),
		chromedp.Flag("disable-dev-shm-usage", true),
		// 127.0.0.1 only: no proxy, and no name resolves.
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	bounded, stop := context.WithTimeout(context.Background(), browserTimeout)
	defer stop()
	alloc, cancelAlloc := chromedp.NewExecAllocator(bounded, opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx), "starting %s", bin)

	// Every script error and console error of the page fails the test
	// (a violation of the content security policy is one).
	var mu sync.Mutex
	var pageErrors []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			pageErrors = append(pageErrors, ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				pageErrors = append(pageErrors, "console.error")
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				pageErrors = append(pageErrors, ev.Entry.URL+": "+ev.Entry.Text)
			}
		}
	}))
	_, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{})
	require.NoError(t, err)

	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		require.NoError(t, chromedp.Do(sctx, actions...), what)
	}
	text := func(sel string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		require.NoError(t, err, sel)
		return strings.TrimSpace(s)
	}
	count := func(sel string) int {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		n, err := chromedp.Run(sctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
		require.NoError(t, err, sel)
		return n
	}
	number := func(sel string) int {
		t.Helper()
		n, err := strconv.Atoi(text(sel))
		require.NoError(t, err, sel)
		return n
	}
	shoot := func(name string) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
		require.NoError(t, err, name)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644))
	}
	open := func(path string) {
		t.Helper()
		step("open "+path, chromedp.Navigate(s.url+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
	}

	// No session: the login page. A wrong token, then the right one.
	open("/")
	var location string
	location, err = chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.Equal(t, s.url+"/login?next=%2F", location)
	shoot("login")
	step("a wrong token",
		chromedp.SendKeys(chromedp.CSS("#token"), "not-a-token-of-anyone"),
		chromedp.Submit(chromedp.CSS("#token")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")))
	mu.Lock()
	pageErrors = nil // the 401 of the wrong token, as it should be
	mu.Unlock()
	step("log in",
		chromedp.SendKeys(chromedp.CSS("#token"), tokens["acme"]),
		chromedp.Submit(chromedp.CSS("#token")),
		chromedp.WaitVisible(chromedp.CSS(`[data-figure="due_soon"]`)))

	// Every page's figures are the API's.
	rep := apiReport(t, acme, "")
	assert.Equal(t, len(rep.DueSoon), number(`[data-figure="due_soon"]`))
	assert.Equal(t, len(rep.DueSoon), count(`table.dues tbody tr`))
	assert.Equal(t, len(rep.Breached), number(`[data-figure="breached"]`))
	shoot("due-soon")
	open("/breached")
	assert.Equal(t, len(rep.Breached), number(`[data-figure="breached"]`))
	assert.Equal(t, len(rep.Breached), count(`table.dues tbody tr`))
	shoot("breached")
	open("/cracks")
	assert.Equal(t, len(rep.Report.Cracks), number(`[data-figure="cracks"]`))
	assert.Equal(t, len(rep.Report.Cracks), count(`tr[data-reason]`))
	shoot("cracks")
	open("/workload")
	assert.Equal(t, len(rep.Workload), count(`tr[data-by]`))
	for _, l := range rep.Workload {
		row := fmt.Sprintf(`tr[data-by=%q][data-value=%q]`, l.By, l.Value)
		assert.Equal(t, l.Open, number(row+` [data-figure="open"]`), row)
		assert.Equal(t, l.Breached, number(row+` [data-figure="breached"]`), row)
		assert.Equal(t, l.AtRisk, number(row+` [data-figure="at_risk"]`), row)
	}
	shoot("workload")
	open("/trend")
	assert.Equal(t, len(rep.Report.Trend), count(`td[data-week]`))
	assert.Equal(t, len(rep.Report.Trend), count(`svg .series circle`))
	shoot("trend")
	open("/timeline/case-6")
	assert.Equal(t, count(`table tbody tr[class^="state-"]`), count(`svg g.obligation`))
	shoot("timeline")

	// A call recorded with the keyboard, seen in the survey report.
	open("/calls")
	assert.Equal(t, rep.Calls.Surveys.Sampled, number(`[data-figure="sampled"]`))
	assert.Equal(t, 0, number(`[data-figure="called"]`))
	step("record a call",
		chromedp.Focus(chromedp.CSS("#call-case-2 summary")),
		chromedp.KeyEvent("\r"), // opens the form
		chromedp.WaitVisible(chromedp.CSS("#reached-yes-case-2")),
		chromedp.Focus(chromedp.CSS("#reached-yes-case-2")),
		chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS("#answer-case-2")),
		chromedp.SetValue(chromedp.CSS("#answer-case-2"), "yes"),
		chromedp.SetValue(chromedp.CSS("#rating-case-2"), "4"),
		chromedp.SendKeys(chromedp.CSS("#note-case-2"), "called back the same day"),
		chromedp.Focus(chromedp.CSS("#call-case-2 button[type=submit]")),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#call-case-2[data-called="true"]`)))
	assert.Equal(t, 1, number(`[data-figure="called"]`))
	assert.Equal(t, 1, number(`[data-figure="reached"]`))
	rep = apiReport(t, acme, "")
	sr := rep.Calls.Surveys
	require.Equal(t, 1, sr.Called)
	assert.Equal(t, fmt.Sprintf("%.1f%%", 100*sr.ResponseRate), text(`[data-figure="response_rate"]`))
	assert.Equal(t, "4.00", text(`tr[data-by="all"] [data-figure="mean"]`))
	assert.Equal(t, 4.0, sr.Ratings[0].Mean)
	i := indexOfCall(sr.Calls, "case-2")
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "called back the same day", sr.Calls[i].Survey.Note)
	shoot("calls")

	// The clock moves past lead-4's due time: the open page refreshes
	// itself and shows the new breach.
	open("/breached")
	step("the update stream is open", chromedp.WaitVisible(chromedp.CSS(`body[data-live="1"]`)))
	assert.Equal(t, 0, count(`tr[data-inquiry="lead-4"]`))
	admin := &client{base: s.url, token: tokens[adminTenant]}
	admin.do("POST", "/admin/clock", clockJSON{Set: ny(23, 13, 5)}, nil)
	require.NoError(t, admin.err)
	require.True(t, ny(23, 13, 5).Equal(clk.Now()))
	step("the new breach appears", chromedp.WaitVisible(chromedp.CSS(`tr[data-inquiry="lead-4"]`)))
	rep = apiReport(t, acme, "")
	assert.Contains(t, duesOf(rep.Breached), "lead-4/first_reply")
	assert.Equal(t, len(rep.Breached), number(`[data-figure="breached"]`))
	assert.Equal(t, len(rep.Breached), count(`table.dues tbody tr`))
	shoot("breached-after")

	// A phone-sized screen.
	step("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	open("/")
	shoot("phone-due-soon")
	open("/calls")
	shoot("phone-calls")
	// Nothing is wider than the screen but what scrolls in its box.
	sctx, cancelW := context.WithTimeout(ctx, stepTimeout)
	width, err := chromedp.Run(sctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
	cancelW()
	require.NoError(t, err)
	assert.LessOrEqual(t, width, 390, "the page scrolls sideways on a phone")

	mu.Lock()
	assert.Empty(t, pageErrors, "errors in the pages")
	mu.Unlock()

}

func indexOfCall(calls []report.Call, id string) int {
	for i, c := range calls {
		if c.InquiryID == id {
			return i
		}
	}
	return -1
}
