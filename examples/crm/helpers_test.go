package main

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// addTokens gives each tenant a new token, stored with the tokens the
// server has, and returns them by tenant.
func addTokens(t *testing.T, s *server, tenants ...string) map[string]string {
	t.Helper()
	tokens := map[string]string{}
	for _, tenant := range tenants {
		tokens[tenant] = newToken()
	}
	require.NoError(t, s.app.db.setTokens(context.Background(), hashTokens(tokens)))
	return tokens
}

// sqliteOf returns the SQLite database of a server.
func sqliteOf(s *server) *sqliteDB { return s.app.db.(*sqliteDB) }

// key returns the header of a new idempotency key.
func key() http.Header { return http.Header{"Idempotency-Key": {newKey()}} }
