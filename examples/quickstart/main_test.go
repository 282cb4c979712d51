package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func output(t *testing.T, now, config string) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, run(&b, now, config))
	return b.String()
}

// squeeze replaces each run of blanks with one, so that tests do not
// depend on column widths.
func squeeze(s string) string { return regexp.MustCompile(` +`).ReplaceAllString(s, " ") }

func TestDefaultWeek(t *testing.T) {
	out := output(t, defaultNow, "")
	for _, want := range []string{
		"lead-1001   email     prospect  prospects          first_reply    Mon 23 Nov 12:55  met        warn Mon 11:55\n",
		"promise_kept#1      Tue 24 Nov 12:00  breached   broken Tue 12:00\n",
		"resolution     Fri 27 Nov 09:00  breached",         // Thanksgiving is skipped
		"appointment_kept#1  Wed 25 Nov 15:15  cancelled\n", // the customer did not come
		"promise_kept#1      Fri 27 Nov 12:00  met\n",       // the call on Friday morning
		"resolution          Wed 25 Nov 10:34  met\n",       // pending on the customer for 34 minutes
		// Dave's walkthrough of Tuesday 10:00, never held: due at the end
		// of its 15 minutes' grace, and its level fires then.
		"appointment_kept#1  Tue 24 Nov 10:15  breached   no-show Tue 10:15\n",
		"Escalations delivered by the monitor (12, each once)",
		"  Tue 24 Nov 10:15  order-4001  appointment_kept#1  no-show  to account-manager\n",
		"  Wed 25 Nov 13:00  case-3001   resolution     manager  to support-manager\n",
		"metric      first_reply  6        3        50.0%\n",
		// Cracks, oldest first. lead-1002: no owner since Monday 09:00, 99
		// hours before Friday noon; never answered past its due time,
		// Monday 13:00, by the business hours Monday 13–17, Tuesday,
		// Wednesday and Friday 09–12 (4+8+8+3: Thanksgiving is closed).
		"lead-1002 web_form - no_owner - - 99h0m0s since received\n",
		"lead-1002 web_form - never_answered first_reply 2026-11-23 13:00 23h0m0s\n",
		// The walkthrough, in plain time: 73h45m from Tuesday 10:15 to
		// Friday noon, a crack though order-4001 is solved.
		"order-4001 chat dave appointment_missed appointment_kept#1 walkthrough 2026-11-24 10:15 73h45m0s\n",
		// The fix for the bill, promised for Tuesday noon in plain time.
		"case-3001 email bob promise_broken promise_kept#1 fix-bill 2026-11-24 12:00 72h0m0s\n",
		// The e-mail of Tuesday 15:00, due Wednesday 11:00, unanswered for
		// 6+3 business hours since.
		"case-3001 email bob follow_up_unanswered next_reply#1 2026-11-25 11:00 9h0m0s\n",
		// The call list: the two resolved inquiries, both customers'
		// (no prospect was resolved), drawn with the week, 2026-W48.
		"This week's call list (report.AuditSample, seed 202648)",
		"  order-4001 customer chat dave received Mon 23 Nov 10:00\n  tweet-2001 customer social (no owner) received Sat 21 Nov 10:00\n",
	} {
		assert.Contains(t, squeeze(out), squeeze(want))
	}
	for i, line := range strings.Split(out, "\n") {
		assert.Equal(t, strings.TrimRight(line, " "), line, "line %d has trailing blanks", i+1)
	}
	assert.Equal(t, out, output(t, defaultNow, ""), "deterministic")
}

func TestNowFlag(t *testing.T) {
	out := output(t, "2026-11-23T12:30:00-05:00", "")
	assert.Contains(t, out, "Evaluated at Mon 23 Nov 12:30")
	assert.NotContains(t, out, "case-3002", "not yet received")
	assert.Contains(t, squeeze(out), "lead-1002 web_form prospect prospects first_reply Mon 23 Nov 13:00 running warn Mon 12:00\n")
	// Nobody has answered case-3001 yet, though it is not due until 13:00.
	assert.Contains(t, squeeze(out), "case-3001 email - never_answered first_reply 2026-11-23 13:00 due in 30m0s\n")

	// The same instant written in another zone gives the same report.
	assert.Equal(t, out, output(t, "2026-11-23T17:30:00Z", ""))

	out = output(t, "2026-01-01T00:00:00Z", "")
	assert.Contains(t, out, "No inquiry had arrived by then.")

	// On the desk's wall clock, and at midnight there.
	assert.Equal(t, output(t, "2026-11-23T12:30:00-05:00", ""), output(t, "2026-11-23T12:30", ""))
	assert.Contains(t, output(t, "2026-11-24", ""), "Evaluated at Tue 24 Nov 00:00")

	var b bytes.Buffer
	assert.EqualError(t, run(&b, "Monday", ""), `-now "Monday": want an RFC 3339 instant (2026-11-27T12:00:00-05:00), `+
		`a time on the desk's clock in America/New_York (2026-11-27T12:00) or a date (2026-11-27, midnight there)`)
}

func TestParseNow(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-11-23T12:30:00-05:00", "2026-11-23T12:30:00-05:00"},
		{"2026-11-23T17:30:00Z", "2026-11-23T12:30:00-05:00"},
		{"2026-11-23T12:30:15.5+01:00", "2026-11-23T06:30:15.5-05:00"},
		{"2026-11-23T12:30", "2026-11-23T12:30:00-05:00"},
		{"2026-07-01T09:00", "2026-07-01T09:00:00-04:00"}, // summer time
		{"2026-11-24", "2026-11-24T00:00:00-05:00"},
		{"2026-03-08", "2026-03-08T00:00:00-05:00"}, // the clocks go forward at 02:00 that day
		{"2026-03-09", "2026-03-09T00:00:00-04:00"},
	} {
		got, err := parseNow(tc.in)
		require.NoError(t, err, tc.in)
		want, err := time.Parse(time.RFC3339Nano, tc.want)
		require.NoError(t, err)
		assert.True(t, got.Equal(want), "%s: got %s, want %s", tc.in, got.In(nyc).Format(time.RFC3339Nano), tc.want)
	}
	for _, in := range []string{"", "Monday", "2026-11-23 12:30", "2026-11-23T12", "2026-11-31", "2026-13-01T09:00", "23/11/2026", "2026-11-23T25:00"} {
		_, err := parseNow(in)
		assert.ErrorContains(t, err, fmt.Sprintf("-now %q: want an RFC 3339 instant", in))
	}
}

func TestConfigFlag(t *testing.T) {
	dir := t.TempDir()
	same := filepath.Join(dir, "same.json")
	require.NoError(t, os.WriteFile(same, embeddedPolicies, 0o600))
	want := strings.Replace(output(t, defaultNow, ""), "embedded policies.json", same, 1)
	assert.Equal(t, want, output(t, defaultNow, same))

	// Everyone gets one hour for a first reply, in plain time.
	mine := filepath.Join(dir, "mine.json")
	require.NoError(t, os.WriteFile(mine, []byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "1h"}}}]}`), 0o600))
	out := output(t, defaultNow, mine)
	assert.Contains(t, squeeze(out), "lead-1001 email prospect all first_reply Fri 20 Nov 17:55 met_late")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"policies": [{"name": "all", "targets": {"first_reply": {"within": "4x"}}}]}`), 0o600))
	var b bytes.Buffer
	assert.ErrorContains(t, run(&b, defaultNow, bad), `policies[0].targets.first_reply.within: "4x": want a Go duration`)
	assert.Error(t, run(&b, defaultNow, filepath.Join(dir, "missing.json")))
}
