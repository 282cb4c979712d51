package sla_test

import (
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// The shared fixture's helpers; see package fixture.
var (
	evaluate   = fixture.Evaluate
	obligation = fixture.Obligation
	nyc        = fixture.NYC
	at         = fixture.At
	policies   = fixture.Policies
)

// fired lists the escalations of o as "level@15:04".
func fired(o sla.Obligation) []string {
	var out []string
	for _, e := range o.Escalations {
		out = append(out, e.Level+"@"+e.At.In(nyc).Format("Mon 15:04"))
	}
	return out
}
