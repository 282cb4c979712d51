package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/monitor"
)

// A config holds the back end's limits and tunings; defaults() fills in
// what is zero.
type config struct {
	// maxEvents is the longest a log may grow: the event after it is
	// refused with 422.
	maxEvents int
	// backdate is how far before now an event may be dated: one dated
	// earlier is refused with 422. Independently of it, an event dated
	// at or before an escalation already recorded for its inquiry is
	// refused with 409 (it could rewrite what was recorded).
	backdate time.Duration
	// ahead is how far after now an event may be dated: one dated later
	// is refused with 422. While a log holds an event dated after now,
	// every evaluation of it replays the log, so this bounds how long.
	ahead time.Duration
	// lease is how long an escalation handed to the delivery callback
	// waits to be marked delivered before a sweep hands it out again.
	lease time.Duration
	// batch is how many due inquiries a sweep claims at a time.
	batch int
	// ceiling is the longest the monitor sleeps without looking at the
	// database.
	ceiling time.Duration
	// sync is -sync: syncFull ("" too) or syncNormal, SQLite's
	// synchronous setting (openBackend).
	sync string
	// sweepPause makes a sweep wait this long after claiming a batch,
	// holding it: for the fault tests only, which kill a worker then.
	sweepPause time.Duration
	// cacheSize is how many inquiries' decoded logs the process keeps.
	cacheSize int
	// timeouts of the HTTP server.
	readHeaderTimeout, readTimeout, writeTimeout, idleTimeout time.Duration
	// boardMax is the most inquiries of a tenant the board and the
	// reports read (each page evaluates them all at now).
	boardMax int
	// secureCookie marks the board's session cookie Secure even when
	// the request did not come over TLS (behind a TLS proxy).
	secureCookie bool
}

func (c config) defaults() config {
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.maxEvents == 0 {
		c.maxEvents = 10000
	}
	set(&c.backdate, 24*time.Hour)
	set(&c.ahead, 24*time.Hour)
	set(&c.lease, time.Minute)
	if c.batch == 0 {
		c.batch = 500
	}
	set(&c.ceiling, time.Minute)
	if c.cacheSize == 0 {
		c.cacheSize = 10000
	}
	if c.boardMax == 0 {
		c.boardMax = 20000
	}
	set(&c.readHeaderTimeout, 5*time.Second)
	set(&c.readTimeout, 30*time.Second)
	set(&c.writeTimeout, time.Minute)
	set(&c.idleTimeout, 2*time.Minute)
	return c
}

// An app is the CRM back end: the HTTP API over a database, and (in the
// roles that sweep) the library's monitor sweeping it through the
// monitor.Store methods below.
type app struct {
	db    backend
	ev    *evaluator
	clk   clock.Clock
	loc   *time.Location // for listing escalations
	log   *log.Logger
	cfg   config
	cache *logCache
	mon   *monitor.Monitor // nil in the api role

	writes     chan *writeOp // to the group committer, if the database wants one
	stopWrite  chan struct{}
	writerDone chan struct{} // closed when the committer ended, having answered every write it took

	tokens   sync.Map // SHA-256 of a token: cachedTenant
	sessions sync.Map // SHA-256 of a session ID: cachedSession
	hub      *hub     // the board's update streams

	deliveredMu sync.Mutex
	delivered   []deliveryKey // marked delivered, not yet written

	evaluations atomic.Int64 // how many times an inquiry was evaluated
}

// newApp runs the back end over db. With sweep it starts the monitor on
// clk, with a sweep at once for whatever fell due while nothing ran.
func newApp(db backend, cfg config, ps *sla.PolicySet, clk clock.Clock, loc *time.Location, logger *log.Logger, sweep bool) (*app, error) {
	a := &app{db: db, ev: &evaluator{ps: ps}, clk: clk, loc: loc, log: logger, cfg: cfg.defaults()}
	a.cache = newLogCache(a.cfg.cacheSize)
	a.hub = newHub(db.watchChanges)
	if db.groupCommit() {
		// Buffered, so that a write queued while the committer commits
		// waits only for its answer: with an unbuffered queue its
		// goroutine was woken twice, to hand the write over and for
		// the answer, and on this machine a goroutine the committer
		// wakes waits 0.12–0.18 ms for a core (README, "Speed").
		a.writes, a.stopWrite, a.writerDone = make(chan *writeOp, maxGroup), make(chan struct{}), make(chan struct{})
		go a.committer()
	}
	if sweep {
		var err error
		a.mon, err = monitor.New(a, clk, a.notify,
			monitor.Ceiling(a.cfg.ceiling),
			monitor.OnError(func(err error) { logger.Printf("sweep: %v", err) }))
		if err != nil {
			a.close()
			return nil, err
		}
	}
	return a, nil
}

