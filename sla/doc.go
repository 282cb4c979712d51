// Package sla says who is owed what, by when, and whether we kept our
// word. It holds the model and its evaluation, and nothing else.
//
// An [Inquiry] is the facts known when someone reached out: the channel it
// came on, the channels offered for an answer, who is asking (a prospect or
// a customer), about what, how urgently, and when. What happens next is its
// event log, an append-only []Event in the words of a conversation (see
// [EventType]): customer messages, replies, automatic acknowledgements,
// promises (to get back, or to do something) and what became of them,
// appointments and what became of them, the host's own status changes,
// resolution, reopening, reclassification, assignment, and a person's
// override of a due time. Promises and appointments carry the host's
// name for them (Ref), so that what follows names the one it means: only
// the event that does what was promised keeps a promise.
//
// A [PolicySet] is an ordered list of policies; the first whose [Match]
// fits an inquiry applies, and the last, the fallback, fits every inquiry.
// A policy sets a [Target] for each [Metric] it cares about: first reply,
// next reply, periodic update, resolution, promise kept, appointment kept.
// A target allows a [Duration], counted in the business time of a named
// calendar (package calendar) or in plain time, and may carry an
// escalation ladder of [Level]s that fire before, at or after the due
// time, or at a share of the target ([Trigger]). A policy's [ReplyRule]
// says which replies count.
//
// Each occasion of a metric is an [Obligation]: the inquiry's first reply,
// the reply to each customer message that arrives when none is owed
// ("next_reply#2"; messages that arrive while one is owed are nudges), each
// interval between updates, the resolution, each promise, each appointment.
// An obligation has a clock that counts business time from its start,
// stands still while the host's status pauses its metric ([HostStatus]:
// "pending" on the customer, "on hold") or while the inquiry is resolved
// (resolution), and a budget. It is due when the clock reaches the
// budget, and it is met, met late, breached or cancelled ([State])
// according to what the log says and when; its [Outcome] says how it
// ended.
//
// [PolicySet.Evaluate] replays a log up to an instant and returns a
// [Status]: every obligation with its state, due time, business time used
// and remaining, the escalation levels that fired and when, and Next, the
// earliest later instant at which any of that would change. Evaluation is a
// pure function of the inquiry, the log, the policy set and the instant
// ("now" is an argument, never read from a clock), so a host can replay
// last month against a new policy, store Next in an indexed column, and
// evaluate an inquiry again only when Next passes or an event arrives.
// Firing instants are pure functions of the log: a level fires once per
// (obligation key, level name), however often the host evaluates.
//
// Evaluation forgives what hosts send: a well-formed log always has a
// status. An event that makes no sense where it stands (a reopen of an
// open inquiry, a held with nothing scheduled, a status the document does
// not define) is ignored and listed as an [Anomaly]; only malformed input
// (no time, an unknown type, a field its type does not use) is an error.
// A host that sees events as they happen keeps a [Run] ([PolicySet.Start],
// [Run.Apply], [Run.Glance]) instead of replaying the log: applying an
// event costs what the open obligations cost, not the log, and gives
// exactly what Evaluate gives.
//
// A policy set loads from one JSON document holding the calendars, the
// host's statuses, the channels' natural answers and the policies
// ([ParsePolicies]; [Document], [Policy], [Target] and [Level] are its
// JSON form), or is built in Go ([NewPolicySet]). Inquiries and events
// read from their JSON forms strictly ([ParseInquiry], [ParseEvents]).
// Every error is an [*Error] that names the place at fault by its path in
// the JSON form.
//
// Around this package, each in its own: sla/monitor, the one sweeper loop
// that wakes when inquiries fall due and delivers each escalation once,
// over a small store interface; sla/ledger, an in-memory store with
// snapshots; sla/report, on-time rates, percentiles, the cracks and the
// audit sample, read from statuses; sla/slatest, for unit-testing a
// host's policies. Nothing here imports them.
package sla
