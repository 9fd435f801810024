-- Targets set by admins (/target, /target carry, /allocate, the bulk import): versioned like
-- admin_figures. A new entry supersedes the latest one for the same indicator, year and unit
-- (NULL = the whole bureau); both are kept, nothing is rewritten. The plan file's targets are
-- not copied here: an entry here overrides the file's target for its indicator, year and unit.

CREATE TABLE targets (
    id              INTEGER PRIMARY KEY,
    indicator       TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    unit_code       TEXT,
    value           TEXT    NOT NULL,
    change          TEXT    NOT NULL CHECK (change IN ('set', 'carry', 'allocate', 'import')),
    entered_by      INTEGER,                     -- NULL: the command-line import on the server
    entered_at      TEXT    NOT NULL,
    supersedes      INTEGER REFERENCES targets (id),
    idempotency_key TEXT    NOT NULL UNIQUE
);

CREATE INDEX targets_latest ON targets (year, indicator, unit_code, id);

CREATE TRIGGER targets_are_append_only_update BEFORE UPDATE ON targets
BEGIN SELECT RAISE(ABORT, 'targets are append-only'); END;
CREATE TRIGGER targets_are_append_only_delete BEFORE DELETE ON targets
BEGIN SELECT RAISE(ABORT, 'targets are append-only'); END;
