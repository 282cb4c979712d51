package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

// startupTimeout bounds the wait for a started process to accept requests.
const startupTimeout = 20 * time.Second

// The real binary, as a separate process on a SQLite file, killed with
// SIGKILL while requests are in flight and right after escalations fell
// due, then restarted later on the same file: every inquiry and event the
// API acknowledged is still there, each escalation is recorded exactly
// once, and those that fell due while the process was down are recorded at
// the restart. Time is the binary's manual clock (-clock manual:...),
// moved through POST /admin/clock, so the escalations are deterministic.
// It runs with -sync full and with -sync normal: a write acknowledged
// survives the process's crash with either (only a power loss tells
// them apart).
func TestKillAndRestartProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	for _, sync := range []string{syncFull, syncNormal} {
		t.Run("sync="+sync, func(t *testing.T) { killAndRestart(t, bin, filepath.Join(t.TempDir(), "crm.db"), "-sync", sync) })
	}
}

func killAndRestart(t *testing.T, bin, db string, flags ...string) {
	tokens := writeTokens(t, filepath.Dir(db), "acme", adminTenant)

	// Process 1, from Monday 09:00: a script of inquiries and events.
	p := startProcess(t, bin, db, tokens, ny(23, 9, 0), flags...)
	c := p.client()
	c.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect})
	c.post("/inquiries", inquiryJSON{ID: "case-1", Channel: sla.Email, Party: sla.Customer, ReplyTo: []sla.Channel{sla.Email, sla.Phone}})
	c.post("/inquiries", inquiryJSON{ID: "order-1", Channel: sla.Chat, Party: sla.Customer, Kind: sla.Order})
	p.set(t, ny(23, 9, 30))
	c.event("case-1", eventJSON{Type: sla.Assign, Owner: "bob"})
	c.event("case-1", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "bob"})
	c.event("case-1", eventJSON{Type: sla.Promise, Due: ny(24, 12, 0)})
	c.event("order-1", eventJSON{Type: sla.Reply, Channel: sla.Chat})
	c.event("order-1", eventJSON{Type: sla.Resolve})
	p.set(t, ny(23, 12, 0))
	require.NoError(t, c.err)
	assert.Equal(t, []string{"lead-1/first_reply/warn"}, keysOf(c.escalations()))

	// Writers create prospects' inquiries (received Monday 10:00: warned
	// at 13:00, breached at 14:00) and assign each, as fast as they can.
	// Once some are acknowledged the clock moves to 13:00, which records
	// lead-1's breach and the writers' warnings, and the moment that
	// answer arrives the process is killed, the writers still writing.
	w := startWriters(p, 4)
	waitFor(t, "20 acknowledged inquiries", func() bool { return w.ackedCount() >= 20 })
	p.set(t, ny(23, 13, 0))
	p.kill(t)
	w.wait(t)
	require.Positive(t, w.interrupted(), "no request was in flight at the kill")
	t.Logf("before the kill: %d inquiries attempted, %d acknowledged, %d events acknowledged",
		len(w.attempted), len(w.acked), len(w.events))

	// Process 2, restarted on Tuesday 14:00. lead-1's breach is there
	// once; the writers' breaches (Monday 14:00) and case-1's broken
	// promise (Tuesday 12:00) fell due while it was down and were
	// recorded at the restart.
	p = startProcess(t, bin, db, tokens, ny(24, 14, 0), flags...)
	c = p.client()
	list := c.escalations()
	require.NoError(t, c.err)
	assertOnce(t, list)
	byKey := index(list)
	require.Contains(t, byKey, "lead-1/first_reply/breach")
	assert.Equal(t, ny(23, 13, 0), byKey["lead-1/first_reply/breach"].FiredAt.In(nyc))
	assert.Equal(t, ny(23, 13, 0), byKey["lead-1/first_reply/breach"].RecordedAt.In(nyc), "recorded before the kill")
	require.Contains(t, byKey, "case-1/promise_kept#1/broken")
	assert.Equal(t, ny(24, 12, 0), byKey["case-1/promise_kept#1/broken"].FiredAt.In(nyc))
	assert.Equal(t, ny(24, 14, 0), byKey["case-1/promise_kept#1/broken"].RecordedAt.In(nyc), "fell due while down")
	for _, id := range w.acked {
		k := id + "/first_reply/breach"
		if assert.Contains(t, byKey, k) {
			assert.Equal(t, ny(23, 14, 0), byKey[k].FiredAt.In(nyc))
			assert.Equal(t, ny(24, 14, 0), byKey[k].RecordedAt.In(nyc), "fell due while down")
		}
		assert.Contains(t, byKey, id+"/first_reply/warn")
	}

	// Everything acknowledged before the kill is there.
	st := c.status("case-1")
	assert.Equal(t, "bob", st.Owner)
	assert.Equal(t, sla.Breached, st.Obligations[len(st.Obligations)-1].State)
	assert.True(t, c.status("order-1").Resolved)
	for _, id := range w.acked {
		st := c.status(id)
		require.NoError(t, c.err, id)
		if owner, ok := w.events[id]; ok {
			assert.Equal(t, owner, st.Owner, "%s: its acknowledged event", id)
		}
	}
	ids := append([]string{"lead-1", "case-1", "order-1"}, w.attempted...)
	assertRecordedAsLogged(t, c, ids)

	// Moved to Wednesday 17:00, which records case-1's resolution
	// escalations, and killed as soon as that answer arrives; restarted
	// later, it records nothing a second time.
	p.set(t, ny(25, 17, 0))
	before := c.escalations()
	require.NoError(t, c.err)
	p.kill(t)
	assert.Subset(t, keysOf(before), []string{"case-1/resolution/at-risk", "case-1/resolution/breach", "case-1/resolution/manager"})

	p = startProcess(t, bin, db, tokens, ny(25, 17, 30), flags...)
	c = p.client()
	after := c.escalations()
	require.NoError(t, c.err)
	assertOnce(t, after)
	afterByKey := index(after)
	for _, r := range before {
		k := r.Inquiry + "/" + r.Obligation + "/" + r.Level
		if assert.Contains(t, afterByKey, k) {
			assert.True(t, r.RecordedAt.Equal(afterByKey[k].RecordedAt), "%s recorded again", k)
		}
	}
	assertRecordedAsLogged(t, c, ids)
	p.kill(t)
}

