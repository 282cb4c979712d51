// Crm is a small CRM back end built on package sla: an HTTP JSON API to
// create inquiries and post their events, storage in SQLite (a pure-Go
// driver, no cgo) or PostgreSQL (pgx), and the library's monitor sweeping
// only the inquiries whose next_check has passed, recording each
// escalation exactly once, across restarts and crashes, with any number
// of workers on PostgreSQL. See README.md.
//
// Without -listen (and in the default role) it runs a short scripted demo
// against a temporary database, on a manual clock, and exits:
//
//	go run .
//
// With -listen it serves until interrupted, on the system clock, to the
// holders of the tokens in the -tokens file ("TENANT TOKEN" lines):
//
//	echo "acme $(head -c 24 /dev/urandom | base64)" > tokens.txt
//	go run . -listen localhost:8080 -db crm.db -tokens tokens.txt
//	T=$(cut -d' ' -f2 tokens.txt)
//	curl -H "Authorization: Bearer $T" -H 'Content-Type: application/json' \
//	     -d '{"id":"lead-1","channel":"email","party":"prospect"}' localhost:8080/inquiries
//	curl -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -H 'Idempotency-Key: 1' \
//	     -d '{"type":"reply","channel":"email","actor":"ann"}' localhost:8080/inquiries/lead-1/events
//	curl -H "Authorization: Bearer $T" localhost:8080/escalations
//
// With -db postgres://... it runs on PostgreSQL, where -role api serves
// the API without sweeping and -role worker sweeps without serving, so
// that any number of workers share one database.
//
// For tests and demos only, -clock manual:TIME (TIME in RFC 3339) serves on
// a manual clock that stands at TIME and moves only when told to through
// POST /admin/clock (admin tokens only), an endpoint that exists only then:
//
//	go run . -listen 127.0.0.1:8080 -db crm.db -tokens tokens.txt -clock manual:2026-11-23T09:00:00-05:00
//
// A move runs the sweeper synchronously, so when the answer arrives every
// escalation that fell due on the way is recorded. The kill-and-restart
// tests use it to drive the real binary.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // zones must not depend on the host's zone database

	"github.com/replyby/replyby/clock"
	"github.com/replyby/replyby/sla"
)

//go:embed policies.json
var embeddedPolicies []byte

// options are the command line's.
type options struct {
	listen, db, tokens, role string
	manual                   *clock.Manual
	cfg                      config
}

func main() {
	var o options
	flag.StringVar(&o.listen, "listen", "", "`address` to serve on; without it, run the demo and exit (or, as a worker, sweep without serving)")
	flag.StringVar(&o.db, "db", "crm.db", "SQLite database `file`, or a postgres:// URL")
	flag.StringVar(&o.tokens, "tokens", "", "`file` of API tokens, one \"TENANT TOKEN\" a line; replaces the tokens in the database (stored as SHA-256)")
	flag.StringVar(&o.role, "role", "all", "`role`: all (serve and sweep), api (serve only) or worker (sweep only); api and worker need PostgreSQL")
	policies := flag.String("policies", "", "policy JSON `file` instead of the embedded one")
	clockSpec := flag.String("clock", "system", "`system`, or manual:RFC3339 for a manual clock moved by POST /admin/clock (tests and demos only)")
	flag.IntVar(&o.cfg.maxEvents, "max-events", 10000, "the most events a log may hold")
	flag.DurationVar(&o.cfg.backdate, "backdate", 24*time.Hour, "how far before now an event may be dated")
	flag.DurationVar(&o.cfg.ahead, "ahead", 24*time.Hour, "how far after now an event may be dated")
	flag.DurationVar(&o.cfg.lease, "lease", time.Minute, "how long an escalation handed out waits to be marked delivered before it is handed out again")
	flag.IntVar(&o.cfg.batch, "batch", 500, "how many due inquiries a sweep claims at a time")
	flag.DurationVar(&o.cfg.ceiling, "ceiling", time.Minute, "the longest a sweeper sleeps without looking at the database")
	flag.StringVar(&o.cfg.sync, "sync", syncFull, "SQLite's durability: `full` (an acknowledged write survives a power loss) or normal (it survives the process's crash; faster)")
	flag.DurationVar(&o.cfg.sweepPause, "sweep-pause", 0, "pause after claiming a batch (fault tests only)")
	flag.Parse()

	doc := embeddedPolicies
	if *policies != "" {
		var err error
		if doc, err = os.ReadFile(*policies); err != nil {
			log.Fatal(err)
		}
	}
	ps, err := sla.ParsePolicies(doc)
	if err != nil {
		log.Fatal(err)
	}
	if o.listen == "" && o.role == "all" {
		if err := demo(os.Stdout, ps); err != nil {
			log.Fatal(err)
		}
		return
	}
	if o.manual, err = parseClock(*clockSpec); err != nil {
		log.Fatal(err)
	}
	if err := serve(o, ps); err != nil {
		log.Fatal(err)
	}
}

