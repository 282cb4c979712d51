package sla_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/replyby/replyby/sla"
)

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
