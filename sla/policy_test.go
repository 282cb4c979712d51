package sla_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/calendar"
	"github.com/replyby/replyby/sla"
)

func TestMatchLabels(t *testing.T) {
	ps := sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "vip-eu", Match: sla.Match{Labels: []string{"vip", "eu"}}}, sla.Policy{Name: "rest"}}})
	assert.Equal(t, "vip-eu", ps.Select(sla.Email, []string{"eu", "new", "vip"}, sla.Class{}))
	assert.Equal(t, "rest", ps.Select(sla.Email, []string{"vip"}, sla.Class{}))

	// A nil *Match is the zero Match: it matches every inquiry.
	var m *sla.Match
	assert.True(t, m.IsZero())
	assert.True(t, m.Matches(sla.Email, nil, sla.Class{}))
	assert.True(t, (&sla.Match{}).Matches(sla.Phone, []string{"vip"}, sla.Class{Party: sla.Customer}))
}

// Policies built in Go are checked as documents are.
func TestNewPolicySetErrors(t *testing.T) {
	_, err := sla.NewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.Resolution: {Within: sla.Duration{Time: -time.Hour}},
	}}}})
	assert.ErrorIs(t, err, sla.ErrBadDuration)
	assert.ErrorContains(t, err, "policies[0].targets.resolution.within")

	_, err = sla.NewPolicySet(sla.Document{Calendars: map[string]*calendar.Calendar{"": calendar.Always()}, Policies: []sla.Policy{sla.Policy{Name: "a"}}})
	assert.ErrorIs(t, err, sla.ErrBadPolicy)
	ps, err := sla.NewPolicySet(sla.Document{Calendars: map[string]*calendar.Calendar{"plain": nil}, Policies: []sla.Policy{sla.Policy{Name: "a",
		Targets: map[sla.Metric]sla.Target{sla.FirstReply: {Within: sla.MustParseDuration("1h"), Calendar: "plain"}}}}})
	require.NoError(t, err, "a nil calendar is Always")
	st, err := ps.Evaluate(sla.Inquiry{Channel: sla.Email, Received: at("2026-03-07 09:00")}, nil, at("2026-03-07 09:30"))
	require.NoError(t, err)
	assert.Equal(t, at("2026-03-07 10:00"), st.Obligations[0].Due, "plain time on a Saturday")

	_, err = sla.NewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "a", Reply: "any"}}})
	assert.ErrorIs(t, err, sla.ErrBadPolicy)

	_, err = sla.NewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: []sla.Level{{Name: "x", At: sla.AtShare(1e9)}}},
	}}}})
	assert.ErrorIs(t, err, sla.ErrBadLevel)

	many := make([]sla.Level, sla.MaxLevels+1)
	for i := range many {
		many[i] = sla.Level{Name: fmt.Sprint(i)}
	}
	_, err = sla.NewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: many},
	}}}})
	assert.ErrorIs(t, err, sla.ErrBadLevel)

	_, err = new(sla.PolicySet).Evaluate(sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 09:00")}, nil, at("2026-03-09 10:00"))
	assert.ErrorIs(t, err, sla.ErrNoFallback, "the zero set is refused, not a panic")

	// The set copies what it is given.
	levels := []sla.Level{{Name: "x", At: sla.AtShare(50), Notify: []string{"ann"}}}
	ps = sla.MustNewPolicySet(sla.Document{Policies: []sla.Policy{sla.Policy{Name: "a", Targets: map[sla.Metric]sla.Target{
		sla.FirstReply: {Within: sla.Duration{Time: time.Hour}, Escalation: levels},
	}}}})
	levels[0].Notify[0] = "mallory"
	assert.Equal(t, "ann", ps.Policies()[0].Targets[sla.FirstReply].Escalation[0].Notify[0])
}

// Every exported method of the zero PolicySet, and of a nil *PolicySet,
// returns its documented result or an error; none panics.
func TestZeroPolicySet(t *testing.T) {
	inq := sla.Inquiry{Channel: sla.Email, Received: at("2026-03-09 09:00")}
	for name, ps := range map[string]*sla.PolicySet{"zero": new(sla.PolicySet), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			assert.Empty(t, ps.Policies())
			assert.Nil(t, ps.Calendar("support-nyc"))
			assert.Equal(t, "", ps.Select(sla.Email, []string{"vip"}, sla.Class{Party: sla.Customer}))
			_, err := ps.Evaluate(inq, nil, inq.Received.Add(time.Hour))
			assert.ErrorIs(t, err, sla.ErrNoFallback)
			_, err = ps.MarshalJSON()
			assert.ErrorIs(t, err, sla.ErrNoFallback)
		})
	}
	_, err := json.Marshal(new(sla.PolicySet))
	assert.ErrorIs(t, err, sla.ErrNoFallback)

	// Whatever methods the type gains, called with zero arguments on the
	// zero value, none panics.
	for _, ps := range []*sla.PolicySet{new(sla.PolicySet), nil} {
		v := reflect.ValueOf(ps)
		for i := range v.NumMethod() {
			m := v.Type().Method(i)
			args := make([]reflect.Value, m.Type.NumIn()-1)
			for j := range args {
				args[j] = reflect.Zero(m.Type.In(j + 1))
			}
			assert.NotPanics(t, func() { v.Method(i).Call(args) }, "%s on %v", m.Name, ps)
		}
	}
}
