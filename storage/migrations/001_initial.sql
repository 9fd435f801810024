-- Users, invitations, the append-only report log, voids and the audit trail.

CREATE TABLE users (
    telegram_id   INTEGER PRIMARY KEY,
    full_name     TEXT    NOT NULL DEFAULT '',
    username      TEXT,
    unit_code     TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('officer', 'chief', 'admin')),
    language      TEXT    CHECK (language IN ('zh', 'en')),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    registered_at TEXT    NOT NULL,
    invitation    TEXT
);

CREATE TABLE invitations (
    code       TEXT    PRIMARY KEY,
    unit_code  TEXT    NOT NULL,
    role       TEXT    NOT NULL CHECK (role IN ('officer', 'chief', 'admin')),
    created_by INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    used_by    INTEGER REFERENCES users (telegram_id),
    used_at    TEXT,
    revoked_at TEXT
);

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    officer_id      INTEGER NOT NULL REFERENCES users (telegram_id),
    unit_code       TEXT    NOT NULL,
    indicator       TEXT    NOT NULL,
    report_date     TEXT    NOT NULL,
    count           INTEGER NOT NULL CHECK (count >= 0),
    note            TEXT,
    received_at     TEXT    NOT NULL,
    chat_id         INTEGER,
    message_id      INTEGER,
    update_id       INTEGER,
    idempotency_key TEXT    NOT NULL UNIQUE
);

CREATE INDEX reports_by_officer ON reports (officer_id, report_date);
CREATE INDEX reports_by_unit ON reports (unit_code, indicator, report_date);
CREATE INDEX reports_by_date ON reports (report_date, indicator);

CREATE TABLE report_voids (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    voided_at TEXT    NOT NULL,
    voided_by INTEGER NOT NULL,
    reason    TEXT    NOT NULL
);

CREATE TRIGGER reports_are_append_only_update BEFORE UPDATE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END;
CREATE TRIGGER reports_are_append_only_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END;
CREATE TRIGGER voids_are_final_update BEFORE UPDATE ON report_voids
BEGIN SELECT RAISE(ABORT, 'voids are final'); END;
CREATE TRIGGER voids_are_final_delete BEFORE DELETE ON report_voids
BEGIN SELECT RAISE(ABORT, 'voids are final'); END;

CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    actor_id  INTEGER,
    action    TEXT    NOT NULL,
    subject   TEXT,
    old_value TEXT,
    new_value TEXT
);

CREATE INDEX audit_by_time ON audit (at);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
