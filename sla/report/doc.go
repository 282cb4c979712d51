// Package report answers, from inquiries' statuses (package sla), the
// questions the people who answer for a desk ask every morning: who is
// waiting on us, who did we forget, what did we promise, how loaded is
// each of us, and are we getting better?
//
// Everything here reads []sla.Status — a ledger's (package sla/ledger),
// or a host's own evaluations, one per inquiry, each at its own instant
// ("now", Status.At) — and nothing in package sla imports this package.
// Every function is pure and deterministic: the same statuses give the
// same figures in any order (lists are sorted, never in map order), and
// no input makes one panic.
//
// # What is counted
//
// An obligation (sla.Obligation) is decided when it is Met, MetLate or
// Breached; open (Running, Paused) and Cancelled ones are left out of
// rates. It is on time when Met. It is done when Met or MetLate; its
// business time is its Elapsed, counted in its target's calendar
// without the time its clock stood still. A team's target
// ("resolution@billing") counts under its metric like the policy's own.
//
// An obligation is breached and still owed when its state is Breached,
// nothing has ended it (no DoneAt and no Outcome: a promise withdrawn
// after its due time no longer stands, an appointment reported missed
// is over), and either the inquiry is open or the obligation is a
// promise or an appointment: resolving an inquiry ends what was owed to
// the conversation (replies, updates, the resolution), not what was
// promised.
//
// # The report ([New])
//
// [New] builds a [Report] over statuses for the inquiries that arrived
// in a window [from, to) (by Received; a zero bound is no bound). Over
// those inquiries:
//
//   - Inquiries counts them; Resolved and Open split them by
//     Status.Resolved.
//   - Rates: per metric, and per channel the inquiry came on, party and
//     owner (at the status instant) over all metrics, Decided counts the
//     decided obligations and OnTime those on time; Share is
//     OnTime/Decided.
//   - FirstReply and Resolution: the nearest-rank 50th and 90th
//     percentiles and the largest business time of the first-reply and
//     resolution obligations done. The nearest-rank p-th percentile of
//     n sorted values is the value at rank ⌈p·n/100⌉.
//   - Cells: the same for every metric, over all its decided obligations
//     (By "all") and per channel, party, owner, team (at the status
//     instant; "" for none) and week — the ISO 8601 week ("2026-W48")
//     of the obligation's Start on the wall clock of the inquiry's
//     Received time's location. Decided and OnTime count decided
//     obligations; Elapsed holds the percentiles of those done. So for
//     each metric the cells of each dimension add up to its "all" cell.
//   - Trend: per week (as for cells) and channel, over all metrics
//     together, Decided and OnTime: the on-time share per channel over
//     weeks.
//   - Touches: over the resolved inquiries, the replies each needed
//     before its latest resolution (sla.Counts.TouchesToResolve): how
//     many, in all and at most. Nudges: the customer messages that chased
//     a reply owed (Counts.Nudges), and Nudged the inquiries with one.
//     Violations: the replies on channels the customer never offered.
//   - Contacts: per inquiry, its Counts: touches, nudges, customer
//     messages and automatic replies, and the touches to resolve it (0
//     while it is not resolved).
//
// # The cracks
//
// Report.Cracks lists, over every status whatever its arrival, each
// thing a person forgot: one [Crack] per inquiry, reason and
// obligation, with how overdue it is.
//
//   - no_owner: the inquiry is open and has no owner. Overdue is the
//     plain time since it arrived.
//   - never_answered: the inquiry is open, its first reply is not met
//     (on time or late), and every reply was a violation (or there was
//     none): the customer has not heard from a person the way they
//     asked, however early it is. The obligation is the first reply
//     while it is open or breached, and Overdue minus its Remaining
//     (negative before its due time); without one (the policy sets none,
//     or it was cancelled by a resolution before a reopen), the plain
//     time since arrival.
//   - follow_up_unanswered: a next_reply obligation of an open inquiry
//     is breached and still owed: the customer wrote again and is still
//     waiting past the due time.
//   - promise_broken: a promise_kept obligation is breached and still
//     owed, whether or not the inquiry is resolved.
//   - appointment_missed: an appointment_kept obligation is breached with
//     no outcome (neither held nor otherwise ended within its grace) or
//     the outcome missed (we missed it), whether or not the inquiry is
//     resolved. One the customer did not come to, or that was called off
//     late, is not forgotten.
//
// For a crack with an obligation, Due is its due time and Overdue minus
// its Remaining: business time in its own calendar, as of its status
// instant (for one that ended, as of when it ended). Cracks are ordered
// by due time (those without an obligation by arrival), oldest first,
// then by inquiry ID, reason (in the order above) and obligation.
//
// # Workload and what is due
//
// [Workload] gives each owner's and each team's load (at the status
// instant): obligations open, breached and still owed, and at risk —
// running with 0 < Remaining ≤ horizon, so that they breach within the
// horizon if nothing is done. Remaining is business time in each
// obligation's calendar, so a horizon of 4h reads "within the next four
// business hours" of that calendar (plain hours for a target in plain
// time); a paused obligation is not at risk. [DueSoon] lists the
// obligations at risk and [Breached] those breached and still owed.
//
// # The audit sample and its survey
//
// [AuditSample] draws a reproducible sample of resolved prospects and
// customers to call and ask how it went. [Surveys] reports the outcomes
// of those calls ([Survey]: reached, answer, rating, note): for each
// inquiry of the sample the latest survey counts; Sampled, Called and
// Reached count the inquiries of the sample, with a survey, and
// reached; ResponseRate is Reached/Sampled; ratings (1 to 5) are
// averaged over all inquiries reached, per channel and per party.
//
// # Comparing two policy sets ([Compare])
//
// [Compare] and a [Comparer] answer "what if we had had another
// policy?": given each inquiry's status under a set A and under a set B
// (the same inquiry and log, evaluated at the same instant, as read from
// an export with package sla/history), a [Comparison] holds, over the
// inquiries that arrived in the window, each set's totals and its
// cells side by side (as the report's Cells, per metric and channel,
// party, owner, team and week); the inquiries under each policy; the
// escalation levels each set fires (per metric and level name) and
// whom they notify (each target of a fired level once); and every
// obligation whose state differs, matched by key (sla.Key), with the
// first reason that holds ([ChangeReason]): a target only one set sets,
// a clock paused under one only, due earlier or later, done at another
// instant, or other rules. A Comparer keeps aggregates and the changes
// only, never the statuses, so a month of history streams through it.
//
// # Output
//
// Every type marshals to JSON with snake_case names, durations as by
// time.Duration.String ("1h30m0s"). [Report.Tables], [WorkloadTable],
// [DueTable], [SurveyReport.Tables] and [Comparison.Tables] give each
// list as a [Table], which [Table.WriteCSV] writes with encoding/csv;
// [Report.WriteText] and [Comparison.WriteText] write them as aligned
// text.
package report
