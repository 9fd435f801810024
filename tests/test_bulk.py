"""Bulk loading through storage: audited like single writes, ids after the bot's own reports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.domain import NOTHING_TO_REPORT, Role
from bot.core.plan import load_plan
from bot.core.records import NewReport
from bot.demo.simulation.history import build_history_database
from storage.bulk import BulkLoader, LoadedReport, NewMember
from storage.database import Database
from storage.reports import ReportRepo
from storage.users import UserRepo

NOW = datetime(2021, 6, 1, 12, 0, tzinfo=UTC)
PLAN = Path(__file__).resolve().parent.parent / "plan.json"


async def _count(db: Database, table: str, where: str = "1") -> int:
    async with (
        db.read() as connection,
        connection.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}") as cur,
    ):
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_bulk_rows_are_audited_and_follow_the_bots_own(tmp_path: Path) -> None:
    db = Database(tmp_path / "bulk.sqlite3")
    await db.open()
    try:
        loader = BulkLoader(db)
        added = await loader.add_members(
            members=[
                NewMember(telegram_id=100 + n, full_name=f"Officer {n}", unit_code="p1", role=Role.OFFICER,
                          registered_at=NOW)
                for n in range(3)
            ],
            actor_id=None,
        )  # fmt: skip
        assert added == 3 and len(await UserRepo(db).list_unit(unit_code="p1")) == 3
        single, _ = await ReportRepo(db).add(
            report=NewReport(
                officer_id=100, unit_code="p1", indicator="dui", report_date=date(2021, 6, 1), count=1,
                note=None, chat_id=100, message_id=1, update_id=1, idempotency_key="m:100:1",
            ),
            now=NOW,
        )  # fmt: skip
        rows = [
            LoadedReport(officer_id=100 + n % 3, unit_code="p1", indicator="dui", report_date=NOW.date(),
                         count=2, received_at=NOW, note="路檢" if n == 0 else None)
            for n in range(5)
        ]  # fmt: skip
        assert await loader.add_reports(reports=iter(rows)) == 5
        totals = await ReportRepo(db).officer_totals(
            officer_id=100, start=date(2021, 1, 1), end=date(2021, 12, 31)
        )
        assert totals == {"dui": 1 + 2 * 2}
        exported = [row async for row in ReportRepo(db).export_rows()]
        assert [row.report_id for row in exported] == list(range(single.id, single.id + 6))
        assert exported[1].note == "路檢"
        assert await _count(db, "audit", "action = 'report.add'") == 6
        assert await _count(db, "audit", "action = 'user.register' AND new_value LIKE '%bulk%'") == 3
        assert await _count(db, "reports", "idempotency_key LIKE 'bulk:%'") == 5
    finally:
        await db.close()


async def test_bulk_reports_loaded_as_voided_are_voided_by_their_officer(tmp_path: Path) -> None:
    db = Database(tmp_path / "voids.sqlite3")
    await db.open()
    try:
        loader = BulkLoader(db)
        officer = NewMember(telegram_id=100, full_name="Officer", unit_code="p1", role=Role.OFFICER,
                            registered_at=NOW)  # fmt: skip
        await loader.add_members(members=[officer], actor_id=None)
        rows = [
            LoadedReport(officer_id=100, unit_code="p1", indicator="dui", report_date=NOW.date(), count=n + 1,
                         received_at=NOW, voided_at=NOW if n == 1 else None)
            for n in range(3)
        ]  # fmt: skip
        assert await loader.add_reports(reports=rows) == 3
        totals = await ReportRepo(db).officer_totals(officer_id=100, start=NOW.date(), end=NOW.date())
        assert totals == {"dui": 1 + 3}
        stored = await ReportRepo(db).for_officer_on(officer_id=100, day=NOW.date())
        voided = [r for r in stored if r.voided_at]
        assert [r.count for r in voided] == [2] and voided[0].voided_at == NOW
        assert await _count(db, "report_voids", "voided_by = 100 AND reason = 'bulk'") == 1
        assert await _count(db, "audit", f"action = 'report.void' AND subject = 'report:{voided[0].id}'") == 1
    finally:
        await db.close()


async def test_history_database_holds_the_roster_and_its_reports(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    roster, stats = await build_history_database(
        path, load_plan(PLAN), tz=ZoneInfo("Asia/Taipei"), first=date(2021, 1, 1), last=date(2021, 3, 31),
        officers=40, seed=3,
    )  # fmt: skip
    assert stats.days == 90 and stats.officer_days == 90 * 40
    db = Database(path)
    await db.open()
    try:
        assert await _count(db, "users") == len(roster.everyone)
        assert await _count(db, "reports", f"indicator = '{NOTHING_TO_REPORT}'") == stats.nothing > 0
        assert await _count(db, "reports", f"indicator != '{NOTHING_TO_REPORT}'") == stats.reports
        assert await _count(db, "audit", "action = 'report.add'") == stats.nothing + stats.reports
        assert await _count(db, "reports", "report_date < '2021-01-01' OR report_date > '2021-03-31'") == 0
    finally:
        await db.close()