// parseClock reads -clock: nil for "system" (production), or a manual
// clock for "manual:RFC3339".
func parseClock(spec string) (*clock.Manual, error) {
	if spec == "system" || spec == "" {
		return nil, nil
	}
	at, ok := strings.CutPrefix(spec, "manual:")
	if !ok {
		return nil, fmt.Errorf("-clock %q: want system or manual:RFC3339", spec)
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return nil, fmt.Errorf("-clock %q: %w", spec, err)
	}
	if err := checkInstant("clock", t); err != nil {
		return nil, fmt.Errorf("-clock %q: %w", spec, err)
	}
	return clock.NewManual(t), nil
}

// writerSlot gives Go's scheduler one slot (GOMAXPROCS) more than it
// has, for a SQLite back end and unless the GOMAXPROCS environment
// variable sets it, and returns what undoes it. The variable sets it as
// the runtime reads it: a decimal number above zero that fits 32 bits
// ("abc", "0" or "-1" leave the runtime's default, and so do not stop
// writerSlot).
//
// SQLite's one writer spends about two thirds of its turn in system
// calls (writing the log and waiting for its fsync), and a goroutine in
// a system call keeps its slot until the runtime's monitor hands it on
// (golang/go#29734): the handlers the writer has just answered then
// wait for the other slot. On 2 cores, with a slot more, they were
// woken ≈ 20 % sooner, and ingest with lean clients measured
// 5,520–6,140 events/s against 4,960–5,410 in turns (README, "Speed");
// with Go's HTTP client as the clients, and the sweep, the same.
func writerSlot(db string) (undo func()) {
	if isPostgres(db) || envSetsProcs(os.Getenv("GOMAXPROCS")) {
		return func() {}
	}
	n := runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(n + 1) // which stops the runtime's own updates of it
	return runtime.SetDefaultGOMAXPROCS
}

// envSetsProcs reports whether the runtime takes v, the GOMAXPROCS
// environment variable, as its GOMAXPROCS (runtime/proc.go, schedinit).
func envSetsProcs(v string) bool {
	n, err := strconv.ParseInt(v, 10, 32)
	return err == nil && n > 0
}

// isPostgres reports whether -db names a PostgreSQL database.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openBackend opens the database -db names and applies its migrations;
// sync is -sync's value ("" for full).
func openBackend(ctx context.Context, db, sync string) (backend, error) {
	sync, err := checkSync(db, sync)
	if err != nil {
		return nil, err
	}
	if isPostgres(db) {
		return openPostgres(ctx, db)
	}
	return openSQLite(db, sync)
}

// serve runs the role until SIGINT or SIGTERM.
func serve(o options, ps *sla.PolicySet) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := log.New(os.Stderr, "crm: ", log.LstdFlags|log.Lmicroseconds)
	switch o.role {
	case "all":
	case "api", "worker":
		if !isPostgres(o.db) {
			return fmt.Errorf("-role %s: needs PostgreSQL (-db postgres://...); on SQLite one process serves and sweeps", o.role)
		}
	default:
		return fmt.Errorf("-role %q: want all, api or worker", o.role)
	}
	defer writerSlot(o.db)()
	db, err := openBackend(ctx, o.db, o.cfg.sync)
	if err != nil {
		return err
	}
	if o.tokens != "" {
		tokens, err := readTokens(o.tokens)
		if err == nil {
			err = db.setTokens(ctx, tokens)
		}
		if err != nil {
			db.close()
			return err
		}
		logger.Printf("%d tokens from %s", len(tokens), o.tokens)
	}
	var clk clock.Clock = clock.System()
	if o.manual != nil {
		clk = o.manual
	}
	a, err := newApp(db, o.cfg, ps, clk, time.Local, logger, o.role != "api")
	if err != nil {
		db.close()
		return err
	}
	defer a.close()
	if o.manual != nil {
		// On a manual clock the sweep newApp schedules for now fires
		// only when the clock moves: move it by nothing, so that what
		// fell due while nothing ran is recorded before serving, as it
		// is on the system clock.
		o.manual.Advance(0)
		logger.Printf("manual clock at %s, moved by POST /admin/clock: for tests and demos only", o.manual.Now().Format(time.RFC3339))
	}
	if o.role == "worker" && o.listen == "" {
		logger.Printf("worker sweeping %s", redact(o.db))
		<-ctx.Done()
		return nil
	}
	var handler http.Handler
	if o.role == "worker" {
		handler = a.authenticate(jsonErrors(clockOnly(o.manual, a.cfg.ceiling)))
	} else {
		handler = a.handler(o.manual)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	srv := a.server(handler)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Printf("serving on http://%s as %s, database %s", ln.Addr(), o.role, redact(o.db))
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// clockOnly is a worker's mux: /admin/clock alone, with a manual clock.
func clockOnly(manual *clock.Manual, ceiling time.Duration) *http.ServeMux {
	mux := http.NewServeMux()
	if manual != nil {
		mux.Handle("/admin/clock", adminOnly(clockHandler(manual, ceiling)))
	}
	return mux
}

// redact hides a URL's password in the log.
func redact(db string) string {
	if i := strings.Index(db, "://"); i >= 0 {
		if at := strings.LastIndex(db, "@"); at > i {
			if colon := strings.Index(db[i+3:at], ":"); colon >= 0 {
				return db[:i+3+colon] + ":***" + db[at:]
			}
		}
	}
	return db
}

// server returns an HTTP server of handler with the app's timeouts: a
// client that sends its headers, its body or its next request too slowly
// is cut off.
func (a *app) server(handler http.Handler) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: a.cfg.readHeaderTimeout,
		ReadTimeout:       a.cfg.readTimeout,
		WriteTimeout:      a.cfg.writeTimeout,
		IdleTimeout:       a.cfg.idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes - 4<<10, // net/http reads 4 kB more before it answers 431
	}
}

