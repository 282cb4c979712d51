package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

// fastPolicies make escalations fall due within seconds, on the system
// clock: a first reply is owed within 3s, warned 1s before.
const fastPolicies = `{"policies": [{"name": "fast", "targets": {"first_reply": {"within": "3s", "escalation": [
	{"name": "warn", "at": "-1s", "notify": ["lead"]},
	{"name": "breach", "at": "0", "notify": ["lead"]}]}}}]}`

// Bounds of the fault test.
const (
	// sweptWithin bounds how long after it fired an escalation is
	// recorded, faults included: the ceiling (1s), the retry after an
	// error (1s), the listener's backoff (at most 5s) and the server's
	// restart.
	sweptWithin = 15 * time.Second
	// retryFor bounds how long a writer retries one request.
	retryFor = 20 * time.Second
)

// The real binary on PostgreSQL, on the system clock: one API process and
// three workers (-role api, -role worker), while writers create inquiries
// and reply to half of them, retrying each request under its idempotency
// key until it is acknowledged. Three faults in turn: a worker is killed
// with SIGKILL while it holds a claimed batch (-sweep-pause); the server
// restarts as after a crash (pg_ctl restart -m immediate); a worker's
// connections are cut (pg_terminate_backend). Then: every request
// acknowledged is there, once; every escalation is recorded once, at the
// instant its log says, within sweptWithin of it, and delivered; and for
// every inquiry a writer tried to create, the escalations recorded are
// exactly those its stored log says have fired.
func TestPostgresWorkersSurviveFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	pg := startPostgres(t)
	url := pg.database("crm")
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	tokens := writeTokens(t, dir, "acme")
	policyFile := filepath.Join(dir, "policies.json")
	require.NoError(t, os.WriteFile(policyFile, []byte(fastPolicies), 0o600))
	common := []string{"-policies", policyFile, "-ceiling", "1s", "-lease", "2s", "-batch", "20"}

	api := spawn(t, bin, append([]string{"-role", "api", "-listen", "127.0.0.1:0", "-db", withApp(url, "api"), "-tokens", tokens[""]}, common...)...)
	select {
	case addr := <-api.stderr.addr:
		api.url = "http://" + addr
	case <-time.After(startupTimeout):
		t.Fatalf("API not serving after %v: %s", startupTimeout, api.stderr.String())
	}
	api.token = tokens["acme"]
	sweeping := regexp.MustCompile(`worker sweeping`)
	worker := func(name string, extra ...string) *process {
		p := spawn(t, bin, append(append([]string{"-role", "worker", "-db", withApp(url, name)}, common...), extra...)...)
		p.waitLog(t, sweeping, 0, startupTimeout)
		return p
	}
	w1 := worker("worker-1", "-sweep-pause", "3s")
	worker("worker-2")
	worker("worker-3")

	began := time.Now()
	logf := func(format string, args ...any) {
		t.Logf("%5.1fs: %s", time.Since(began).Seconds(), fmt.Sprintf(format, args...))
	}
	load := startLoad(api, 3)
	defer load.stop(t)

	// 1. worker-1 claims a batch and holds it; SIGKILL then. Its
	// transaction dies with it and the others take the rows.
	w1.waitLog(t, regexp.MustCompile(`sweep: claimed [0-9]+`), 0, 30*time.Second)
	require.NoError(t, w1.cmd.Process.Kill())
	<-w1.done
	logf("killed worker-1 holding a batch")
	worker("worker-1")
	time.Sleep(2 * time.Second)

	// 2. The server crashes and restarts under load.
	pg.restart()
	logf("restarted PostgreSQL with -m immediate")
	time.Sleep(3 * time.Second)

	// 3. A worker's connections, the listener's included, are cut.
	assert.Positive(t, pg.terminate("worker-2"), "worker-2 had no connection to terminate")
	logf("terminated worker-2's connections")
	time.Sleep(2 * time.Second)

	load.stop(t)
	logf("load stopped: %d inquiries attempted, %d acknowledged; %d replies acknowledged; %d retries",
		len(load.attempted), len(load.created), len(load.replied), load.retries)
	require.Positive(t, len(load.created))
	for _, r := range load.refused {
		t.Log("refused:", r)
	}

	// Quiet: nothing left to evaluate or deliver.
	conn := pg.connect(url)
	defer conn.Close(context.Background())
	quietBy := time.Now().Add(30 * time.Second)
	for {
		var due, undelivered int
		require.NoError(t, conn.QueryRow(context.Background(), `SELECT
			(SELECT COUNT(*) FROM inquiries WHERE next_check IS NOT NULL),
			(SELECT COUNT(*) FROM escalations WHERE delivered_at IS NULL)`).Scan(&due, &undelivered))
		if due == 0 && undelivered == 0 {
			break
		}
		if time.Now().After(quietBy) {
			t.Fatalf("after 30s, %d inquiries still to check and %d escalations undelivered", due, undelivered)
		}
		time.Sleep(100 * time.Millisecond)
	}

	logf("quiet: nothing to evaluate or deliver")
	c := api.client()
	list := c.escalations()
	require.NoError(t, c.err)
	assertOnce(t, list)
	for _, e := range list {
		received, ok := load.received(e.Inquiry)
		if !assert.True(t, ok, "%s: escalated but never attempted", e.Inquiry) {
			continue
		}
		want := received.Add(2 * time.Second)
		if e.Level == "breach" {
			want = received.Add(3 * time.Second)
		}
		assert.True(t, want.Equal(e.FiredAt), "%s/%s fired at %v, its log says %v", e.Inquiry, e.Level, e.FiredAt, want)
		late := e.RecordedAt.Sub(e.FiredAt)
		assert.True(t, late >= 0 && late <= sweptWithin, "%s/%s recorded %v after it fired", e.Inquiry, e.Level, late)
		assert.False(t, e.DeliveredAt.IsZero(), "%s/%s not delivered", e.Inquiry, e.Level)
	}
	for _, id := range load.created {
		st := c.status(id)
		require.NoError(t, c.err, id)
		if load.replied[id] {
			assert.Equal(t, 1, st.Events, "%s: its acknowledged reply, once", id)
		}
		assert.LessOrEqual(t, st.Events, 1, "%s: a retried reply stored twice", id)
	}
	assertRecordedAsLogged(t, c, load.attempted)
	logf("checked")
}