// notify is where the escalations a sweep hands out go: here only to the
// log. A sender that e-mails or pages goes here, idempotent by the
// alert's key: after a crash an escalation whose delivery was not
// recorded is handed out again once its lease passes.
func (a *app) notify(al monitor.Alert) {
	a.log.Printf("escalation: %s %s %s, notify %v", al.InquiryID, al.Obligation, al.Level, al.Notify)
}

// close stops the monitor and the writer and closes the database. It
// does not wait for a running sweep: whatever a crash would lose, close
// loses too, and the next start picks up from the database.
func (a *app) close() error {
	a.hub.close()
	if a.mon != nil {
		a.mon.Stop()
	}
	if a.writes != nil {
		close(a.stopWrite)
		<-a.writerDone
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	a.flushDelivered(ctx)
	return a.db.close()
}

// Watch implements monitor.Watcher: the database says when a transaction
// of any process made something due.
func (a *app) Watch(wake func(at time.Time)) (stop func()) {
	return a.db.watch(func(ns int64) {
		if ns == 0 {
			wake(time.Time{})
		} else {
			wake(time.Unix(0, ns))
		}
	})
}

// Earliest implements monitor.Store: the smallest next_check, or lease of
// an escalation not delivered. It first writes the deliveries recorded
// since the last sweep.
func (a *app) Earliest(ctx context.Context) (time.Time, bool, error) {
	if err := a.flushDelivered(ctx); err != nil {
		return time.Time{}, false, err
	}
	ns, ok, err := a.db.earliest(ctx, a.clk.Now().UnixNano())
	if !ok || err != nil {
		return time.Time{}, false, err
	}
	return time.Unix(0, ns), true, nil
}

// Delivered implements monitor.Store. The mark is written with the next
// sweep's transaction, or before the monitor next sleeps (Earliest), so
// that a sweep of thousands of escalations does not cost a transaction
// each; a crash in between delivers those again when their lease passes.
func (a *app) Delivered(_ context.Context, al monitor.Alert) error {
	tenant, id, obligation, level, ok := alertKey(al)
	if !ok {
		return fmt.Errorf("alert %q: not tenant/inquiry", al.InquiryID)
	}
	a.deliveredMu.Lock()
	a.delivered = append(a.delivered, deliveryKey{tenant, id, obligation, level})
	a.deliveredMu.Unlock()
	return nil
}

// takeDelivered returns the deliveries not yet written; giveBack puts
// them back if writing them failed.
func (a *app) takeDelivered() []deliveryKey {
	a.deliveredMu.Lock()
	defer a.deliveredMu.Unlock()
	keys := a.delivered
	a.delivered = nil
	return keys
}

func (a *app) giveBack(keys []deliveryKey) {
	a.deliveredMu.Lock()
	defer a.deliveredMu.Unlock()
	a.delivered = append(keys, a.delivered...)
}

func (a *app) flushDelivered(ctx context.Context) error {
	keys := a.takeDelivered()
	if len(keys) == 0 {
		return nil
	}
	tx, err := a.db.begin(ctx)
	if err == nil {
		if err = tx.markDelivered(ctx, keys, a.clk.Now().UnixNano()); err == nil {
			err = tx.commit()
		} else {
			tx.rollback()
		}
	}
	if err != nil {
		a.giveBack(keys)
	}
	return err
}

// Sweep implements monitor.Store: in one transaction it claims a batch of
// the inquiries whose next_check is at or before now, and only those,
// evaluates them, writes them back with the escalations they fired, and
// leases the escalations not yet delivered whose lease passed.
func (a *app) Sweep(ctx context.Context, now time.Time) (alerts []monitor.Alert, more bool, err error) {
	ns := now.UnixNano()
	tx, err := a.db.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	committed := false
	keys := a.takeDelivered()
	defer func() {
		if !committed {
			tx.rollback()
			a.giveBack(keys)
		}
	}()
	if len(keys) > 0 {
		if err := tx.markDelivered(ctx, keys, ns); err != nil {
			return nil, false, err
		}
	}
	rows, err := tx.claimDue(ctx, ns, a.cfg.batch)
	if err != nil {
		return nil, false, err
	}
	if a.cfg.sweepPause > 0 && len(rows) > 0 {
		a.log.Printf("sweep: claimed %d, pausing %v", len(rows), a.cfg.sweepPause)
		select {
		case <-time.After(a.cfg.sweepPause):
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	lease := now.Add(a.cfg.lease).UnixNano()
	evs, inputs, added, err := a.sweepRows(ctx, tx, rows, now, lease)
	if err != nil {
		return nil, false, err
	}
	changed := map[string]bool{}
	for _, r := range rows {
		if !changed[r.tenant] {
			changed[r.tenant] = true
			if err := tx.changed(ctx, r.tenant); err != nil {
				return nil, false, err
			}
		}
	}
	again, err := tx.claimUndelivered(ctx, ns, lease, a.cfg.batch)
	if err != nil {
		return nil, false, err
	}
	if err := tx.commit(); err != nil {
		return nil, false, err
	}
	committed = true
	for i, r := range rows {
		a.cache.put(r.tenant, r.id, version{r.eventCount, evs[i].sealedAt}, inputs[i])
	}
	for _, r := range append(added, again...) {
		al, err := alertOf(r)
		if err != nil {
			a.log.Printf("sweep: %v", err)
			continue
		}
		alerts = append(alerts, al)
	}
	slices.SortStableFunc(alerts, alertOrder)
	return alerts, len(rows) == a.cfg.batch || len(again) == a.cfg.batch, nil
}

// alertOrder orders a sweep's alerts as the ledger does: in the order
// they fired, by inquiry at one instant, and within an inquiry as the
// store recorded them (a stable sort keeps that). The batch's rows finish
// in any order.
func alertOrder(x, y monitor.Alert) int {
	return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.InquiryID, y.InquiryID))
}

// sweepChunk is how many logs a sweep loads, and how many evaluations it
// writes back, with one call: few enough that the evaluators start soon,
// enough that a database a round trip away (PostgreSQL) is called a few
// times a batch, not once a row.
const sweepChunk = 32

// sweepRows evaluates the rows a sweep claimed at now and writes them
// back, as a pipeline over the cores: the calling goroutine, the only one
// to use tx, loads the logs not cached a chunk at a time and hands each
// row to the evaluators as soon as its log is in, and writes back the
// rows evaluated while it loads the rest, and after. It returns each
// row's evaluation and input (to cache once the transaction committed)
// and the escalations it recorded. A log that does not decode fails the
// sweep, as a database error does.
func (a *app) sweepRows(ctx context.Context, tx txn, rows []inquiryRow, now time.Time, lease int64) ([]evaluated, []*logInput, []escalationRow, error) {
	n := len(rows)
	if n == 0 {
		return nil, nil, nil, nil
	}
	evs := make([]evaluated, n)
	inputs := make([]*logInput, n)
	logs := make([][][]byte, n)
	errs := make([]error, n)
	jobs, results := make(chan int, n), make(chan int, n)
	var missing []int
	for i, r := range rows {
		if in, ok := a.cache.get(r.tenant, r.id, r.eventCount); ok {
			inputs[i] = in
			jobs <- i
		} else {
			missing = append(missing, i)
		}
	}
	// Each row is decoded and evaluated on its own: the policy set is
	// safe for concurrent use, and an evaluation changes no input. A
	// channel send orders the writes to a row's slots before the reads
	// at the other end.
	run := func(i int) {
		evs[i], inputs[i], errs[i] = a.sweepRow(rows[i], inputs[i], logs[i], now, lease)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, n/16)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if !stop.Load() {
					run(i)
				}
				results <- i
			}
		}()
	}
	open := true
	defer func() {
		stop.Store(true)
		if open {
			close(jobs)
		}
		wg.Wait()
	}()

	var added []escalationRow
	var ready []evaluated
	pending := n
	take := func(i int) error {
		if errs[i] != nil {
			return errs[i]
		}
		ready = append(ready, evs[i])
		pending--
		return nil
	}
	// collect takes the evaluations done, waiting for one first if wait
	// (once jobs is closed, so that receiving from it never blocks: the
	// writer evaluates a row itself rather than wait), and writes them
	// back once there are a chunk of them, or all.
	collect := func(wait bool) error {
		if wait {
			i, ok := 0, false
			select {
			case i = <-results:
			default:
				if i, ok = <-jobs; ok {
					run(i)
				} else {
					i = <-results
				}
			}
			if err := take(i); err != nil {
				return err
			}
		}
		for more := true; more; {
			select {
			case i := <-results:
				if err := take(i); err != nil {
					return err
				}
			default:
				more = false
			}
		}
		if len(ready) < sweepChunk && pending > 0 {
			return nil
		}
		got, err := tx.save(ctx, ready)
		added = append(added, got...)
		ready = ready[:0]
		return err
	}
	for start := 0; start < len(missing); start += sweepChunk {
		chunk := missing[start:min(len(missing), start+sweepChunk)]
		keys := make([]logKey, len(chunk))
		for j, i := range chunk {
			keys[j] = logKey{rows[i].tenant, rows[i].id}
		}
		docs, err := tx.loadEvents(ctx, keys)
		if err != nil {
			return nil, nil, nil, err
		}
		for j, i := range chunk {
			logs[i] = docs[keys[j]]
			jobs <- i
		}
		if err := collect(false); err != nil {
			return nil, nil, nil, err
		}
	}
	close(jobs)
	open = false
	for pending > 0 {
		if err := collect(true); err != nil {
			return nil, nil, nil, err
		}
	}
	return evs, inputs, added, nil
}

