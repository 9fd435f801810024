-- Figures entered by admins (/set): rates, percentages, yearly figures, the NPA's reference
-- values. Versioned: a new entry supersedes the latest one for the same indicator, year
-- and unit (NULL = the whole bureau); both are kept, nothing is rewritten.

CREATE TABLE admin_figures (
    id              INTEGER PRIMARY KEY,
    indicator       TEXT    NOT NULL,
    measure         TEXT    NOT NULL
                    CHECK (measure IN ('count', 'rate', 'percentage', 'reduction', 'reference_achievement')),
    year            INTEGER NOT NULL,
    unit_code       TEXT,
    value           TEXT    NOT NULL,
    denominator     TEXT    CHECK ((measure = 'rate') = (denominator IS NOT NULL)),
    entered_by      INTEGER NOT NULL REFERENCES users (telegram_id),
    entered_at      TEXT    NOT NULL,
    supersedes      INTEGER REFERENCES admin_figures (id),
    idempotency_key TEXT    NOT NULL UNIQUE
);

CREATE INDEX admin_figures_latest ON admin_figures (year, indicator, unit_code, id);

CREATE TRIGGER admin_figures_are_append_only_update BEFORE UPDATE ON admin_figures
BEGIN SELECT RAISE(ABORT, 'admin figures are append-only'); END;
CREATE TRIGGER admin_figures_are_append_only_delete BEFORE DELETE ON admin_figures
BEGIN SELECT RAISE(ABORT, 'admin figures are append-only'); END;
