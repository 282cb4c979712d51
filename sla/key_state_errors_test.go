package sla_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

// Keys and states that do not parse, and states out of range, give errors
// wrapping a sentinel, as errors.go promises.
func TestKeyAndStateErrorsWrapSentinels(t *testing.T) {
	for _, s := range []string{"nope#1", "", "first_reply#1", "next_reply", "next_reply#0", "next_reply#01", "promise#x"} {
		_, err := sla.ParseKey(s)
		assert.ErrorIs(t, err, sla.ErrBadKey, "%q", s)
		var k sla.Key
		assert.ErrorIs(t, k.UnmarshalText([]byte(s)), sla.ErrBadKey, "%q", s)
	}
	var k sla.Key
	assert.ErrorIs(t, json.Unmarshal([]byte(`"nope"`), &k), sla.ErrBadKey)

	_, err := sla.State(42).MarshalText()
	assert.ErrorIs(t, err, sla.ErrBadState)
	_, err = json.Marshal(sla.State(42))
	assert.ErrorIs(t, err, sla.ErrBadState)
	for _, s := range []string{"", "Running", "met-late", "late"} {
		var st sla.State
		assert.ErrorIs(t, st.UnmarshalText([]byte(s)), sla.ErrBadState, "%q", s)
	}
	var st sla.State
	assert.ErrorIs(t, json.Unmarshal([]byte(`"late"`), &st), sla.ErrBadState)
	assert.NoError(t, st.UnmarshalText([]byte("met_late")))
	assert.Equal(t, sla.MetLate, st)
}