// maxCeilings bounds the ceilings a move of the manual clock spans: at
// one sweep a ceiling, ≈ 14 s of sweeps of an empty database on this
// project's machine, within the write timeout (69 days with the default
// ceiling of a minute).
const maxCeilings = 100_000

// checkMove refuses a move of d that spans more than maxCeilings of
// ceiling (0: no bound), naming field.
func checkMove(field string, d, ceiling time.Duration) error {
	if ceiling <= 0 || ceiling > math.MaxInt64/maxCeilings || d <= maxCeilings*ceiling {
		return nil // no bound, one past every instant the API takes, or within it
	}
	return &fieldError{field, fmt.Sprintf("a move of %v spans more than %d ceilings of %v, each a sweep: move at most %v at a time, or serve with a longer -ceiling",
		d, maxCeilings, ceiling, maxCeilings*ceiling)}
}

// maxHeaderBytes bounds a request's line and headers.
const maxHeaderBytes = 32 << 10

// clockJSON is the body of POST /admin/clock: one of advance (a Go
// duration, "2h30m") or set (an RFC 3339 time, not before now). The answer
// has now alone.
type clockJSON struct {
	Advance string    `json:"advance,omitempty"`
	Set     time.Time `json:"set,omitzero"`
	Now     time.Time `json:"now,omitzero"`
}

// clockHandler serves GET and POST /admin/clock on a manual clock. It is
// registered only with -clock manual:..., never on the system clock. A move
// fires the sweeper's timers in the request, so the answer comes after
// every escalation due on the way is recorded. The clock never leaves the
// instants the API accepts. With a ceiling (the sweeper's, 0 for none)
// a move spans at most maxCeilings of it: the sweeper looks at the
// database at least once a ceiling on the way, so a move's cost grows
// with its length over the ceiling.
func clockHandler(m *clock.Manual, ceiling time.Duration) http.Handler {
	var mu sync.Mutex // one move at a time, so that the check against now holds
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, clockJSON{Now: m.Now()}) // an instant the API accepts: written
	})
	mux.HandleFunc("POST /admin/clock", func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		var in clockJSON
		if err := decodeStrict(body, &in); err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		now := m.Now()
		switch {
		case in.Advance != "" && in.Set.IsZero() && in.Now.IsZero():
			d, err := time.ParseDuration(in.Advance)
			if err != nil || d < 0 || d > maxInstant.Sub(now) {
				writeError(w, http.StatusBadRequest, &fieldError{"advance", fmt.Sprintf("%q: want a duration from 0 to %v", in.Advance, maxInstant.Sub(now))})
				return
			}
			if err := checkMove("advance", d, ceiling); err != nil {
				writeError(w, http.StatusBadRequest, err)
				return
			}
			m.Advance(d)
		case in.Advance == "" && !in.Set.IsZero() && in.Now.IsZero():
			if in.Set.Before(now) {
				writeError(w, http.StatusBadRequest, &fieldError{"set", fmt.Sprintf("%s is before now %s; the clock never goes back", in.Set.Format(time.RFC3339), now.Format(time.RFC3339))})
				return
			}
			if err := checkInstant("set", in.Set); err != nil {
				writeError(w, http.StatusBadRequest, err)
				return
			}
			if err := checkMove("set", in.Set.Sub(now), ceiling); err != nil {
				writeError(w, http.StatusBadRequest, err)
				return
			}
			m.Set(in.Set)
		default:
			writeError(w, http.StatusBadRequest, errors.New(`want one of "advance" or "set"`))
			return
		}
		writeJSON(w, http.StatusOK, clockJSON{Now: m.Now()}) // an instant the API accepts: written
	})
	return jsonErrors(mux)
}

