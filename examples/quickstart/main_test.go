package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
		"Escalations delivered by the monitor (11, each once)",
		"  Wed 25 Nov 13:00  case-3001   resolution     manager  to support-manager\n",
		"metric      first_reply  6        3        50.0%\n",
		// Cracks, oldest first. lead-1002: no owner since Monday 09:00, 99
		// hours before Friday noon; never answered past its due time,
		// Monday 13:00, by the business hours Monday 13–17, Tuesday,
		// Wednesday and Friday 09–12 (4+8+8+3: Thanksgiving is closed).
		"lead-1002 web_form - no_owner - - 99h0m0s since received\n",
		"lead-1002 web_form - never_answered first_reply 2026-11-23 13:00 23h0m0s\n",
		// The fix for the bill, promised for Tuesday noon in plain time.
		"case-3001 email bob promise_broken promise_kept#1 fix-bill 2026-11-24 12:00 72h0m0s\n",
		// The e-mail of Tuesday 15:00, due Wednesday 11:00, unanswered for
		// 6+3 business hours since.
		"case-3001 email bob follow_up_unanswered next_reply#1 2026-11-25 11:00 9h0m0s\n",
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

	// The same instant written in another zone gives the same report.
	assert.Equal(t, out, output(t, "2026-11-23T17:30:00Z", ""))

	out = output(t, "2026-01-01T00:00:00Z", "")
	assert.Contains(t, out, "No inquiry had arrived by then.")

	var b bytes.Buffer
	assert.ErrorContains(t, run(&b, "Monday", ""), "-now")
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
