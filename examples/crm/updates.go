package main

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// The board refreshes when what a tenant's inquiries say changes: a write
// (an inquiry created, an event appended, a call recorded) or a sweep
// that evaluated the tenant's due inquiries — those whose status changed
// because a due time or an escalation level passed. Every such
// transaction tells the database's change channel (backend.watchChanges:
// in-process on SQLite, LISTEN/NOTIFY on PostgreSQL, so that an API
// process hears its workers' sweeps), and a hub fans each change out to
// the tenant's open update streams (GET /updates, Server-Sent Events).
// The page's script reloads on an event.

// Limits of the update streams.
const (
	// maxStreams bounds the update streams a process holds open, and
	// maxTenantStreams those of one tenant, so that one tenant's
	// sessions cannot take every stream from the others.
	maxStreams       = 1000
	maxTenantStreams = 100
	// streamLife is how long a stream stays open before the server ends
	// it; the browser's EventSource reconnects (after streamRetry).
	streamLife = 10 * time.Minute
	// streamBeat is how often an idle stream gets a comment line, so
	// that a dead client is noticed and proxies keep it.
	streamBeat = 25 * time.Second
	// streamRetry is the reconnection delay the browser is told.
	streamRetry = 2 * time.Second
)

// A hub fans changes out to the update streams of each tenant.
type hub struct {
	watch func(changed func(tenant string)) (stop func())

	mu      sync.Mutex
	started bool
	stop    func()
	closed  bool
	subs    map[string]map[chan struct{}]bool // tenant: its streams' signals
	n       int
	counts  map[string]uint64 // tenant: its changes heard (while watching)
	all     uint64            // changes heard for every tenant ("")
	boot    string            // names this hub: counts of two hubs (two processes, a restart) do not compare
	done    chan struct{}     // closed by close
}

func newHub(watch func(changed func(tenant string)) (stop func())) *hub {
	return &hub{watch: watch, subs: map[string]map[chan struct{}]bool{}, counts: map[string]uint64{}, boot: rand.Text()[:8], done: make(chan struct{})}
}

// changes names how many changes of the tenant the hub has heard, as
// "hub:count", so that a page made before a change and a stream opened
// after it can tell that the page is behind (same hub, higher count).
// Counts of two hubs do not compare: behind a balancer a page and its
// stream may come from two API processes, and a page then never reloads
// for a count alone. Asking starts the hub watching the database, if it
// was not yet, so that changes after the first page are counted.
func (h *hub) changes(tenant string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.watchLocked()
	return h.boot + ":" + strconv.FormatUint(h.counts[tenant]+h.all, 10)
}

// watchLocked starts watching the database, once, unless the hub is
// closed; h.mu must be held. It waits for the board's first page or
// stream, so that a process that serves no board (a worker) watches
// nothing.
func (h *hub) watchLocked() {
	if !h.started && !h.closed {
		h.started = true
		h.stop = h.watch(h.publish)
	}
}

// subscribe returns a signal that receives (coalesced) when the tenant
// changes, and its cancel; false when the process holds maxStreams, or
// the tenant maxTenantStreams, or it is closing. It starts watching the
// database if the hub was not yet (watchLocked).
func (h *hub) subscribe(tenant string) (<-chan struct{}, func(), bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || h.n >= maxStreams || len(h.subs[tenant]) >= maxTenantStreams {
		return nil, nil, false
	}
	h.watchLocked()
	c := make(chan struct{}, 1)
	if h.subs[tenant] == nil {
		h.subs[tenant] = map[chan struct{}]bool{}
	}
	h.subs[tenant][c] = true
	h.n++
	return c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.subs[tenant][c] {
			delete(h.subs[tenant], c)
			h.n--
			if len(h.subs[tenant]) == 0 {
				delete(h.subs, tenant)
			}
		}
	}, true
}

// publish signals the tenant's streams, or every stream for "" (the
// database may have missed changes).
func (h *hub) publish(tenant string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	signal := func(subs map[chan struct{}]bool) {
		for c := range subs {
			select {
			case c <- struct{}{}:
			default: // one pending signal is enough
			}
		}
	}
	if tenant == "" {
		h.all++
		for _, subs := range h.subs {
			signal(subs)
		}
		return
	}
	h.counts[tenant]++
	signal(h.subs[tenant])
}

// close ends every stream and stops watching.
func (h *hub) close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.done)
	stop := h.stop
	h.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// serveUpdates serves GET /updates, the session tenant's update stream:
// an event "changed" each time the tenant's inquiries change (changes
// that come together make one event), a comment every streamBeat, and
// the end after streamLife, when the browser reconnects.
func (a *app) serveUpdates(w http.ResponseWriter, r *http.Request) {
	signal, cancel, ok := a.hub.subscribe(tenantOf(r))
	if !ok {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "too many update streams", http.StatusServiceUnavailable)
		return
	}
	defer cancel()
	rc := http.NewResponseController(w)
	// The server's write timeout would cut the stream: this one bounds
	// it instead.
	rc.SetWriteDeadline(time.Now().Add(streamLife + streamBeat))
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	// The count of the tenant's changes as the stream begins: a page
	// made before the last of them (its data-changes is lower) is behind
	// and reloads, since the stream did not hear those changes.
	fmt.Fprintf(w, "retry: %d\n\nevent: changes\ndata: %s\n\n", streamRetry.Milliseconds(), a.hub.changes(tenantOf(r)))
	if rc.Flush() != nil {
		return
	}
	beat := time.NewTicker(streamBeat)
	defer beat.Stop()
	end := time.NewTimer(streamLife)
	defer end.Stop()
	for {
		var err error
		select {
		case <-signal:
			_, err = fmt.Fprintf(w, "event: changed\ndata: %s\n\n", a.clk.Now().Format(time.RFC3339))
		case <-beat.C:
			_, err = fmt.Fprintf(w, ": beat\n\n")
		case <-end.C:
			return
		case <-r.Context().Done():
			return
		case <-a.hub.done:
			return
		}
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			return
		}
	}
}