// writeTokens writes a tokens file with a new token for each tenant into
// dir, and returns the tokens by tenant, with the file's path under "".
func writeTokens(t *testing.T, dir string, tenants ...string) map[string]string {
	t.Helper()
	tokens := map[string]string{"": filepath.Join(dir, "tokens.txt")}
	var b strings.Builder
	b.WriteString("# tenant token\n")
	for _, tenant := range tenants {
		tokens[tenant] = newToken()
		fmt.Fprintf(&b, "%s %s\n", tenant, tokens[tenant])
	}
	require.NoError(t, os.WriteFile(tokens[""], []byte(b.String()), 0o600))
	return tokens
}

// spawn runs the binary with args; it is killed when the test ends,
// whatever happens.
func spawn(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{
		stderr: &logWriter{addr: make(chan string, 1)},
		done:   make(chan struct{}),
		hc:     &http.Client{Timeout: 10 * time.Second},
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	go func() {
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Errorf("process %d did not exit after SIGKILL", p.cmd.Process.Pid)
		}
		if t.Failed() {
			out := p.stderr.String()
			if len(out) > 6000 {
				out = "...\n" + out[len(out)-6000:]
			}
			t.Logf("stderr of process %d (%v):\n%s", p.cmd.Process.Pid, args, out)
		}
	})
	return p
}

