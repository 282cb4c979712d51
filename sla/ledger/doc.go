// Package ledger keeps inquiries and their event logs in memory over a
// policy set (package sla), for hosts that want one rather than their own
// database.
//
// A [Ledger] validates every change by evaluating the log, keeps each
// inquiry's Next — the instant it must be looked at again — in a heap, and
// answers what is due, breached or at risk at a cost that follows what it
// returns, not the size of the ledger. It is a store of package
// sla/monitor (it implements monitor.Store and monitor.Watcher), so the
// project's one sweeper loop drives it: sweeps hand out each escalation
// level once, and [Ledger.Delivered] records it delivered.
//
// [Ledger.Snapshot] writes the whole ledger as one JSON document with a
// checksum, and [Ledger.Restore] reads it back whole or not at all; levels
// handed out but not yet delivered are left out, so that delivery is at
// least once across restarts.
package ledger