// sweepRow decodes the log of a row claimed by a sweep, unless its input
// in was cached, and evaluates it at now; it returns what to write back
// and the input to cache.
func (a *app) sweepRow(r inquiryRow, in *logInput, docs [][]byte, now time.Time, lease int64) (evaluated, *logInput, error) {
	if in == nil {
		var err error
		if in, err = decodeLog(r.doc, docs); err != nil {
			return evaluated{}, nil, fmt.Errorf("%s/%s: %w", r.tenant, r.id, err)
		}
	}
	a.evaluations.Add(1)
	out, kept, err := a.ev.evaluate(in, nil, now, time.Unix(0, r.sealedAt))
	if err != nil {
		// A log the policy set refuses (say, after a policy change)
		// must not stop the sweeper: park the row.
		a.log.Printf("sweep: %s/%s: %v; not checked again until its next event", r.tenant, r.id, err)
		parked := *in // next_check is written NULL: in's storedNext is not it
		parked.nextKnown = false
		return evaluated{tenant: r.tenant, id: r.id, eventCount: r.eventCount, evaluatedAt: now.UnixNano(), sealedAt: r.sealedAt}, &parked, nil
	}
	e := a.evaluatedRow(r.tenant, r.id, r.eventCount, now, out, r.sealedAt, lease)
	kept.storedNext, kept.nextKnown = e.next, true // what the sweep writes back
	return e, kept, nil
}