// waitLog waits, for at most timeout, until the process's stderr matches
// re after its first from bytes; it returns the length of stderr then.
func (p *process) waitLog(t *testing.T, re *regexp.Regexp, from int, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out := p.stderr.String()
		if from <= len(out) {
			if loc := re.FindStringIndex(out[from:]); loc != nil {
				return from + loc[1]
			}
		}
		select {
		case <-p.done:
			t.Fatalf("process exited before logging %v: %s", re, out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %v in the log after %v", re, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// buildBinary builds the package into dir and returns the binary's path.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "crm")
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// A process is the binary running with -listen on a loopback port.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *logWriter
	done   chan struct{} // closed when the process has exited
	hc     *http.Client
	token  string // the acme tenant's
	admin  string // the admin tenant's, for /admin/clock
}

// startProcess runs the binary on the database file with a manual clock at
// start, on a free loopback port, and waits until it answers. The process
// is killed when the test ends, whatever happens.
func startProcess(t *testing.T, bin, db string, tokens map[string]string, start time.Time, extra ...string) *process {
	t.Helper()
	args := []string{"-listen", "127.0.0.1:0", "-db", db, "-tokens", tokens[""], "-clock", "manual:" + start.Format(time.RFC3339)}
	p := spawn(t, bin, append(args, extra...)...)
	p.token, p.admin = tokens["acme"], tokens[adminTenant]

	// The address it listens on is in its log; then poll until it answers.
	deadline := time.After(startupTimeout)
	select {
	case addr := <-p.stderr.addr:
		p.url = "http://" + addr
	case <-p.done:
		t.Fatalf("process exited before serving: %s", p.stderr.String())
	case <-deadline:
		t.Fatalf("process not serving after %v: %s", startupTimeout, p.stderr.String())
	}
	for {
		req, _ := http.NewRequest(http.MethodGet, p.url+"/admin/clock", nil)
		req.Header.Set("Authorization", "Bearer "+p.admin)
		res, err := p.hc.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("process exited before answering: %s", p.stderr.String())
		case <-deadline:
			t.Fatalf("process not answering after %v: %v, %s", startupTimeout, err, p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (p *process) client() *client { return &client{base: p.url, hc: p.hc, token: p.token} }

// set moves the process's clock to at; the answer comes after the
// escalations due on the way are recorded.
func (p *process) set(t *testing.T, at time.Time) {
	t.Helper()
	var out clockJSON
	c := &client{base: p.url, hc: p.hc, token: p.admin}
	c.do(http.MethodPost, "/admin/clock", clockJSON{Set: at}, &out)
	require.NoError(t, c.err)
	require.True(t, at.Equal(out.Now), "clock at %v, want %v", out.Now, at)
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *process) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("process %d did not exit after SIGKILL", p.cmd.Process.Pid)
	}
}

// A logWriter keeps a process's stderr and sends the address of its
// "serving on http://ADDR" line on addr, once.
type logWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

var servingOn = regexp.MustCompile(`serving on http://(127\.0\.0\.1:[0-9]+)`)

func (w *logWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(b)
	if !w.sent {
		if m := servingOn.FindSubmatch(w.buf.Bytes()); m != nil {
			w.addr <- string(m[1])
			w.sent = true
		}
	}
	return len(b), nil
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// writers create and assign inquiries concurrently until a request fails
// (the process was killed) or each has done maxWrites.
type writers struct {
	wg        sync.WaitGroup
	mu        sync.Mutex
	attempted []string          // every inquiry a writer tried to create
	acked     []string          // those answered 201
	events    map[string]string // inquiry: owner, for each assignment answered 200
	stopped   int               // writers stopped by a failed request
}

const maxWrites = 5000

func startWriters(p *process, n int) *writers {
	w := &writers{events: map[string]string{}}
	for i := range n {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			owner := fmt.Sprintf("agent-%d", i)
			for j := range maxWrites {
				id := fmt.Sprintf("bulk-%d-%04d", i, j)
				w.mu.Lock()
				w.attempted = append(w.attempted, id)
				w.mu.Unlock()
				c := p.client()
				c.post("/inquiries", inquiryJSON{ID: id, Channel: sla.Email, Party: sla.Prospect, Received: ny(23, 10, 0)})
				if c.err != nil {
					w.stop()
					return
				}
				w.mu.Lock()
				w.acked = append(w.acked, id)
				w.mu.Unlock()
				c.event(id, eventJSON{Type: sla.Assign, Owner: owner})
				if c.err != nil {
					w.stop()
					return
				}
				w.mu.Lock()
				w.events[id] = owner
				w.mu.Unlock()
			}
		}()
	}
	return w
}

func (w *writers) stop() {
	w.mu.Lock()
	w.stopped++
	w.mu.Unlock()
}

func (w *writers) ackedCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.acked)
}

func (w *writers) interrupted() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopped
}

// wait waits, for at most a minute, until every writer has stopped.
func (w *writers) wait(t *testing.T) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		w.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("writers still running a minute after the kill")
	}
}

// waitFor polls cond until it holds, for at most startupTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(startupTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s after %v", what, startupTimeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// assertOnce checks that no escalation is listed twice.
func assertOnce(t *testing.T, list []recordedJSON) {
	t.Helper()
	seen := map[string]bool{}
	for _, k := range keysOf(list) {
		assert.False(t, seen[k], "recorded twice: %s", k)
		seen[k] = true
	}
}

