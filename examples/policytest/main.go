// Policytest shows how a host unit-tests its follow-up policy with package
// slatest: policy.json is a support desk's policy, and policy_test.go states
// in a few lines what it must do ("a prospect's e-mail at 17:55 on Friday is
// breached at 10:00 on Monday, and the owner was warned at 09:25").
//
// The program itself only checks that the policy loads and says how to run
// the tests:
//
//	go run ./examples/policytest
//	go test ./examples/policytest
package main

import (
	_ "embed"
	"fmt"
	"os"
	_ "time/tzdata" // the policy's zone must not depend on the host's zone database

	"github.com/replyby/replyby/sla"
)

//go:embed policy.json
var policyJSON []byte

func main() {
	ps, err := sla.ParsePolicies(policyJSON)
	if err != nil {
		fmt.Fprintln(os.Stderr, "policy.json:", err)
		os.Exit(1)
	}
	fmt.Printf("policy.json loads (%d policies); its tests are in policy_test.go: run: go test ./examples/policytest\n", len(ps.Policies()))
}