// evaluatedRow is what an evaluation at now writes back: the escalations
// fired, recorded at now with the lease given, and the latest firing
// recorded.
func (a *app) evaluatedRow(tenant, id string, count int, now time.Time, out outcome, sealed, lease int64) evaluated {
	e := evaluated{tenant: tenant, id: id, eventCount: count, evaluatedAt: now.UnixNano(), sealedAt: sealed}
	if !out.next.IsZero() {
		if !out.next.After(now) {
			// Next is after now by the library's contract; a row due
			// again at once would make the sweeper spin.
			a.log.Printf("evaluate %s/%s: next %v not after now %v; checked again in %v", tenant, id, out.next, now, a.cfg.ceiling)
			out.next = now.Add(a.cfg.ceiling)
		}
		e.next = out.next.UnixNano()
	}
	for _, f := range out.fired {
		notify, _ := json.Marshal(f.notify)
		at := f.at.UnixNano()
		e.fired = append(e.fired, escalationRow{tenant: tenant, inquiryID: id, obligation: f.obligation, level: f.level,
			firedAt: at, notify: notify, recordedAt: now.UnixNano(), leaseUntil: lease})
		e.sealedAt = max(e.sealedAt, at)
	}
	return e
}

// A result is a write's answer: its status code and body, and what to do
// once its transaction committed.
type result struct {
	code  int
	body  []byte
	after func()
}

// A writeOp is a write queued for the group committer.
type writeOp struct {
	ctx  context.Context
	run  func(ctx context.Context, tx txn) (result, error)
	done chan opDone
}

type opDone struct {
	res result
	err error
}

// clientError makes the result of a request refused: nothing was
// written.
func clientError(code int, err error) result {
	body := map[string]string{"error": err.Error()}
	if f := fieldOf(err); f != "" {
		body["field"] = f
	}
	b, _ := json.Marshal(body)
	return result{code: code, body: b}
}

