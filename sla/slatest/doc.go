// Package slatest helps a host test its follow-up policies in a few lines.
//
// A Scenario is one inquiry under a policy set, its event log, and
// assertions about what the log means at given instants:
//
//	s := slatest.New(t, policies, sla.Inquiry{
//		ID: "lead-1", Channel: sla.Email, Class: sla.Class{Party: sla.Prospect},
//		Received: slatest.MustTime("America/New_York", "2026-11-20T16:55"),
//	})
//	s.AutoReply("2026-11-20T16:56", sla.Email)
//	s.AssertState("2026-11-23T10:00", "first_reply", sla.Breached)
//	s.AssertEscalated("2026-11-23T09:55", "first_reply", "breach") // the owner is told
//
// Instants are written as wall-clock times in the zone of the inquiry's
// Received time ("2026-11-20T16:55", seconds optional, a space instead of
// the T allowed) or in RFC 3339 with an offset. Events may be added in any
// order and between assertions; each assertion evaluates the log as it
// stands.
//
// Every assertion takes the instant first, then the obligation's key
// ("first_reply", "next_reply#2"), then what is asserted. The key must
// name an obligation that exists at that instant, and a level must be one
// of its ladder under the policy in force then: a misspelt key or level
// fails the test, with a message listing what exists, instead of
// passing.
//
// Assertions about escalations replay the log on a manual clock
// (clock.Manual) as a host does: evaluate when an event arrives and again
// when the status's Next instant comes, and notify each level once. So
// AssertEscalated checks both that a level fired at the instant the policy
// says and that a host driven by Next would have sent it then, not later.
//
// When an assertion fails, its message holds the whole timeline: the
// inquiry, every event (those after the instant marked as not yet
// happened), every obligation with its state, start, due time and business
// time, the escalations and the instant to look again. The test explains
// itself without a debugger.
//
// Assertions use testify and accept any T: a *testing.T, a *testing.B,
// a *rapid.T. They report through Errorf and return whether they held,
// so a test goes on to report every failure; a scenario that cannot be
// evaluated at all (an unparseable time, an event out of sequence) stops
// the test with FailNow.
package slatest
