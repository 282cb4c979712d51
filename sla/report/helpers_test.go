package report_test

import (
	"github.com/replyby/replyby/sla"
	"github.com/replyby/replyby/sla/internal/fixture"
)

// nyc, at and policies are the shared fixture's; see package fixture.
var (
	at       = fixture.At
	policies = fixture.Policies
)

// keyText writes a key, "" for none.
func keyText(k sla.Key) string {
	if k == (sla.Key{}) {
		return ""
	}
	return k.String()
}