// fieldOf names the request's field at fault in err: a *fieldError's, or
// the member an *sla.Error's path ends in ("events[3].channel" and
// "inquiry.channel" are a request's "channel"); "" if err names none.
func fieldOf(err error) string {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.field
	}
	var se *sla.Error
	if !errors.As(err, &se) {
		return ""
	}
	p := se.Path
	if strings.HasPrefix(p, "events[") || strings.HasPrefix(p, "inquiry") || strings.HasPrefix(p, "now") {
		i := strings.IndexByte(p, '.')
		if i < 0 {
			return ""
		}
		p = p[i+1:]
	}
	return p
}

// write runs a write in a transaction of its own, or, if the database
// wants it, in one shared with the writes queued with it.
func (a *app) write(ctx context.Context, run func(ctx context.Context, tx txn) (result, error)) (result, error) {
	if a.writes == nil {
		return a.writeAlone(ctx, run)
	}
	op := &writeOp{ctx: ctx, run: run, done: make(chan opDone, 1)}
	select {
	case <-a.stopWrite:
		return result{}, errShuttingDown
	default:
	}
	select {
	case a.writes <- op:
	case <-ctx.Done():
		return result{}, ctx.Err()
	case <-a.stopWrite:
		return result{}, errShuttingDown
	}
	select {
	case d := <-op.done:
		return d.res, d.err
	case <-a.writerDone:
		// The committer ended, having answered op if it took it.
		select {
		case d := <-op.done:
			return d.res, d.err
		default:
			return result{}, errShuttingDown
		}
	}
}

// errShuttingDown answers a write queued as the back end closes.
var errShuttingDown = errors.New("shutting down")

func (a *app) writeAlone(ctx context.Context, run func(ctx context.Context, tx txn) (result, error)) (result, error) {
	tx, err := a.db.begin(ctx)
	if err != nil {
		return result{}, err
	}
	res, err := run(ctx, tx)
	if err != nil || res.code >= 300 {
		tx.rollback()
		return res, err
	}
	if err := tx.commit(); err != nil {
		return result{}, err
	}
	if res.after != nil {
		res.after()
	}
	return res, nil
}

// maxGroup bounds how many writes share a transaction.
const maxGroup = 64

// committer runs the queued writes, as many as are waiting (up to
// maxGroup) in one transaction, so that a commit's cost is shared. A
// write refused by the client's fault writes nothing; if a write fails
// otherwise, the group is rolled back and each write runs alone.
func (a *app) committer() {
	defer close(a.writerDone)
	ctx := context.Background()
	for {
		var group []*writeOp
		select {
		case <-a.stopWrite:
			return // write refuses the writes still queued
		default:
		}
		select {
		case op := <-a.writes:
			group = append(group, op)
		case <-a.stopWrite:
			return // write refuses the writes still queued
		}
	fill:
		for len(group) < maxGroup {
			select {
			case op := <-a.writes:
				group = append(group, op)
			default:
				break fill
			}
		}
		a.runGroup(ctx, group)
	}
}

func (a *app) runGroup(ctx context.Context, group []*writeOp) {
	live := group[:0]
	for _, op := range group {
		if err := op.ctx.Err(); err != nil {
			op.done <- opDone{err: err}
			continue
		}
		live = append(live, op)
	}
	if len(live) == 0 {
		return
	}
	results := make([]result, len(live))
	err := func() error {
		tx, err := a.db.begin(ctx)
		if err != nil {
			return err
		}
		for i, op := range live {
			if results[i], err = op.run(ctx, tx); err != nil {
				tx.rollback()
				return err
			}
		}
		return tx.commit()
	}()
	if err != nil && len(live) > 1 {
		for _, op := range live {
			res, err := a.writeAlone(ctx, op.run)
			op.done <- opDone{res, err}
		}
		return
	}
	for i, op := range live {
		if err == nil && results[i].after != nil {
			results[i].after()
		}
		op.done <- opDone{results[i], err}
	}
}

// requestHash identifies a request's body, so that a retry is told from
// another request under the same key.
func requestHash(body []byte) []byte {
	h := sha256.Sum256(body)
	return h[:]
}