// nyc is the zone of the demo's desk.
var nyc = func() *time.Location {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		panic(err)
	}
	return loc
}()

// A server is an app listening on a local port.
type server struct {
	app *app
	srv *http.Server
	url string
}

// start opens the database (a SQLite file or a postgres:// URL) and serves
// the API on a free local port, serving and sweeping.
func start(db string, cfg config, ps *sla.PolicySet, clk clock.Clock, logger *log.Logger) (*server, error) {
	b, err := openBackend(context.Background(), db, cfg.sync)
	if err != nil {
		return nil, err
	}
	a, err := newApp(b, cfg, ps, clk, nyc, logger, true)
	if err != nil {
		b.close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.close()
		return nil, err
	}
	manual, _ := clk.(*clock.Manual)
	s := &server{app: a, srv: a.server(a.handler(manual)), url: "http://" + ln.Addr().String()}
	go s.srv.Serve(ln)
	return s, nil
}

// kill stops the server abruptly: open connections are cut and the
// database is closed with nothing flushed beyond what was committed.
func (s *server) kill() {
	s.srv.Close()
	s.app.close()
}

// newToken returns a random token.
func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// hashTokens returns the tokens table of tenant: token pairs.
func hashTokens(tokens map[string]string) map[string]string {
	out := map[string]string{}
	for tenant, token := range tokens {
		h := sha256.Sum256([]byte(token))
		out[string(h[:])] = tenant
	}
	return out
}

// demo runs a day and a half of a desk against a temporary database on a
// manual clock, with a crash in the middle, and prints the escalations
// recorded.
func demo(w io.Writer, ps *sla.PolicySet) error {
	dir, err := os.MkdirTemp("", "crm-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := dir + "/crm.db"
	logger := log.New(w, "  log: ", 0)
	clk := clock.NewManual(time.Date(2026, 11, 23, 9, 0, 0, 0, nyc)) // a Monday

	s, err := start(path, config{}, ps, clk, logger)
	if err != nil {
		return err
	}
	token := newToken()
	if err := s.app.db.setTokens(context.Background(), hashTokens(map[string]string{"demo": token})); err != nil {
		return err
	}
	c := &client{base: s.url, token: token}
	fmt.Fprintf(w, "Mon 09:00  two inquiries arrive; a prospect's e-mail and a customer's complaint\n")
	c.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect, Kind: sla.Question})
	c.post("/inquiries", inquiryJSON{ID: "case-1", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone}, Party: sla.Customer, Kind: sla.Complaint})
	clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, nyc))
	fmt.Fprintf(w, "Mon 09:30  bob takes the complaint, phones, and promises an answer by Tuesday noon\n")
	c.event("case-1", eventJSON{Type: sla.Assign, Owner: "bob"})
	c.event("case-1", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "bob"})
	c.event("case-1", eventJSON{Type: sla.Promise, Due: time.Date(2026, 11, 24, 12, 0, 0, 0, nyc), Actor: "bob"})
	clk.Set(time.Date(2026, 11, 23, 12, 30, 0, 0, nyc))
	fmt.Fprintf(w, "Mon 12:30  the sweeper has run at each next_check; escalations so far: %d\n", len(c.escalations()))
	if c.err != nil {
		return c.err
	}

	fmt.Fprintf(w, "Mon 12:30  the server crashes and stays down until Tuesday 14:00\n")
	s.kill()
	clk.Set(time.Date(2026, 11, 24, 14, 0, 0, 0, nyc))
	if s, err = start(path, config{}, ps, clk, logger); err != nil {
		return err
	}
	defer s.kill()
	clk.Advance(0) // the restarted sweeper's first run
	c = &client{base: s.url, token: token}
	clk.Set(time.Date(2026, 11, 24, 17, 0, 0, 0, nyc))
	list := c.escalations()
	if c.err != nil {
		return c.err
	}
	fmt.Fprintf(w, "Tue 17:00  after the restart, every escalation is recorded once, including those due while it was down:\n\n")
	fmt.Fprintf(w, "  %-7s %-15s %-8s %-16s %-16s %s\n", "INQUIRY", "OBLIGATION", "LEVEL", "FIRED", "RECORDED", "NOTIFY")
	for _, e := range list {
		fmt.Fprintf(w, "  %-7s %-15s %-8s %-16s %-16s %v\n", e.Inquiry, e.Obligation, e.Level,
			e.FiredAt.Format("Mon 02 Jan 15:04"), e.RecordedAt.Format("Mon 02 Jan 15:04"), e.Notify)
	}
	fmt.Fprintf(w, "\nServe for real: cd examples/crm && go run . -listen localhost:8080 -db crm.db -tokens tokens.txt (see README.md)\n")
	return nil
}