func index(list []recordedJSON) map[string]recordedJSON {
	m := map[string]recordedJSON{}
	for _, r := range list {
		m[r.Inquiry+"/"+r.Obligation+"/"+r.Level] = r
	}
	return m
}

// assertRecordedAsLogged checks, for each inquiry that exists, that the
// escalations recorded for it are exactly those its log says have fired by
// now (the status the API computes from the stored events); and that none
// are recorded for inquiries that do not exist (created, but the kill came
// before the commit). Whatever the moment of a kill, this must hold after
// the restart's sweep.
func assertRecordedAsLogged(t *testing.T, c *client, ids []string) {
	t.Helper()
	recordedFor := map[string][]string{}
	list := c.escalations()
	require.NoError(t, c.err)
	for _, r := range list {
		recordedFor[r.Inquiry] = append(recordedFor[r.Inquiry], r.Obligation+"/"+r.Level)
	}
	for _, id := range ids {
		var st statusJSON
		code := c.do(http.MethodGet, "/inquiries/"+id, nil, &st)
		if code == http.StatusNotFound {
			c.err = nil
			assert.Empty(t, recordedFor[id], "%s: escalations recorded for an inquiry that does not exist", id)
			continue
		}
		require.NoError(t, c.err)
		var logged []string
		for _, o := range st.Obligations {
			for _, level := range o.Escalations {
				logged = append(logged, o.Key.String()+"/"+level)
			}
		}
		got := slices.Clone(recordedFor[id])
		sort.Strings(logged)
		sort.Strings(got)
		assert.Equal(t, logged, got, "%s: recorded escalations against its log", id)
	}
}

// POST /admin/clock moves the manual clock forward only, one way at a time.
func TestClockHandler(t *testing.T) {
	m := clock.NewManual(ny(23, 9, 0))
	srv := httptest.NewServer(clockHandler(m, time.Minute))
	defer srv.Close()
	c := &client{base: srv.URL, hc: &http.Client{Timeout: 10 * time.Second}}
	bad := []clockJSON{{Set: ny(23, 9, 0)}, {Advance: "-1h"}, {Advance: "soon"}, {}, {Advance: "1h", Set: ny(25, 9, 0)},
		{Set: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}, {Advance: "700000h"},
		{Advance: (maxCeilings*time.Minute + time.Minute).String()}, {Set: ny(24, 14, 0).Add(maxCeilings*time.Minute + time.Minute)}}
	var out clockJSON
	assert.Equal(t, http.StatusOK, c.do(http.MethodPost, "/admin/clock", clockJSON{Advance: "2h"}, &out))
	assert.Equal(t, ny(23, 11, 0), out.Now.In(nyc))
	assert.Equal(t, http.StatusOK, c.do(http.MethodPost, "/admin/clock", clockJSON{Set: ny(24, 14, 0)}, &out))
	assert.Equal(t, ny(24, 14, 0), m.Now().In(nyc))
	for _, bad := range bad {
		c.err = nil
		assert.Equal(t, http.StatusBadRequest, c.do(http.MethodPost, "/admin/clock", bad, nil), "%+v", bad)
	}
	c.err = nil
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/admin/clock", nil, &out))
	assert.Equal(t, ny(24, 14, 0), out.Now.In(nyc))
	req, err := http.NewRequest(http.MethodDelete, srv.URL+"/admin/clock", nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"), "in JSON like every other error")

	// A move spans at most maxCeilings ceilings, each a sweep.
	res, err = http.Post(srv.URL+"/admin/clock", "application/json", strings.NewReader(`{"advance":"100000m1s"}`))
	require.NoError(t, err)
	var refused map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&refused))
	res.Body.Close()
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Equal(t, "advance", refused["field"])
	assert.Contains(t, refused["error"], "spans more than 100000 ceilings of 1m0s")
	c.err = nil
	assert.Equal(t, http.StatusOK, c.do(http.MethodPost, "/admin/clock", clockJSON{Advance: (maxCeilings * time.Minute).String()}, &out))
	assert.True(t, ny(24, 14, 0).Add(maxCeilings*time.Minute).Equal(out.Now), "%v", out.Now)

	_, err = parseClock("manual:yesterday")
	assert.Error(t, err)
	_, err = parseClock("manual:9999-01-01T00:00:00Z")
	assert.ErrorContains(t, err, "outside the instants")
	_, err = parseClock("sundial")
	assert.Error(t, err)
	manual, err := parseClock("system")
	assert.NoError(t, err)
	assert.Nil(t, manual)
}