// create stores a new inquiry, evaluated at now. A retry of the same
// request gets the first answer; another request for an existing ID, 409.
func (a *app) create(ctx context.Context, tenant string, body []byte) (result, error) {
	var in inquiryJSON
	if err := decodeStrict(body, &in); err != nil {
		return clientError(http.StatusBadRequest, err), nil
	}
	now := a.clk.Now()
	if in.Received.IsZero() {
		in.Received = now
	}
	if err := in.check(); err != nil {
		return clientError(http.StatusBadRequest, err), nil
	}
	if in.Received.After(now) {
		return clientError(http.StatusBadRequest, &fieldError{"received", fmt.Sprintf("%s is after now (%s)",
			in.Received.Format(time.RFC3339), now.Format(time.RFC3339))}), nil
	}
	doc, err := json.Marshal(in)
	if err != nil {
		return result{}, err
	}
	input, err := decodeLog(doc, nil)
	if err != nil {
		return result{}, err
	}
	a.evaluations.Add(1)
	out, input, err := a.ev.evaluate(input, nil, now, time.Time{})
	if err != nil {
		return clientError(http.StatusBadRequest, err), nil
	}
	answer, err := json.Marshal(out.answer)
	if err != nil {
		return result{}, err
	}
	hash := requestHash(body)
	e := a.evaluatedRow(tenant, in.ID, 0, now, out, 0, now.UnixNano())
	input.storedNext, input.nextKnown = e.next, true // what the write stores
	return a.write(ctx, func(ctx context.Context, tx txn) (result, error) {
		ok, prior, err := tx.insertInquiry(ctx, newInquiry{tenant: tenant, id: in.ID, doc: doc, requestHash: hash, answer: answer}, e)
		if err != nil {
			return result{}, err
		}
		if !ok {
			if bytes.Equal(prior.requestHash, hash) {
				return result{code: http.StatusCreated, body: prior.answer}, nil
			}
			return clientError(http.StatusConflict, fmt.Errorf("inquiry %q exists already", in.ID)), nil
		}
		if len(e.fired) > 0 {
			if _, err := tx.save(ctx, []evaluated{e}); err != nil {
				return result{}, err
			}
		}
		if err := a.notifyDue(ctx, tx, now, e); err != nil {
			return result{}, err
		}
		if err := tx.changed(ctx, tenant); err != nil {
			return result{}, err
		}
		return result{code: http.StatusCreated, body: answer, after: func() { a.cache.put(tenant, in.ID, version{0, e.sealedAt}, input) }}, nil
	})
}

// notifyDue tells the sweepers when the row written is next due, or that
// escalations wait to be delivered now.
func (a *app) notifyDue(ctx context.Context, tx txn, now time.Time, e evaluated) error {
	switch {
	case len(e.fired) > 0:
		return tx.notify(ctx, now.UnixNano())
	case e.next != 0:
		return tx.notify(ctx, e.next)
	}
	return nil
}

// appendEvent appends an event to an inquiry's log under the client's
// idempotency key and evaluates the log at now, all in one transaction.
// A retry under the same key gets the first answer.
//
// The event is evaluated first, beside the other requests, on the log
// the cache holds when it holds one: the write keeps that evaluation if
// the row is still as the cache says (no event appended, no escalation
// recorded since) and the key is new, so that the writer's turn, which
// SQLite's one writer makes the bound of ingest, holds only the writes.
// Otherwise the event is checked and evaluated again under the row's
// lock, on the stored log.
func (a *app) appendEvent(ctx context.Context, tenant, id, key string, body []byte) (result, error) {
	if checkID("id", id) != nil {
		return clientError(http.StatusNotFound, fmt.Errorf("%w %q", errNotFound, id)), nil // no inquiry has it
	}
	var e eventJSON
	if err := decodeStrict(body, &e); err != nil {
		return clientError(http.StatusBadRequest, err), nil
	}
	now := a.clk.Now()
	if e.Time.IsZero() {
		e.Time = now
	}
	if err := checkEvent(&e); err != nil {
		return clientError(http.StatusBadRequest, err), nil
	}
	doc, err := json.Marshal(e)
	if err != nil {
		return result{}, err
	}
	hash := requestHash(body)
	pre := a.preAppend(tenant, id, &e, now)
	return a.write(ctx, func(ctx context.Context, tx txn) (result, error) {
		ap := pre
		if ap != nil {
			ok, err := tx.appendIf(ctx, eventOf(ap, doc, key, hash), ap.ev, ap.from, ap.sameNext)
			if err != nil {
				return result{}, err
			}
			if !ok {
				ap = nil // moved since, or a retry: see under the lock
			}
		}
		if ap == nil {
			row, prior, found, err := tx.lockInquiry(ctx, tenant, id, key)
			if err != nil {
				return result{}, err
			}
			if res, refused := a.refuseAppend(row, prior, found, &e, key, hash, now); refused {
				return res, nil
			}
			input, ok := a.cache.get(tenant, id, row.eventCount)
			if !ok {
				k := logKey{tenant, id}
				docs, err := tx.loadEvents(ctx, []logKey{k})
				if err != nil {
					return result{}, err
				}
				if input, err = decodeLog(row.doc, docs[k]); err != nil {
					return result{}, err
				}
			}
			var refusal result
			if ap, refusal, err = a.evaluateAppend(row, input, &e, now); ap == nil {
				return refusal, err
			}
			if err := tx.insertEvent(ctx, eventOf(ap, doc, key, hash)); err != nil {
				return result{}, err
			}
			if _, err := tx.save(ctx, []evaluated{ap.ev}); err != nil {
				return result{}, err
			}
		}
		if err := a.notifyDue(ctx, tx, now, ap.ev); err != nil {
			return result{}, err
		}
		if err := tx.changed(ctx, tenant); err != nil {
			return result{}, err
		}
		v, input := version{ap.ev.eventCount, ap.ev.sealedAt}, ap.input
		return result{code: http.StatusOK, body: ap.answer, after: func() { a.cache.put(tenant, id, v, input) }}, nil
	})
}

