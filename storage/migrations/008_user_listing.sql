-- /officers pages through users in the order it shows them (unit, name, id): an index in that
-- order lets SQLite step to a page instead of sorting every user on each tap.
CREATE INDEX users_by_unit_and_name ON users (unit_code, full_name, telegram_id);
