package main

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

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

// queryInt runs a query of one integer (or NULL) on the server's database.
func queryInt(t *testing.T, s *server, query string) sql.NullInt64 {
	t.Helper()
	var n sql.NullInt64
	switch db := s.app.db.(type) {
	case *sqliteDB:
		require.NoError(t, db.w.QueryRow(query).Scan(&n))
	case *pgDB:
		var p *int64
		require.NoError(t, db.pool.QueryRow(context.Background(), query).Scan(&p))
		if p != nil {
			n = sql.NullInt64{Int64: *p, Valid: true}
		}
	}
	return n
}

// execSQL runs a statement on the server's database.
func execSQL(t *testing.T, s *server, stmt string) {
	t.Helper()
	switch db := s.app.db.(type) {
	case *sqliteDB:
		_, err := db.w.Exec(stmt)
		require.NoError(t, err)
	case *pgDB:
		_, err := db.pool.Exec(context.Background(), stmt)
		require.NoError(t, err)
	}
}

// sweepPlan returns the database's plan of the sweep's query (on
// PostgreSQL with sequential scans off, since a table of a few rows is
// read faster whole).
func sweepPlan(t *testing.T, s *server) string {
	t.Helper()
	const q = `SELECT id FROM inquiries WHERE next_check IS NOT NULL AND next_check <= 0 ORDER BY next_check LIMIT 100`
	switch db := s.app.db.(type) {
	case *sqliteDB:
		var plan string
		require.NoError(t, db.w.QueryRow(`EXPLAIN QUERY PLAN `+q).Scan(new(int), new(int), new(int), &plan))
		return plan
	case *pgDB:
		conn, err := db.pool.Acquire(context.Background())
		require.NoError(t, err)
		defer conn.Release()
		_, err = conn.Exec(context.Background(), `SET enable_seqscan = off`)
		require.NoError(t, err)
		defer conn.Exec(context.Background(), `RESET enable_seqscan`)
		rows, err := conn.Query(context.Background(), `EXPLAIN `+q)
		require.NoError(t, err)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		require.NoError(t, err)
		return strings.Join(lines, "\n")
	}
	return ""
}
