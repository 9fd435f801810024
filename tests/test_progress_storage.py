"""Storage for progress: roll-ups kept by triggers, attendance, away, subscriptions, deliveries."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import storage.database
from bot.core.domain import NOTHING_TO_REPORT, Language, Role
from bot.core.records import DateRange, DeliveryKind, DeliveryStatus, NewDelivery
from bot.services import Repositories
from storage.progress import split_range
from tests.auxil.seed import add_member, add_report, open_repos

NOW = datetime(2021, 3, 8, 0, 0, tzinfo=UTC)
INDICATORS = ("dui", "prevention_talks", NOTHING_TO_REPORT)


@pytest.fixture
async def repos(tmp_path: Path) -> AsyncIterator[Repositories]:
    opened = await open_repos(tmp_path / "bot.sqlite3")
    try:
        yield opened
    finally:
        await opened.db.close()


async def totals_by_key(repos: Repositories, span: DateRange) -> dict[tuple[str, str], int]:
    rows = await repos.progress.totals(ranges=[span])
    return {(row.unit_code, row.indicator): row.totals[0] for row in rows if row.totals[0]}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_roll_up_matches_the_log_after_reports_and_voids(repos: Repositories, seed: int) -> None:
    rng = random.Random(seed)
    officers = [await add_member(repos, 100 + i, rng.choice(["p1", "p2", "cid"])) for i in range(6)]
    expected: Counter[tuple[str, str]] = Counter()
    reported_days: Counter[tuple[int, date]] = Counter()
    live = []
    for _ in range(120):
        if live and rng.random() < 0.3:
            report, officer = live.pop(rng.randrange(len(live)))
            assert await repos.reports.void(report_id=report.id, voided_by=1, reason="test", now=NOW)
            assert not await repos.reports.void(report_id=report.id, voided_by=1, reason="again", now=NOW)
            if report.indicator != NOTHING_TO_REPORT:
                expected[(officer.unit_code, report.indicator)] -= report.count
            reported_days[(officer.telegram_id, report.report_date)] -= 1
            continue
        officer = rng.choice(officers)
        indicator = rng.choice(INDICATORS)
        count = 0 if indicator == NOTHING_TO_REPORT else rng.randint(0, 9)
        day = date(2021, 3, 1) + timedelta(days=rng.randint(0, 6))
        report = await add_report(repos, officer, indicator, count, day)
        live.append((report, officer))
        if indicator != NOTHING_TO_REPORT:
            expected[(officer.unit_code, indicator)] += count
        reported_days[(officer.telegram_id, day)] += 1
    week = DateRange(date(2021, 3, 1), date(2021, 3, 7))
    assert await totals_by_key(repos, week) == {key: value for key, value in expected.items() if value}
    for officer in officers:
        for offset in range(7):
            day = week.start + timedelta(days=offset)
            assert await repos.progress.needs_reminder(officer_id=officer.telegram_id, day=day) is (
                reported_days[(officer.telegram_id, day)] == 0
            )


async def test_migration_rolls_up_reports_written_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    all_migrations = storage.database._migrations()
    (progress,) = [version for version, name, _ in all_migrations if name.endswith("_progress.sql")]
    before_progress = [m for m in all_migrations if m[0] < progress]  # as the database stood then
    monkeypatch.setattr(storage.database, "_migrations", lambda: before_progress)
    old = await open_repos(path)
    officer = await add_member(old, 7, "p2")
    await add_report(old, officer, "dui", 4, date(2021, 3, 2))
    voided = await add_report(old, officer, "dui", 9, date(2021, 3, 2))
    await add_report(old, officer, NOTHING_TO_REPORT, 0, date(2021, 3, 3))
    await old.reports.void(report_id=voided.id, voided_by=7, reason="typo", now=NOW)
    await old.db.close()
    monkeypatch.setattr(storage.database, "_migrations", lambda: all_migrations)
    new = await open_repos(path)
    try:
        span = DateRange(date(2021, 3, 1), date(2021, 3, 7))
        assert await totals_by_key(new, span) == {("p2", "dui"): 4}
        assert not await new.progress.needs_reminder(officer_id=7, day=date(2021, 3, 3))
        assert await new.progress.needs_reminder(officer_id=7, day=date(2021, 3, 4))
    finally:
        await new.db.close()


async def test_totals_over_several_ranges_and_one_unit(repos: Repositories) -> None:
    first = await add_member(repos, 1, "p1")
    second = await add_member(repos, 2, "p2")
    await add_report(repos, first, "dui", 3, date(2020, 12, 31))
    await add_report(repos, first, "dui", 5, date(2021, 1, 1))
    await add_report(repos, first, "dui", 2, date(2021, 1, 8))
    await add_report(repos, second, "dui", 7, date(2021, 1, 8))
    ranges = [DateRange(date(2021, 1, 1), date(2021, 1, 10)), DateRange(date(2020, 12, 28), date(2021, 1, 3))]
    rows = await repos.progress.totals(ranges=ranges)
    assert {(r.unit_code, r.indicator): r.totals for r in rows} == {
        ("p1", "dui"): (7, 8),
        ("p2", "dui"): (7, 0),
    }
    only = await repos.progress.totals(ranges=ranges, unit_code="p2")
    assert [(r.unit_code, r.totals) for r in only] == [("p2", (7, 0))]
    assert await repos.progress.totals(ranges=[]) == []


async def test_quiet_officers_come_with_their_away_days(repos: Repositories) -> None:
    reporter = await add_member(repos, 1, "p1", name="甲")
    said_nothing = await add_member(repos, 2, "p1", name="乙")
    silent = await add_member(repos, 3, "p1", name="丙")
    away = await add_member(repos, 4, "p1", name="丁")
    await add_member(repos, 5, "p2", name="戊")
    await add_member(repos, 6, "p1", Role.CHIEF, name="局長")
    await add_report(repos, reporter, "dui", 1, date(2021, 3, 3))
    await add_report(repos, said_nothing, NOTHING_TO_REPORT, 0, date(2021, 3, 7))
    voided = await add_report(repos, silent, "dui", 1, date(2021, 3, 4))
    await repos.reports.void(report_id=voided.id, voided_by=3, reason="typo", now=NOW)
    await repos.away.set_until(
        officer_id=away.telegram_id, today=date(2021, 3, 5), until=date(2021, 3, 20), now=NOW
    )
    quiet = await repos.progress.quiet_officers(start=date(2021, 3, 1), end=date(2021, 3, 7), unit_code="p1")
    assert [(q.full_name, q.away) for q in quiet] == [
        ("丁", (DateRange(date(2021, 3, 5), date(2021, 3, 20)),)),
        ("丙", ()),
    ]
    everyone = await repos.progress.quiet_officers(start=date(2021, 3, 1), end=date(2021, 3, 7))
    assert [q.telegram_id for q in everyone] == [4, 3, 5]
    assert await repos.progress.officer_counts() == {"p1": 4, "p2": 1}


async def test_officers_to_remind_skip_reported_away_and_non_officers(repos: Repositories) -> None:
    day = date(2021, 3, 8)
    reported = await add_member(repos, 1, "p1")
    nothing = await add_member(repos, 2, "p1")
    away = await add_member(repos, 3, "p2")
    back = await add_member(repos, 4, "p2")
    await add_member(repos, 5, "p3")
    await add_member(repos, 6, "p1", Role.CHIEF)
    await add_member(repos, 7, "p1", Role.ADMIN)
    await add_report(repos, reported, "dui", 2, day)
    await add_report(repos, nothing, NOTHING_TO_REPORT, 0, day)
    await add_report(repos, away, "dui", 2, day - timedelta(days=1))
    await repos.away.set_until(officer_id=away.telegram_id, today=day, until=day, now=NOW)
    await repos.away.set_until(officer_id=back.telegram_id, today=day, until=day + timedelta(days=3), now=NOW)
    assert await repos.away.end(officer_id=back.telegram_id, today=day, now=NOW) is not None
    remind = await repos.progress.officers_to_remind(day=day)
    assert [member.telegram_id for member in remind] == [4, 5]
    tomorrow = await repos.progress.officers_to_remind(day=day + timedelta(days=1))
    assert [member.telegram_id for member in tomorrow] == [1, 2, 3, 4, 5]


async def test_away_is_extended_shortened_and_ended(repos: Repositories) -> None:
    officer = await add_member(repos, 1, "p1")
    today = date(2021, 3, 8)
    first = await repos.away.set_until(officer_id=1, today=today, until=date(2021, 3, 12), now=NOW)
    later = await repos.away.set_until(
        officer_id=1, today=today + timedelta(days=2), until=date(2021, 3, 20), now=NOW
    )
    assert (later.id, later.starts_on, later.ends_on) == (first.id, today, date(2021, 3, 20))
    assert await repos.away.current(officer_id=officer.telegram_id, today=date(2021, 3, 21)) is None
    ended = await repos.away.end(officer_id=1, today=date(2021, 3, 11), now=NOW)
    assert ended is not None and ended.ends_on == date(2021, 3, 20)
    assert await repos.away.current(officer_id=1, today=date(2021, 3, 11)) is None
    assert await repos.away.end(officer_id=1, today=date(2021, 3, 11), now=NOW) is None


async def test_subscriptions_follow_a_migrated_group(repos: Repositories) -> None:
    await repos.subscriptions.subscribe(chat_id=-10, unit_code="p1", language=Language.ZH, by=6, now=NOW)
    await repos.subscriptions.subscribe(chat_id=-20, unit_code="p2", language=Language.EN, by=7, now=NOW)
    assert await repos.subscriptions.migrate(old_chat_id=-10, new_chat_id=-1010, now=NOW)
    assert [(s.chat_id, s.unit_code) for s in await repos.subscriptions.all()] == [(-1010, "p1"), (-20, "p2")]
    assert not await repos.subscriptions.migrate(old_chat_id=-10, new_chat_id=-1010, now=NOW)
    removed = await repos.subscriptions.unsubscribe(chat_id=-20, by=7, now=NOW)
    assert removed is not None and removed.language is Language.EN
    assert await repos.subscriptions.unsubscribe(chat_id=-20, by=7, now=NOW) is None


async def test_a_run_is_planned_once_and_resumes_where_it_stopped(repos: Repositories) -> None:
    kind, period = DeliveryKind.DIGEST, "2021-W09"
    people = [NewDelivery(chat, chat, "p1", Language.ZH, True) for chat in (1, 2, 3)]
    duplicate = NewDelivery(2, 2, None, Language.EN, False)
    assert await repos.deliveries.plan(
        kind=kind, period=period, due_at=NOW, recipients=[*people, duplicate], now=NOW
    )
    assert not await repos.deliveries.plan(
        kind=kind, period=period, due_at=NOW, recipients=people[:1], now=NOW
    )
    pending = await repos.deliveries.pending(kind=kind, period=period)
    assert [(d.chat_id, d.scope) for d in pending] == [(1, "p1"), (2, "p1"), (3, "p1")]
    await repos.deliveries.part_sent(delivery=pending[0], parts_sent=1, done=False, now=NOW)
    await repos.deliveries.part_sent(delivery=pending[0], parts_sent=2, done=True, now=NOW)
    await repos.deliveries.part_sent(delivery=pending[1], parts_sent=1, done=False, now=NOW)
    await repos.deliveries.unreachable(delivery=pending[2], error="Forbidden: bot was blocked", now=NOW)
    left = await repos.deliveries.pending(kind=kind, period=period)
    assert [(d.chat_id, d.parts_sent) for d in left] == [(2, 1)]
    summary = await repos.deliveries.summary(kind=kind, period=period)
    assert summary is not None and summary.recipients == 3
    assert summary.by_status == {
        DeliveryStatus.SENT: 1,
        DeliveryStatus.PENDING: 1,
        DeliveryStatus.UNREACHABLE: 1,
    }
    assert await repos.deliveries.summary(kind=DeliveryKind.REMINDER, period=period) is None


async def test_a_delivery_follows_a_group_to_its_new_id(repos: Repositories) -> None:
    kind, period = DeliveryKind.DIGEST, "2021-W09"
    groups = [
        NewDelivery(-10, None, "p1", Language.ZH, False),
        NewDelivery(-30, None, "p3", Language.ZH, False),
    ]
    groups.append(NewDelivery(-1030, None, "p3", Language.ZH, False))
    await repos.deliveries.plan(kind=kind, period=period, due_at=NOW, recipients=groups, now=NOW)
    first, second, _ = await repos.deliveries.pending(kind=kind, period=period)
    moved = await repos.deliveries.move_chat(delivery=first, new_chat_id=-1010, now=NOW)
    assert moved is not None and moved.chat_id == -1010 and moved.scope == "p1"
    assert await repos.deliveries.move_chat(delivery=second, new_chat_id=-1030, now=NOW) is None
    statuses = {d.chat_id: d.status for d in await repos.deliveries.all(kind=kind, period=period)}
    assert statuses == {
        -1010: DeliveryStatus.PENDING,
        -30: DeliveryStatus.SKIPPED,
        -1030: DeliveryStatus.PENDING,
    }


@pytest.mark.parametrize(
    ("start", "end", "days", "months"),
    [
        (
            date(2021, 1, 1),
            date(2021, 12, 19),
            [(date(2021, 12, 1), date(2021, 12, 19))],
            ("2021-01", "2021-11"),
        ),
        (date(2021, 3, 1), date(2021, 3, 7), [(date(2021, 3, 1), date(2021, 3, 7))], None),
        (date(2021, 1, 1), date(2021, 1, 31), [], ("2021-01", "2021-01")),
        (date(2020, 2, 1), date(2020, 2, 29), [], ("2020-02", "2020-02")),
        (date(2020, 2, 1), date(2020, 2, 28), [(date(2020, 2, 1), date(2020, 2, 28))], None),
        (date(2020, 12, 28), date(2021, 1, 3), [(date(2020, 12, 28), date(2021, 1, 3))], None),
        (
            date(2021, 1, 15),
            date(2021, 3, 31),
            [(date(2021, 1, 15), date(2021, 1, 31))],
            ("2021-02", "2021-03"),
        ),
        (
            date(2020, 11, 30),
            date(2021, 2, 1),
            [(date(2020, 11, 30), date(2020, 11, 30)), (date(2021, 2, 1), date(2021, 2, 1))],
            ("2020-12", "2021-01"),
        ),
        (date(2021, 3, 2), date(2021, 3, 1), [], None),
    ],
)
def test_long_ranges_read_whole_months(
    start: date, end: date, days: list[tuple[date, date]], months: tuple[str, str] | None
) -> None:
    edges, whole = split_range(DateRange(start, end))
    assert [(edge.start, edge.end) for edge in edges] == days
    assert whole == months


async def test_totals_over_months_and_days_match_the_log(repos: Repositories) -> None:
    rng = random.Random(7)
    officers = [await add_member(repos, 200 + i, unit) for i, unit in enumerate(["p1", "p2", "p1"])]
    first = date(2020, 11, 20)
    log = []
    for _ in range(300):
        officer = rng.choice(officers)
        day = first + timedelta(days=rng.randint(0, 160))
        report = await add_report(repos, officer, "dui", rng.randint(0, 5), day)
        if rng.random() < 0.1:
            await repos.reports.void(report_id=report.id, voided_by=1, reason="test", now=NOW)
        else:
            log.append(report)
    ranges = [DateRange(first + timedelta(days=a), first + timedelta(days=a + n)) for a, n in
              ((0, 160), (11, 40), (41, 59), (70, 3), (12, 100), (150, 30))]  # fmt: skip
    rows = await repos.progress.totals(ranges=ranges)
    got = {row.unit_code: row.totals for row in rows}
    for unit in ("p1", "p2"):
        expected = tuple(
            sum(r.count for r in log if r.unit_code == unit and span.start <= r.report_date <= span.end)
            for span in ranges
        )
        assert got[unit] == expected
