"""The simulator drives the real bot over HTTP: invitations, one-line and guided reports."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from bot.app import build_application
from bot.core.clock import SettableClock
from bot.core.domain import NOTHING_TO_REPORT, Role
from bot.core.plan import load_plan
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.sim_runner import running_bot
from bot.demo.simulation.behaviour import Activity, Count
from bot.demo.simulation.bureau import Channel, Roster, build_roster
from bot.demo.simulation.driver import BureauDriver
from storage.reports import ReportRepo
from tests.auxil.harness import make_settings

DAY = date(2021, 11, 24)
YESTERDAY = date(2021, 11, 23)


def _roster() -> Roster:
    roster = build_roster(load_plan(make_plan_path()), officers=10, seed=11)
    officers = list(roster.officers)
    officers[0] = replace(officers[0], channel=Channel.ONE_LINE, language_code="zh-hant")
    officers[1] = replace(officers[1], channel=Channel.ONE_LINE, language_code="en")
    officers[2] = replace(officers[2], channel=Channel.GUIDED, language_code="zh-hant")
    officers[3] = replace(officers[3], channel=Channel.GUIDED, language_code="en")
    return replace(roster, officers=tuple(officers))


def make_plan_path() -> Path:
    return Path(__file__).resolve().parent.parent / "plan.json"


async def test_everyone_registers_and_reports_through_the_bot(tmp_path: Path, standin: BotApiStandIn) -> None:
    roster = _roster()
    settings = make_settings(tmp_path, standin, admin_ids=str(roster.admin.telegram_id))
    clock = SettableClock(datetime(2021, 11, 1, tzinfo=UTC))
    first, english, guided, guided_en, quiet = roster.officers[:5]
    activities = [
        Activity(first, DAY, counts=(Count("dui", 2, DAY, "路檢"), Count("prevention_talks", 1, YESTERDAY))),
        Activity(english, DAY, counts=(Count("domestic_violence", 1, YESTERDAY),)),
        Activity(guided, DAY, counts=(Count("protection_order", 3, DAY), Count("prevention_talks", 12, DAY))),
        Activity(guided_en, DAY, counts=(Count("trafficking", 1, YESTERDAY),)),
        Activity(quiet, DAY, nothing_day=DAY),
        Activity(roster.officers[5], DAY),
    ]
    async with running_bot(build_application(settings, clock=clock)) as application:
        driver = BureauDriver(standin, clock, application.bot_data.plan, roster, tz=settings.tz, seed=1)
        await driver.register_everyone(date(2021, 11, 22))
        await driver.run_day(DAY, activities)
        users = await application.bot_data.repos.users.list_unit()
        reports = [row async for row in ReportRepo(application.bot_data.repos.db).export_rows()]

    assert driver.tally.registered == len(roster.officers) + len(roster.chiefs)
    assert {(u.telegram_id, u.role) for u in users} == {(p.telegram_id, p.role) for p in roster.everyone}
    assert sum(u.role is Role.CHIEF for u in users) == len(roster.chiefs)
    stored = sorted((r.officer_telegram_id, r.indicator, r.count, r.report_date, r.note) for r in reports)
    assert stored == sorted(
        [
            (first.telegram_id, "dui", 2, DAY, "路檢"),
            (first.telegram_id, "prevention_talks", 1, YESTERDAY, ""),
            (english.telegram_id, "domestic_violence", 1, YESTERDAY, ""),
            (guided.telegram_id, "protection_order", 3, DAY, ""),
            (guided.telegram_id, "prevention_talks", 12, DAY, ""),
            (guided_en.telegram_id, "trafficking", 1, YESTERDAY, ""),
            (quiet.telegram_id, NOTHING_TO_REPORT, 0, DAY, ""),
        ]
    )
    assert (driver.tally.one_line, driver.tally.guided, len(driver.tally.nothing)) == (3, 3, 1)
    assert driver.tally.totals() == {
        "dui": 2, "prevention_talks": 13, "domestic_violence": 1, "protection_order": 3, "trafficking": 1
    }  # fmt: skip
    assert "Saved" in (standin.last_message(english.telegram_id).plain_text or "")
    assert "已記錄" in (standin.last_message(first.telegram_id).plain_text or "")
    assert "已記錄" in (standin.last_message(quiet.telegram_id).plain_text or "")
    received = {r.received_at for r in reports}
    assert received == {datetime(2021, 11, 24, 13, 0, tzinfo=UTC)}  # 21:00 in Taipei, from the clock
