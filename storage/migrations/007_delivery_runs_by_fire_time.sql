-- A scheduled run is one fire time of its schedule, not one day or week: `0 18,21 * * *` makes two
-- reminder runs a day. Runs and their recipients are keyed by the fire time (UTC); `period` keeps
-- what the run is about (the day reminded of, the ISO week a digest covers).
--
-- Delivery bookkeeping leaves the audit trail, which keeps the changes people make: every status
-- change of a recipient is logged in `delivery_log`, in the same transaction as the change. The
-- old `delivery.*` audit rows are moved there (copied whole, then removed from the audit trail in
-- this one transaction), so nothing of their history is lost and /audit shows people's changes.

ALTER TABLE deliveries RENAME TO deliveries_by_period;
ALTER TABLE delivery_runs RENAME TO delivery_runs_by_period;
DROP INDEX deliveries_by_status;

CREATE TABLE delivery_runs (
    kind       TEXT    NOT NULL CHECK (kind IN ('digest', 'reminder')),
    fire_at    TEXT    NOT NULL,  -- the schedule's fire time, ISO in UTC
    period     TEXT    NOT NULL,  -- the day reminded of (YYYY-MM-DD) or the week covered (YYYY-Www)
    planned_at TEXT    NOT NULL,
    recipients INTEGER NOT NULL,
    PRIMARY KEY (kind, fire_at)
);

CREATE TABLE deliveries (
    kind         TEXT    NOT NULL,
    fire_at      TEXT    NOT NULL,
    chat_id      INTEGER NOT NULL,
    recipient_id INTEGER,
    scope        TEXT,
    language     TEXT    NOT NULL CHECK (language IN ('zh', 'en')),
    show_names   INTEGER NOT NULL DEFAULT 0 CHECK (show_names IN (0, 1)),
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sent', 'unreachable', 'skipped')),
    parts_sent   INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT,
    updated_at   TEXT    NOT NULL,
    PRIMARY KEY (kind, fire_at, chat_id),
    FOREIGN KEY (kind, fire_at) REFERENCES delivery_runs (kind, fire_at)
);

CREATE INDEX deliveries_by_status ON deliveries (kind, status, fire_at);

INSERT INTO delivery_runs (kind, fire_at, period, planned_at, recipients)
SELECT kind, strftime('%Y-%m-%dT%H:%M:%S+00:00', due_at), period, planned_at, recipients
FROM delivery_runs_by_period;

INSERT INTO deliveries (kind, fire_at, chat_id, recipient_id, scope, language, show_names, status,
                        parts_sent, attempts, error, updated_at)
SELECT d.kind, strftime('%Y-%m-%dT%H:%M:%S+00:00', r.due_at), d.chat_id, d.recipient_id, d.scope,
       d.language, d.show_names, d.status, d.parts_sent, d.attempts, d.error, d.updated_at
FROM deliveries_by_period d
JOIN delivery_runs_by_period r ON r.kind = d.kind AND r.period = d.period;

-- Every change of a run or of one recipient's delivery: planned, part_sent, sent, unreachable,
-- skipped, failed_attempt, migrated, superseded. chat_id is NULL for the planning of a run.
CREATE TABLE delivery_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    kind      TEXT    NOT NULL,
    fire_at   TEXT    NOT NULL,
    chat_id   INTEGER,
    event     TEXT    NOT NULL,
    old_value TEXT,
    new_value TEXT
);

-- Old audit subjects read 'kind:period' (a run) or 'kind:period:chat' (a recipient).
INSERT INTO delivery_log (at, kind, fire_at, chat_id, event, old_value, new_value)
SELECT a.at, a.kind,
       COALESCE(strftime('%Y-%m-%dT%H:%M:%S+00:00', r.due_at), a.period),
       a.chat_id, CASE a.action WHEN 'delivery.plan' THEN 'planned' ELSE substr(a.action, 10) END,
       a.old_value, a.new_value
FROM (
    SELECT id, at, action, old_value, new_value, kind,
           CASE WHEN instr(rest, ':') > 0 THEN substr(rest, 1, instr(rest, ':') - 1) ELSE rest END AS period,
           CASE WHEN instr(rest, ':') > 0 THEN CAST(substr(rest, instr(rest, ':') + 1) AS INTEGER) END AS chat_id
    FROM (
        SELECT id, at, action, old_value, new_value,
               substr(subject, 1, instr(subject, ':') - 1) AS kind,
               substr(subject, instr(subject, ':') + 1) AS rest
        FROM audit WHERE action LIKE 'delivery.%'
    )
) a
LEFT JOIN delivery_runs_by_period r ON r.kind = a.kind AND r.period = a.period
ORDER BY a.id;

DROP TRIGGER audit_is_append_only_delete;
DELETE FROM audit WHERE action LIKE 'delivery.%';
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TRIGGER delivery_log_is_append_only_update BEFORE UPDATE ON delivery_log
BEGIN SELECT RAISE(ABORT, 'the delivery log is append-only'); END;
CREATE TRIGGER delivery_log_is_append_only_delete BEFORE DELETE ON delivery_log
BEGIN SELECT RAISE(ABORT, 'the delivery log is append-only'); END;

DROP TABLE deliveries_by_period;
DROP TABLE delivery_runs_by_period;

