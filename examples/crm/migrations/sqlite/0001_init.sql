-- The crm's schema on SQLite. Instants are Unix nanoseconds (INTEGER):
-- the API accepts only instants from 1970-01-02 to 2099-12-30, far
-- inside the range of an int64.

-- API tokens, by the SHA-256 of the token; each is scoped to a tenant.
CREATE TABLE tokens (
	hash   BLOB PRIMARY KEY,
	tenant TEXT NOT NULL
) WITHOUT ROWID;

-- One row per inquiry, keyed by tenant and the tenant's own ID.
--   inquiry       the facts, JSON (inquiryJSON)
--   request_hash  SHA-256 of the create request, and answer, its answer:
--                 a retried create gets the first answer
--   event_count   the log's length: the row's version (events.seq runs 1..event_count)
--   state         kept evaluation state, to resume from (unused until the
--                 library evaluates incrementally; valid for event_count)
--   evaluated_at  the instant of the last evaluation
--   next_check    when the status would next change (Status.Next); NULL: never
--   sealed_at     the latest fired_at recorded for it: no event may be dated
--                 at or before it (it would rewrite what was recorded)
CREATE TABLE inquiries (
	tenant       TEXT NOT NULL,
	id           TEXT NOT NULL,
	inquiry      TEXT NOT NULL,
	request_hash BLOB NOT NULL,
	answer       BLOB NOT NULL,
	event_count  INTEGER NOT NULL DEFAULT 0,
	state        BLOB,
	evaluated_at INTEGER NOT NULL,
	next_check   INTEGER,
	sealed_at    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
CREATE INDEX inquiries_next_check ON inquiries (next_check) WHERE next_check IS NOT NULL;

-- The append-only logs. idem_key is the client's Idempotency-Key; a retry
-- with it gets answer, the first answer, if request_hash matches.
CREATE TABLE events (
	tenant       TEXT NOT NULL,
	inquiry_id   TEXT NOT NULL,
	seq          INTEGER NOT NULL,
	event        TEXT NOT NULL,
	idem_key     TEXT NOT NULL,
	request_hash BLOB NOT NULL,
	answer       BLOB NOT NULL,
	PRIMARY KEY (tenant, inquiry_id, seq),
	UNIQUE (tenant, inquiry_id, idem_key),
	FOREIGN KEY (tenant, inquiry_id) REFERENCES inquiries (tenant, id)
) WITHOUT ROWID;

-- Escalations, recorded once by (inquiry, obligation, level) with the
-- instant the log says it fired, and an outbox: a sweep hands out each row
-- not yet delivered whose lease_until passed, and moves lease_until on;
-- delivered_at is set when the delivery callback returned.
CREATE TABLE escalations (
	tenant       TEXT NOT NULL,
	inquiry_id   TEXT NOT NULL,
	obligation   TEXT NOT NULL,
	level        TEXT NOT NULL,
	fired_at     INTEGER NOT NULL,
	notify       TEXT NOT NULL,
	recorded_at  INTEGER NOT NULL,
	lease_until  INTEGER NOT NULL,
	delivered_at INTEGER,
	PRIMARY KEY (tenant, inquiry_id, obligation, level),
	FOREIGN KEY (tenant, inquiry_id) REFERENCES inquiries (tenant, id)
) WITHOUT ROWID;
CREATE INDEX escalations_undelivered ON escalations (lease_until) WHERE delivered_at IS NULL;
CREATE INDEX escalations_by_fired ON escalations (tenant, fired_at, inquiry_id, obligation, level);
