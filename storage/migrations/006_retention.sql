-- Minimal retention and redaction.

-- An admin's /redact: one final record per report. Inserting it blanks the report's note
-- (the trigger below), and that is the only change a report may ever undergo.
CREATE TABLE report_redactions (
    report_id   INTEGER PRIMARY KEY REFERENCES reports (id),
    redacted_at TEXT    NOT NULL,
    redacted_by INTEGER NOT NULL,
    reason      TEXT    NOT NULL
);

CREATE TRIGGER redactions_are_final_update BEFORE UPDATE ON report_redactions
BEGIN SELECT RAISE(ABORT, 'redactions are final'); END;
CREATE TRIGGER redactions_are_final_delete BEFORE DELETE ON report_redactions
BEGIN SELECT RAISE(ABORT, 'redactions are final'); END;

-- Reports stay append-only, but for one update: the note set to NULL, nothing else changed,
-- once the report has a redaction record. With secure_delete the old bytes are zeroed.
DROP TRIGGER reports_are_append_only_update;
CREATE TRIGGER reports_are_append_only_update BEFORE UPDATE ON reports
WHEN NOT (
    NEW.note IS NULL
    AND EXISTS (SELECT 1 FROM report_redactions WHERE report_id = OLD.id)
    AND NEW.id IS OLD.id
    AND NEW.officer_id IS OLD.officer_id
    AND NEW.unit_code IS OLD.unit_code
    AND NEW.indicator IS OLD.indicator
    AND NEW.report_date IS OLD.report_date
    AND NEW.count IS OLD.count
    AND NEW.received_at IS OLD.received_at
    AND NEW.chat_id IS OLD.chat_id
    AND NEW.message_id IS OLD.message_id
    AND NEW.update_id IS OLD.update_id
    AND NEW.idempotency_key IS OLD.idempotency_key
)
BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END;

CREATE TRIGGER report_redactions_blank_the_note AFTER INSERT ON report_redactions
BEGIN UPDATE reports SET note = NULL WHERE id = NEW.report_id; END;

-- Updates handled before this version kept their whole payload: cut them to what
-- de-duplication needs, as every update is cut from now on once it is handled.
UPDATE inbox
SET payload = json_object(
    'update_id', update_id,
    'kind', (SELECT key FROM json_each(inbox.payload) WHERE key != 'update_id' LIMIT 1)
)
WHERE done_at IS NOT NULL AND json_valid(payload);
UPDATE inbox SET payload = json_object('update_id', update_id)
WHERE done_at IS NOT NULL AND NOT json_valid(payload);