// eventOf is the row of the event evaluated in ap: its document, and
// its idempotency key and request hash with the answer for retries.
func eventOf(ap *appended, doc []byte, key string, hash []byte) newEvent {
	return newEvent{tenant: ap.ev.tenant, id: ap.ev.id, seq: ap.ev.eventCount, doc: doc, key: key, requestHash: hash, answer: ap.answer}
}

// An appended is an event's evaluation on an inquiry's row at a version.
type appended struct {
	from     version
	sameNext bool      // from's next_check, as the input evaluated knew it, is ev.next
	ev       evaluated // the row to write back
	answer   []byte
	input    *logInput // to keep once written
}

// preAppend evaluates the event on the log the cache holds for the
// inquiry, as of the version the cache holds it for; nil if it holds none
// or finds a reason to refuse the event (the write finds it again under
// the lock and answers).
func (a *app) preAppend(tenant, id string, e *eventJSON, now time.Time) *appended {
	v, input, ok := a.cache.latest(tenant, id)
	if !ok {
		return nil
	}
	row := inquiryRow{tenant: tenant, id: id, eventCount: v.eventCount, sealedAt: v.sealedAt}
	if _, refused := a.refuseAppend(row, nil, true, e, "", nil, now); refused {
		return nil
	}
	ap, _, _ := a.evaluateAppend(row, input, e, now)
	return ap
}

// refuseAppend returns the answer to an event that is not to be appended
// to row (read with the event under the request's key, prior, if any):
// a retry's first answer, or why it is refused.
func (a *app) refuseAppend(row inquiryRow, prior *storedAnswer, found bool, e *eventJSON, key string, hash []byte, now time.Time) (result, bool) {
	switch {
	case !found:
		return clientError(http.StatusNotFound, fmt.Errorf("%w %q", errNotFound, row.id)), true
	case prior != nil && bytes.Equal(prior.requestHash, hash):
		return result{code: http.StatusOK, body: prior.answer}, true
	case prior != nil:
		return clientError(http.StatusUnprocessableEntity, fmt.Errorf("Idempotency-Key %q was used for another request to this inquiry", key)), true
	case row.eventCount >= a.cfg.maxEvents:
		return clientError(http.StatusUnprocessableEntity, fmt.Errorf("the log of %q holds %d events, its maximum", row.id, row.eventCount)), true
	case e.Time.After(now.Add(a.cfg.ahead)):
		return clientError(http.StatusUnprocessableEntity, &fieldError{"time", fmt.Sprintf("%s is more than %v after now (%s)",
			e.Time.Format(time.RFC3339), a.cfg.ahead, now.Format(time.RFC3339))}), true
	case e.Time.Before(now.Add(-a.cfg.backdate)):
		return clientError(http.StatusUnprocessableEntity, &fieldError{"time", fmt.Sprintf("%s is more than %v before now (%s)",
			e.Time.Format(time.RFC3339), a.cfg.backdate, now.Format(time.RFC3339))}), true
	case row.sealedAt != 0 && e.Time.UnixNano() <= row.sealedAt:
		sealed := time.Unix(0, row.sealedAt).In(a.loc).Format(time.RFC3339Nano)
		if e.Time.Equal(now) {
			// Dated now, as an event without a time is: the sweep
			// recorded an escalation at this very instant (on a manual
			// clock), or after the request read the clock.
			return clientError(http.StatusConflict, &fieldError{"time", fmt.Sprintf("the event is dated now (%s, as one without a time is), not after %s, when an escalation recorded for %q fired; post it again once the clock has passed that instant",
				e.Time.Format(time.RFC3339Nano), sealed, row.id)}), true
		}
		return clientError(http.StatusConflict, &fieldError{"time", fmt.Sprintf("%s is not after %s, when an escalation recorded for %q fired; an event dated then could rewrite what was recorded",
			e.Time.Format(time.RFC3339), sealed, row.id)}), true
	}
	return result{}, false
}

