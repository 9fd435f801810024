-- The durable inbox: every update from Telegram is stored before it is acknowledged,
-- and marked done once its handlers have finished.

CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL,            -- the update's JSON as Telegram sent it
    received_at TEXT    NOT NULL,
    writes      INTEGER NOT NULL DEFAULT 0,  -- write transactions committed while handling it
    done_at     TEXT
);

CREATE INDEX inbox_pending ON inbox (update_id) WHERE done_at IS NULL;
CREATE INDEX inbox_done ON inbox (done_at) WHERE done_at IS NOT NULL;

-- The next getUpdates offset: persisted with the updates it follows, before Telegram is
-- told (by asking for that offset) that they arrived.
CREATE TABLE inbox_offset (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    next_offset INTEGER NOT NULL
);

-- Refused access is audited at most once per user per hour: find the latest quickly.
CREATE INDEX audit_by_action ON audit (action, subject, at);

-- /invite run twice for the same message (a redelivered update) creates one invitation.
ALTER TABLE invitations ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX invitations_by_key ON invitations (idempotency_key)
    WHERE idempotency_key IS NOT NULL;
