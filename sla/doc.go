// Package sla says who is owed what, by when, and whether we kept our
// word.
//
// An [Inquiry] is the facts known when someone reached out: the channel it
// came on, the channels offered for an answer, who is asking (a prospect or
// a customer), about what, how urgently, and when. What happens next is its
// event log, an append-only []Event: customer messages, replies, automatic
// acknowledgements, promises, appointments, waiting on the customer,
// resolution, reopening, reclassification, assignment.
//
// A [PolicySet] is an ordered list of policies; the first whose Match fits
// an inquiry applies, and the last, the fallback, fits every inquiry. A
// policy sets a [Target] for each [Metric] it cares about: first reply,
// next reply, periodic update, resolution, promise kept, appointment kept.
// A target allows a [Duration], counted in the business time of a named
// calendar (package calendar) or in plain time, and may carry an
// escalation ladder of [Level]s that fire before, at or after the due time,
// or at a share of the target. A policy's [ReplyRule] says which replies
// count: those on the channel of the customer's latest message if the
// customer offered it (and otherwise, as for a web form that left an
// e-mail address, those on any offered channel), on any channel the
// customer offered (the default), or on any channel. A reply on a channel
// the customer never offered meets nothing and is reported as a
// [Violation]; an automatic reply never meets anything.
//
// Each occasion of a metric is an [Obligation]: the inquiry's first reply,
// the reply to each customer message that arrives when none is owed
// ("next_reply#2"; messages that arrive while one is owed are nudges), each
// interval between updates, the resolution, each promise, each appointment.
// An obligation has a clock that counts business time from its start,
// stands still while we wait on the customer (resolution and updates) or
// while the inquiry is resolved (resolution), and a budget. It is due when
// the clock reaches the budget, and it is met, met late, breached or
// cancelled according to what the log says and when: met or cancelled at
// or before the due instant (events at an instant come first), met late
// or breached after it. A Reclassify that takes an obligation's target
// away cancels it, but it is tracked again, from its own start, if a
// later one brings a target back before it is met or ended.
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
// A policy set loads from one JSON document holding the calendars and the
// policies ([ParsePolicies]), or is built in Go ([NewPolicySet]).
//
// Around Evaluate, for hosts that track many inquiries in memory: a [Ledger]
// keeps inquiries and their logs, validates appended events, finds what is
// due from a heap on Next, lists what is breached or at risk, and snapshots
// to JSON; a [Monitor] drives a ledger from a clock (package clock) and calls
// the host back once per fired escalation level; [NewReport] summarises
// statuses in a window (on-time rates, business-time percentiles, touches,
// nudges, violations and the cracks: open inquiries with no owner, never
// answered, or with a promise overdue); [AuditSample] draws a reproducible
// sample of resolved prospects and customers to call. Package sla/slatest
// helps hosts unit-test their policies.
package sla