// A load creates prospects' inquiries and replies to every other one at
// once, each request retried under the same idempotency key (and the
// same body) until it is acknowledged or retryFor passes.
type load struct {
	api        *process
	done       chan struct{}
	wg         sync.WaitGroup
	mu         sync.Mutex
	attempted  []string
	receivedAt map[string]time.Time
	created    []string
	replied    map[string]bool
	retries    int
	refused    []string // the errors of requests refused
	stopOnce   sync.Once
}

func startLoad(api *process, writers int) *load {
	l := &load{api: api, done: make(chan struct{}), receivedAt: map[string]time.Time{}, replied: map[string]bool{}}
	for i := range writers {
		l.wg.Add(1)
		go l.write(i)
	}
	return l
}

func (l *load) write(i int) {
	defer l.wg.Done()
	for j := 0; ; j++ {
		select {
		case <-l.done:
			return
		case <-time.After(20 * time.Millisecond):
		}
		id := fmt.Sprintf("w%d-%05d", i, j)
		received := time.Now().Truncate(time.Millisecond)
		l.mu.Lock()
		l.attempted = append(l.attempted, id)
		l.receivedAt[id] = received
		l.mu.Unlock()
		if !l.retry(func(c *client) int {
			return c.do(http.MethodPost, "/inquiries", inquiryJSON{ID: id, Channel: sla.Email, Party: sla.Prospect, Received: received}, nil)
		}) {
			continue
		}
		l.mu.Lock()
		l.created = append(l.created, id)
		l.mu.Unlock()
		if j%2 == 1 {
			continue
		}
		k := newKey()
		at := time.Now().Truncate(time.Millisecond)
		if l.retry(func(c *client) int {
			return c.send(http.MethodPost, "/inquiries/"+id+"/events", http.Header{"Idempotency-Key": {k}},
				eventJSON{Type: sla.Reply, Channel: sla.Email, Time: at}, nil)
		}) {
			l.mu.Lock()
			l.replied[id] = true
			l.mu.Unlock()
		}
	}
}

// retry sends until an answer below 500 comes (true if 2xx) or retryFor
// passes.
func (l *load) retry(send func(*client) int) bool {
	deadline := time.Now().Add(retryFor)
	for n := 0; ; n++ {
		c := l.api.client()
		code := send(c)
		switch {
		case code >= 200 && code < 300:
			return true
		case code >= 400 && code < 500:
			l.mu.Lock()
			l.refused = append(l.refused, c.err.Error())
			l.mu.Unlock()
			return false
		case time.Now().After(deadline):
			return false
		}
		l.mu.Lock()
		l.retries++
		l.mu.Unlock()
		time.Sleep(100 * time.Millisecond)
	}
}

func (l *load) received(id string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.receivedAt[id]
	return t, ok
}

// stop stops the writers and waits, for at most retryFor and a bit, until
// they have.
func (l *load) stop(t *testing.T) {
	l.stopOnce.Do(func() { close(l.done) })
	done := make(chan struct{})
	go func() {
		l.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(retryFor + 10*time.Second):
		t.Fatal("writers still running")
	}
}
