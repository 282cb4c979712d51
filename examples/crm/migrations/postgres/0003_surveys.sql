-- The audit sample's calls and what the customers said (board.go).
--
-- call_lists keeps each week's call list once drawn (report.AuditSample
-- over the inquiries that arrived the week before), so that the list the
-- desk calls, and records surveys against, does not change under it as
-- more of those inquiries are resolved.
--   week     ISO week of the list, "2026-W48", in the desk's zone
--   sample   the report.Sample drawn, JSON
--   drawn_at Unix nanoseconds of the back end's clock
CREATE TABLE call_lists (
	tenant   TEXT NOT NULL,
	week     TEXT NOT NULL,
	sample   TEXT NOT NULL,
	drawn_at BIGINT NOT NULL,
	PRIMARY KEY (tenant, week)
);

-- One row per call made; the latest per inquiry and week counts.
--   at       Unix nanoseconds of the back end's clock when it was recorded
--   reached  whether the customer was reached
--   answer   "did you get what you needed?": "yes", "no", "partly" or ""
--   rating   1 to 5, 0 for none
CREATE TABLE surveys (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	tenant     TEXT NOT NULL,
	week       TEXT NOT NULL,
	inquiry_id TEXT NOT NULL,
	at         BIGINT NOT NULL,
	reached    BOOLEAN NOT NULL,
	answer     TEXT NOT NULL,
	rating     INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 5),
	note       TEXT NOT NULL,
	FOREIGN KEY (tenant, week) REFERENCES call_lists (tenant, week),
	FOREIGN KEY (tenant, inquiry_id) REFERENCES inquiries (tenant, id)
);
CREATE INDEX surveys_by_week ON surveys (tenant, week, id);
