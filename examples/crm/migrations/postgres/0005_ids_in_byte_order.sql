-- IDs, obligations and levels compare byte by byte, as on SQLite, whatever
-- the database's collation: the pages of /escalations and /export and the
-- board's lists are ordered by them, and under a language's collation
-- (ICU en-US, say) "B" would sort after "a". Equality, and so every key,
-- is unchanged; the indexes on these columns are rebuilt. (The number
-- 0004 is SQLite's events in arrival order, which PostgreSQL did not need.)
ALTER TABLE inquiries ALTER COLUMN id TYPE TEXT COLLATE "C";
ALTER TABLE events ALTER COLUMN inquiry_id TYPE TEXT COLLATE "C";
ALTER TABLE escalations
	ALTER COLUMN inquiry_id TYPE TEXT COLLATE "C",
	ALTER COLUMN obligation TYPE TEXT COLLATE "C",
	ALTER COLUMN level TYPE TEXT COLLATE "C";
ALTER TABLE surveys ALTER COLUMN inquiry_id TYPE TEXT COLLATE "C";
