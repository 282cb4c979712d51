// Package clock answers "what time is it?" for code that must also run
// against simulated time.
//
// A [Clock] reads the current instant and schedules callbacks, the two things
// package time offers that make code hard to test. [System] is the real clock.
// A [Manual] clock is deterministic: its time stands still until [Manual.Advance]
// or [Manual.Set] moves it, and every timer that falls due on the way fires
// synchronously inside that call, on the caller's goroutine, one at a time, in
// deadline order (ties in the order they were scheduled), with [Manual.Now]
// reading the timer's deadline while its callback runs. A callback may use the
// clock freely, and a timer it schedules that falls due before the advance
// ends fires within the same call, so a ticker built from chained
// [Clock.AfterFunc] calls fires as often under a manual clock as it would in
// real time. A move made while a callback runs — by the callback itself or by
// another goroutine — joins the running move: it raises that move's target if
// its own is later and returns at once, and the running move fires what falls
// due by the raised target before it returns. So callbacks never overlap, and
// neither a callback that moves the clock nor one that waits for another
// goroutine's move deadlocks. [Manual.Pending] and [Manual.NextDeadline] let a
// test assert that nothing is left scheduled, and [Manual.AdvanceToNext] lets
// a simulation jump from one event to the next.
//
// The package starts no goroutines; hosts that replay history or drive
// examples use a Manual clock outside tests too.
package clock
