// Package report summarises inquiries' statuses (package sla) for the
// people who answer for them: how well a desk kept its word, and which
// open inquiries have fallen through the cracks.
//
// [New] builds a [Report] over statuses — a ledger's (package sla/ledger),
// or a host's own evaluations — for the inquiries that arrived in a
// window: on-time rates per metric, channel, party and owner;
// business-time percentiles of first replies and resolutions; touches
// before resolution; nudges and violations; and the cracks, every open
// inquiry a person would call forgotten. [AuditSample] draws a
// reproducible sample of resolved prospects and customers to call and ask
// how it went. Nothing in package sla imports this package: reports read
// statuses.
package report
