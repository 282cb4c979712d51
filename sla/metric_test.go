package sla_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/replyby/replyby/sla"
)

// Obligation keys print and parse back.
func TestKeys(t *testing.T) {
	for _, s := range []string{"first_reply", "resolution", "next_reply#2", "update#13", "promise_kept#1", "appointment_kept#1"} {
		k, err := sla.ParseKey(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, k.String())
	}
	for _, s := range []string{"", "first_reply#1", "next_reply", "next_reply#0", "next_reply#01", "promise#-1", "bogus#1"} {
		_, err := sla.ParseKey(s)
		assert.Error(t, err, s)
	}
	for _, st := range []sla.State{sla.Running, sla.Paused, sla.Met, sla.MetLate, sla.Breached, sla.Cancelled} {
		var u sla.State
		require.NoError(t, u.UnmarshalText([]byte(st)))
		assert.Equal(t, st, u)
		p, err := sla.ParseState(string(st))
		require.NoError(t, err)
		assert.Equal(t, st, p)
	}
}

// Keys and states that do not parse, and states out of range, give errors
// wrapping a sentinel, as errors.go promises.
func TestKeyAndStateErrorsWrapSentinels(t *testing.T) {
	for _, s := range []string{"nope#1", "", "first_reply#1", "next_reply", "next_reply#0", "next_reply#01", "promise_kept#x", "promise#1"} {
		_, err := sla.ParseKey(s)
		assert.ErrorIs(t, err, sla.ErrBadKey, "%q", s)
		var k sla.Key
		assert.ErrorIs(t, k.UnmarshalText([]byte(s)), sla.ErrBadKey, "%q", s)
	}
	var k sla.Key
	assert.ErrorIs(t, json.Unmarshal([]byte(`"nope"`), &k), sla.ErrBadKey)

	_, err := sla.ParseKey("next_reply")
	assert.EqualError(t, err, `sla: "next_reply": a next_reply key is numbered from 1: next_reply#1`)
	_, err = sla.ParseKey("first_reply#2")
	assert.EqualError(t, err, `sla: "first_reply#2": a first_reply key has no number`)
	_, err = sla.ParseKey("resolution#1")
	assert.EqualError(t, err, `sla: "resolution#1": the number after # is a whole number from 2`)
	_, err = sla.ParseKey("next_reply#1@billing")
	assert.EqualError(t, err, `sla: "next_reply#1@billing": only a resolution has team targets`)
	_, err = sla.ParseKey("resolution@")
	assert.ErrorIs(t, err, sla.ErrBadKey)
	for _, s := range []string{"resolution#2", "resolution@billing", "resolution#3@tier-2"} {
		k, err := sla.ParseKey(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, k.String())
	}
	for _, s := range []string{"", "Running", "met-late", "late"} {
		_, err := sla.ParseState(s)
		assert.ErrorIs(t, err, sla.ErrBadState, "%q", s)
		var st sla.State
		assert.ErrorIs(t, st.UnmarshalText([]byte(s)), sla.ErrBadState, "%q", s)
	}
	var st sla.State
	assert.ErrorIs(t, json.Unmarshal([]byte(`"late"`), &st), sla.ErrBadState)
	assert.NoError(t, st.UnmarshalText([]byte("met_late")))
	assert.Equal(t, sla.MetLate, st)
}
