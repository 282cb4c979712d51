package sla_test

import (
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

// nyc is the time zone of the support desk in the tests.
var nyc = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at reads a New York wall-clock time "2006-01-02 15:04".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, nyc)
	if err != nil {
		panic(err)
	}
	return t
}

// supportNYC is a 9-to-5 weekday desk in New York. 2026-03-06 is a Friday;
// clocks go forward on Sunday 2026-03-08.
const supportNYC = `{
  "name": "support-nyc",
  "zone": "America/New_York",
  "week": {
    "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
    "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]
  }
}`

// londonCustomer is a customer's own 9-to-5 in London.
const londonCustomer = `{
  "name": "acme-london",
  "zone": "Europe/London",
  "week": {
    "mon": ["09:00-17:00"], "tue": ["09:00-17:00"], "wed": ["09:00-17:00"],
    "thu": ["09:00-17:00"], "fri": ["09:00-17:00"]
  }
}`

// policyDoc is the policy document most tests use.
const policyDoc = `{
  "calendars": {"support-nyc": ` + supportNYC + `, "acme-london": ` + londonCustomer + `},
  "policies": [
    {
      "name": "social-complaints",
      "match": {"channels": ["social"], "kinds": ["complaint"]},
      "reply": "any",
      "targets": {
        "first_reply": {"within": "1h", "escalation": [
          {"name": "warn", "at": "75%", "notify": ["social-team"]},
          {"name": "breach", "at": "0", "notify": ["social-team", "pr"]}
        ]},
        "next_reply": {"within": "1h"}
      }
    },
    {
      "name": "urgent",
      "match": {"priorities": ["urgent"]},
      "targets": {
        "first_reply": {"within": "30m"},
        "next_reply": {"within": "30m"},
        "resolution": {"within": "PT4H"}
      }
    },
    {
      "name": "prospects",
      "match": {"parties": ["prospect"]},
      "reply": "offered",
      "targets": {
        "first_reply": {"within": "4h", "calendar": "support-nyc"},
        "next_reply": {"within": "4h", "calendar": "support-nyc"}
      }
    },
    {
      "name": "customers",
      "match": {"parties": ["customer"]},
      "targets": {
        "first_reply": {"within": "4h", "calendar": "support-nyc"},
        "next_reply": {"within": "4h", "calendar": "support-nyc"},
        "update": {"within": "P1D", "calendar": "support-nyc"},
        "resolution": {"within": "P2D", "calendar": "support-nyc", "escalation": [
          {"name": "at-risk", "at": "-1h", "notify": ["team-lead"]},
          {"name": "breach", "at": "0", "notify": ["team-lead"]},
          {"name": "manager", "at": "+4h", "notify": ["support-manager"]}
        ]},
        "promise": {"within": "0"},
        "appointment": {"within": "15m", "escalation": [
          {"name": "no-show", "at": "0", "notify": ["account-manager"]}
        ]}
      }
    },
    {
      "name": "default",
      "targets": {"first_reply": {"within": "P1D", "calendar": "support-nyc"}}
    }
  ]
}`

// policies is policyDoc parsed.
var policies = sla.MustParsePolicies([]byte(policyDoc))

// evaluate evaluates and requires no error.
func evaluate(t testing.TB, ps *sla.PolicySet, inq sla.Inquiry, events []sla.Event, now time.Time) sla.Status {
	t.Helper()
	st, err := ps.Evaluate(inq, events, now)
	require.NoError(t, err)
	return st
}

// obligation returns the obligation of st with key k, which must exist.
func obligation(t testing.TB, st sla.Status, k string) sla.Obligation {
	t.Helper()
	key, err := sla.ParseKey(k)
	require.NoError(t, err)
	o, ok := st.Obligation(key)
	require.True(t, ok, "no obligation %s in %v", k, keys(st))
	return o
}

func keys(st sla.Status) []string {
	var ks []string
	for _, o := range st.Obligations {
		ks = append(ks, o.Key.String())
	}
	return ks
}

// fired lists the escalations of o as "level@15:04".
func fired(o sla.Obligation) []string {
	var out []string
	for _, e := range o.Escalations {
		out = append(out, e.Level+"@"+e.At.In(nyc).Format("Mon 15:04"))
	}
	return out
}
