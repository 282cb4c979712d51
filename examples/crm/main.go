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
	if err := serve(*listen, *dbPath, ps); err != nil {
		log.Fatal(err)
	}
}

// serve runs the API on the system clock until SIGINT or SIGTERM.
func serve(addr, dbPath string, ps *sla.PolicySet) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := log.New(os.Stderr, "crm: ", log.LstdFlags)
	a, err := newApp(dbPath, ps, clock.System(), time.Local, logger)
	if err != nil {
		return err
	}
	defer a.close()
	srv := &http.Server{Addr: addr, Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	logger.Printf("serving on %s, database %s", addr, dbPath)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
	fmt.Fprintf(w, "  %-7s %-11s %-8s %-16s %-16s %s\n", "INQUIRY", "OBLIGATION", "LEVEL", "FIRED", "RECORDED", "NOTIFY")
	for _, e := range list {
		fmt.Fprintf(w, "  %-7s %-11s %-8s %-16s %-16s %v\n", e.Inquiry, e.Obligation, e.Level,
			e.FiredAt.Format("Mon 02 Jan 15:04"), e.RecordedAt.Format("Mon 02 Jan 15:04"), e.Notify)
	}
	fmt.Fprintf(w, "\nServe for real: cd examples/crm && go run . -listen localhost:8080 -db crm.db\n")
	return nil
}
