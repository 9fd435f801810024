-- Progress, digests and reminders: daily roll-ups of the report log kept by triggers,
-- away periods, group-chat subscriptions and the delivery bookkeeping of scheduled messages.

-- Valid counts per day, unit and indicator ('nothing to report' excluded). Triggers keep it
-- in the same transaction as every report and every void, whichever code path writes them.
CREATE TABLE unit_day_totals (
    report_date TEXT    NOT NULL,
    unit_code   TEXT    NOT NULL,
    indicator   TEXT    NOT NULL,
    total       INTEGER NOT NULL,
    reports     INTEGER NOT NULL,
    PRIMARY KEY (report_date, unit_code, indicator)
) WITHOUT ROWID;

-- The same per month ('YYYY-MM'), so that a year to date reads a dozen rows per unit and
-- indicator instead of a row per day.
CREATE TABLE unit_month_totals (
    month     TEXT    NOT NULL,
    unit_code TEXT    NOT NULL,
    indicator TEXT    NOT NULL,
    total     INTEGER NOT NULL,
    reports   INTEGER NOT NULL,
    PRIMARY KEY (month, unit_code, indicator)
) WITHOUT ROWID;

-- Valid reports per officer and day, 'nothing to report' included: who reported at all.
CREATE TABLE officer_days (
    officer_id  INTEGER NOT NULL,
    report_date TEXT    NOT NULL,
    reports     INTEGER NOT NULL,
    PRIMARY KEY (officer_id, report_date)
) WITHOUT ROWID;

INSERT INTO unit_day_totals (report_date, unit_code, indicator, total, reports)
SELECT r.report_date, r.unit_code, r.indicator, SUM(r.count), COUNT(*)
FROM reports r
WHERE r.indicator != 'nothing'
  AND NOT EXISTS (SELECT 1 FROM report_voids v WHERE v.report_id = r.id)
GROUP BY r.report_date, r.unit_code, r.indicator;

INSERT INTO unit_month_totals (month, unit_code, indicator, total, reports)
SELECT substr(report_date, 1, 7), unit_code, indicator, SUM(total), SUM(reports)
FROM unit_day_totals
GROUP BY substr(report_date, 1, 7), unit_code, indicator;

INSERT INTO officer_days (officer_id, report_date, reports)
SELECT r.officer_id, r.report_date, COUNT(*)
FROM reports r
WHERE NOT EXISTS (SELECT 1 FROM report_voids v WHERE v.report_id = r.id)
GROUP BY r.officer_id, r.report_date;

CREATE TRIGGER reports_roll_up AFTER INSERT ON reports
BEGIN
    INSERT INTO unit_day_totals (report_date, unit_code, indicator, total, reports)
    SELECT NEW.report_date, NEW.unit_code, NEW.indicator, NEW.count, 1
    WHERE NEW.indicator != 'nothing'
    ON CONFLICT (report_date, unit_code, indicator)
    DO UPDATE SET total = total + excluded.total, reports = reports + 1;
    INSERT INTO unit_month_totals (month, unit_code, indicator, total, reports)
    SELECT substr(NEW.report_date, 1, 7), NEW.unit_code, NEW.indicator, NEW.count, 1
    WHERE NEW.indicator != 'nothing'
    ON CONFLICT (month, unit_code, indicator)
    DO UPDATE SET total = total + excluded.total, reports = reports + 1;
    INSERT INTO officer_days (officer_id, report_date, reports)
    VALUES (NEW.officer_id, NEW.report_date, 1)
    ON CONFLICT (officer_id, report_date) DO UPDATE SET reports = reports + 1;
END;

CREATE TRIGGER report_voids_roll_up AFTER INSERT ON report_voids
BEGIN
    UPDATE unit_day_totals
    SET total = total - (SELECT count FROM reports WHERE id = NEW.report_id),
        reports = reports - 1
    WHERE (report_date, unit_code, indicator) =
          (SELECT report_date, unit_code, indicator FROM reports
           WHERE id = NEW.report_id AND indicator != 'nothing');
    UPDATE unit_month_totals
    SET total = total - (SELECT count FROM reports WHERE id = NEW.report_id),
        reports = reports - 1
    WHERE (month, unit_code, indicator) =
          (SELECT substr(report_date, 1, 7), unit_code, indicator FROM reports
           WHERE id = NEW.report_id AND indicator != 'nothing');
    UPDATE officer_days
    SET reports = reports - 1
    WHERE (officer_id, report_date) =
          (SELECT officer_id, report_date FROM reports WHERE id = NEW.report_id);
END;

-- /away: no reminders and not counted as silent from starts_on to ends_on (inclusive).
-- /back moves ends_on to the day before and sets ended_at.
CREATE TABLE away_periods (
    id         INTEGER PRIMARY KEY,
    officer_id INTEGER NOT NULL REFERENCES users (telegram_id),
    starts_on  TEXT    NOT NULL,
    ends_on    TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    ended_at   TEXT
);

CREATE INDEX away_by_officer ON away_periods (officer_id, ends_on);

-- Group chats that receive a unit's weekly digest (/subscribe by the unit's chief).
CREATE TABLE chat_subscriptions (
    chat_id       INTEGER PRIMARY KEY,
    unit_code     TEXT    NOT NULL,
    language      TEXT    NOT NULL CHECK (language IN ('zh', 'en')),
    subscribed_by INTEGER NOT NULL,
    subscribed_at TEXT    NOT NULL
);

-- One row per scheduled run (a week's digest, a day's reminder), written together with its
-- recipients, so that a restart resumes the same fan-out instead of planning a new one.
CREATE TABLE delivery_runs (
    kind       TEXT    NOT NULL CHECK (kind IN ('digest', 'reminder')),
    period     TEXT    NOT NULL,
    due_at     TEXT    NOT NULL,
    planned_at TEXT    NOT NULL,
    recipients INTEGER NOT NULL,
    PRIMARY KEY (kind, period)
);

CREATE TABLE deliveries (
    kind         TEXT    NOT NULL,
    period       TEXT    NOT NULL,
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
    PRIMARY KEY (kind, period, chat_id),
    FOREIGN KEY (kind, period) REFERENCES delivery_runs (kind, period)
);

CREATE INDEX deliveries_by_status ON deliveries (kind, period, status);
