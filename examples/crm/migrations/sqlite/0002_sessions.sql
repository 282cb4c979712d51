-- The board's browser sessions (board.go): a browser logs in once with an
-- API token and then holds only a random session ID in an HttpOnly,
-- SameSite=Strict cookie; the database keeps the SHA-256 of that ID.
--   token_hash  the token logged in with: a session lives only as long as
--               its token is in tokens (replacing the tokens file ends it)
--   expires_at  Unix nanoseconds of the system clock
CREATE TABLE sessions (
	hash       BLOB PRIMARY KEY,
	tenant     TEXT NOT NULL,
	token_hash BLOB NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expiry ON sessions (expires_at);
