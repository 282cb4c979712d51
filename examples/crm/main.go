// Crm is a small CRM back end built on package sla: an HTTP JSON API to
// create inquiries and post their events, storage in SQLite (a pure-Go
// driver, no cgo), and a sweeper that re-evaluates only the inquiries whose
// next_check has passed and records each escalation exactly once, across
// restarts and crashes. See README.md.
//
// Without -listen it runs a short scripted demo against a temporary
// database, on a manual clock, and exits:
//
//	go run .
//
// With -listen it serves until interrupted, on the system clock:
//
//	go run . -listen localhost:8080 -db crm.db
//	curl -d '{"id":"lead-1","channel":"email","party":"prospect"}' localhost:8080/inquiries
//	curl -d '{"type":"reply","channel":"email","actor":"ann"}' localhost:8080/inquiries/lead-1/events
//	curl localhost:8080/escalations
//
// For tests and demos only, -clock manual:TIME (TIME in RFC 3339) serves on
// a manual clock that stands at TIME and moves only when told to through
// POST /admin/clock, an endpoint that exists only then:
//
//	go run . -listen 127.0.0.1:8080 -db crm.db -clock manual:2026-11-23T09:00:00-05:00
//	curl -d '{"advance":"2h"}' 127.0.0.1:8080/admin/clock
//	curl -d '{"set":"2026-11-24T14:00:00-05:00"}' 127.0.0.1:8080/admin/clock
//
// A move runs the sweeper synchronously, so when the answer arrives every
// escalation that fell due on the way is recorded. The kill-and-restart test
// (TestKillAndRestartProcess) uses it to drive the real binary.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
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

func main() {
	listen := flag.String("listen", "", "`address` to serve on; without it, run the demo and exit")
	dbPath := flag.String("db", "crm.db", "SQLite database `file` (with -listen)")
	policies := flag.String("policies", "", "policy JSON `file` instead of the embedded one")
	clockSpec := flag.String("clock", "system", "with -listen: `system`, or manual:RFC3339 for a manual clock moved by POST /admin/clock (tests and demos only)")
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
	if *listen == "" {
		if err := demo(os.Stdout, ps); err != nil {
			log.Fatal(err)
		}
		return
	}
	manual, err := parseClock(*clockSpec)
	if err != nil {
		log.Fatal(err)
	}
	if err := serve(*listen, *dbPath, ps, manual); err != nil {
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
	return clock.NewManual(t), nil
}

// serve runs the API until SIGINT or SIGTERM, on the system clock, or on
// manual if it is not nil (tests and demos only; see clockHandler).
func serve(addr, dbPath string, ps *sla.PolicySet, manual *clock.Manual) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := log.New(os.Stderr, "crm: ", log.LstdFlags)
	var clk clock.Clock = clock.System()
	if manual != nil {
		clk = manual
	}
	a, err := newApp(dbPath, ps, clk, time.Local, logger)
	if err != nil {
		return err
	}
	defer a.close()
	handler := a.handler()
	if manual != nil {
		// On a manual clock the sweep newApp schedules for now fires
		// only when the clock moves: move it by nothing, so that what
		// fell due while nothing ran is recorded before serving, as it
		// is on the system clock.
		manual.Advance(0)
		mux := http.NewServeMux()
		mux.Handle("/", handler)
		mux.Handle("/admin/clock", clockHandler(manual))
		handler = mux
		logger.Printf("manual clock at %s, moved by POST /admin/clock: for tests and demos only", manual.Now().Format(time.RFC3339))
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Printf("serving on http://%s, database %s", ln.Addr(), dbPath)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

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
// every escalation due on the way is recorded.
func clockHandler(m *clock.Manual) http.Handler {
	var mu sync.Mutex // one move at a time, so that the check against now holds
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, clockJSON{Now: m.Now()})
	})
	mux.HandleFunc("POST /admin/clock", func(w http.ResponseWriter, r *http.Request) {
		var in clockJSON
		if !decode(w, r, &in) {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case in.Advance != "" && in.Set.IsZero():
			d, err := time.ParseDuration(in.Advance)
			if err != nil || d < 0 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("advance %q: want a duration not below 0", in.Advance)})
				return
			}
			m.Advance(d)
		case in.Advance == "" && !in.Set.IsZero():
			if now := m.Now(); in.Set.Before(now) {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": fmt.Sprintf("set %s: before now %s; the clock never goes back", in.Set.Format(time.RFC3339), now.Format(time.RFC3339))})
				return
			}
			m.Set(in.Set)
		default:
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": `want one of "advance" or "set"`})
			return
		}
		writeJSON(w, http.StatusOK, clockJSON{Now: m.Now()})
	})
	return mux
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

// start opens the database at path and serves the API on a free local port.
func start(path string, ps *sla.PolicySet, clk clock.Clock, logger *log.Logger) (*server, error) {
	a, err := newApp(path, ps, clk, nyc, logger)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.close()
		return nil, err
	}
	s := &server{app: a, srv: &http.Server{Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second}, url: "http://" + ln.Addr().String()}
	go s.srv.Serve(ln)
	return s, nil
}

// kill stops the server abruptly: open connections are cut and the
// database is closed with nothing flushed beyond what was committed.
func (s *server) kill() {
	s.srv.Close()
	s.app.close()
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

	s, err := start(path, ps, clk, logger)
	if err != nil {
		return err
	}
	c := client{base: s.url}
	fmt.Fprintf(w, "Mon 09:00  two inquiries arrive; a prospect's e-mail and a customer's complaint\n")
	c.post("/inquiries", inquiryJSON{ID: "lead-1", Channel: sla.Email, Party: sla.Prospect, Kind: sla.Question})
	c.post("/inquiries", inquiryJSON{ID: "case-1", Channel: sla.Email, ReplyTo: []sla.Channel{sla.Email, sla.Phone}, Party: sla.Customer, Kind: sla.Complaint})
	clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, nyc))
	fmt.Fprintf(w, "Mon 09:30  bob takes the complaint, phones, and promises an answer by Tuesday noon\n")
	c.post("/inquiries/case-1/events", eventJSON{Type: sla.Assign, Owner: "bob"})
	c.post("/inquiries/case-1/events", eventJSON{Type: sla.Reply, Channel: sla.Phone, Actor: "bob"})
	c.post("/inquiries/case-1/events", eventJSON{Type: sla.Promise, Due: time.Date(2026, 11, 24, 12, 0, 0, 0, nyc), Actor: "bob"})
	clk.Set(time.Date(2026, 11, 23, 12, 30, 0, 0, nyc))
	fmt.Fprintf(w, "Mon 12:30  the sweeper has run at each next_check; escalations so far: %d\n", len(c.escalations()))
	if c.err != nil {
		return c.err
	}

	fmt.Fprintf(w, "Mon 12:30  the server crashes and stays down until Tuesday 14:00\n")
	s.kill()
	clk.Set(time.Date(2026, 11, 24, 14, 0, 0, 0, nyc))
	if s, err = start(path, ps, clk, logger); err != nil {
		return err
	}
	defer s.kill()
	clk.Advance(0) // the restarted sweeper's first run
	c = client{base: s.url}
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
	fmt.Fprintf(w, "\nServe for real: cd examples/crm && go run . -listen localhost:8080 -db crm.db\n")
	return nil
}