// evaluateAppend evaluates input, the log of row, with e appended at now:
// nil and the answer if the event is refused.
func (a *app) evaluateAppend(row inquiryRow, input *logInput, e *eventJSON, now time.Time) (*appended, result, error) {
	a.evaluations.Add(1)
	out, next, err := a.ev.evaluate(input, e, now, time.Unix(0, row.sealedAt))
	if err != nil {
		return nil, clientError(http.StatusBadRequest, err), nil
	}
	answer, err := json.Marshal(out.answer)
	if err != nil {
		return nil, result{}, err
	}
	ev := a.evaluatedRow(row.tenant, row.id, row.eventCount+1, now, out, row.sealedAt, now.UnixNano())
	next.storedNext, next.nextKnown = ev.next, true // what the write stores
	return &appended{from: version{row.eventCount, row.sealedAt}, sameNext: input.nextKnown && input.storedNext == ev.next,
		ev: ev, answer: answer, input: next}, result{}, nil
}

// status evaluates an inquiry at the clock's time. A read does not
// write: the stored next_check changes only with events and sweeps.
func (a *app) status(ctx context.Context, tenant, id string) (statusJSON, error) {
	in, err := a.input(ctx, tenant, id)
	if err != nil {
		return statusJSON{}, err
	}
	a.evaluations.Add(1)
	return a.ev.status(in, a.clk.Now())
}

// input returns an inquiry's decoded log, from the cache when it holds
// the stored event count.
func (a *app) input(ctx context.Context, tenant, id string) (*logInput, error) {
	if checkID("id", id) != nil {
		return nil, fmt.Errorf("%w %q", errNotFound, id) // no inquiry has it; PostgreSQL's text cannot hold a NUL
	}
	var cached *logInput
	row, docs, err := a.db.readLog(ctx, tenant, id, func(count int) bool {
		var ok bool
		cached, ok = a.cache.get(tenant, id, count)
		return !ok
	})
	if err != nil {
		return nil, err
	}
	if cached != nil {
		return cached, nil
	}
	in, err := decodeLog(row.doc, docs)
	if err != nil {
		return nil, err
	}
	a.cache.put(tenant, id, version{row.eventCount, row.sealedAt}, in)
	return in, nil
}

// errTooMany means a tenant has more inquiries than the board reads.
var errTooMany = errors.New("too many inquiries")

// tenantStatuses evaluates every inquiry of a tenant at now, in ID
// order: at most cfg.boardMax of them (errTooMany beyond).
func (a *app) tenantStatuses(ctx context.Context, tenant string, now time.Time) ([]sla.Status, error) {
	cached := map[string]*logInput{}
	rows, docs, more, err := a.db.readTenant(ctx, tenant, a.cfg.boardMax, func(id string, count int) bool {
		in, ok := a.cache.get(tenant, id, count)
		if ok {
			cached[id] = in
		}
		return !ok
	})
	if err != nil {
		return nil, err
	}
	if more {
		return nil, fmt.Errorf("%w: the board reads at most %d inquiries of a tenant (-board-max)", errTooMany, a.cfg.boardMax)
	}
	out := make([]sla.Status, 0, len(rows))
	for _, r := range rows {
		in := cached[r.id]
		if in == nil {
			if in, err = decodeLog(r.doc, docs[r.id]); err != nil {
				return nil, fmt.Errorf("%s/%s: %w", tenant, r.id, err)
			}
			a.cache.put(tenant, r.id, version{r.eventCount, r.sealedAt}, in)
		}
		a.evaluations.Add(1)
		st, err := a.ev.statusAt(in, now)
		if err != nil {
			return nil, fmt.Errorf("%s/%s: %w", tenant, r.id, err)
		}
		out = append(out, st)
	}
	return out, nil
}
