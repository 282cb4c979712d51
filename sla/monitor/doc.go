// Package monitor is replyby's one sweeper loop: it asks a store when the
// next inquiry is due, sleeps on a clock (package clock) until then, has
// the store evaluate and record what is due, and calls the host back once
// per escalation level that fired.
//
// A [Store] is the small interface between the loop and wherever the
// inquiries live, in the spirit of log/slog's Handler: [Store.Earliest]
// says when to wake, [Store.Sweep] evaluates what is due and returns the
// [Alert]s to deliver, and [Store.Delivered] records each delivery. The
// in-memory ledger of package sla/ledger is one store; a host's database
// is another (examples/crm implements it on SQLite and on PostgreSQL, with
// many workers claiming due rows with FOR UPDATE SKIP LOCKED). A store
// that can say when it changes implements [Watcher], so that the monitor
// re-arms by itself; a host whose store cannot calls [Monitor.Wake] after
// recording events, and sets a [Ceiling] when others change the store
// behind its back.
//
// Delivery is at least once across restarts and exactly once within a
// process: a level is delivered when the callback returns, and a store
// that loses what Sweep handed out before Delivered recorded it delivers
// it again after a restart. Make the work a callback does idempotent by
// the alert's key (inquiry, obligation, level), or record it in the same
// store.
package monitor
