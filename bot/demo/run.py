"""`python -m bot demo`: the bureau at work, offline, in under a minute.

The demo starts the Bot API stand-in and the real bot in this process on a new database and
plays the end of a year of reporting with a settable clock:

- from 1 January up to the simulated weeks, every officer's reports are written through
  storage (`bot.demo.simulation.history`), as if the bureau had used the bot all year;
- during the simulated weeks a group of officers from every unit, every unit's chief and the
  admin talk to the bot over HTTP through the stand-in: invitations, `/start`, one-line and
  guided reports, "nothing to report". The bot's rate limiter (Telegram's 30 messages a
  second) bounds how many people fit in a minute, so the rest of the bureau's reports for
  those weeks go through storage as well.

At the end of the weeks the admin enters the year's figures that are not field counts with
`/set`, the Monday digest goes out through the bot's dispatcher, and the admin asks for
`/progress`, `/export <year> xlsx p1` and `/export <year> xlsx` (`bot.demo.ending`). It
prints the bureau's and 第一分局's rows of the progress pipeline (the roll-ups' counts, as
/progress judges them), the digest the chief of 第一分局 received and the bureau's progress as
the admin sees them, and writes the CSV export, the digest chart and the two .xlsx exports
into the folder it names.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

from bot.core.clock import SettableClock
from bot.core.plan import Plan, load_plan
from bot.core.standing import Standing
from bot.demo.ending import Closing, close_the_weeks
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.sim_runner import BotBuilder, running_bot, standin_settings
from bot.demo.simulation.behaviour import Activity, Population
from bot.demo.simulation.bureau import (
    ADMIN_ID,
    BUREAU_STRENGTH,
    Channel,
    Person,
    Roster,
    build_roster,
    spread_sample,
)
from bot.demo.simulation.driver import BureauDriver, Tally
from bot.demo.simulation.history import HistoryStats, days_between, members, write_days
from bot.demo.simulation.summary import notes, render_table, totals_by_scope
from bot.rendering.export import write_csv
from bot.services import progress_over
from storage.bulk import BulkLoader
from storage.database import Database

DEMO_TOKEN = "100000001:DEMO-local-stand-in-token"
FEATURED_UNIT = "p1"
DATABASE_NAME = "demo.sqlite3"
CSV_NAME = "reports.csv"
DUI_REFERENCE = 1450  # the NPA's reference number of DUI stops for the bureau in 2021


@dataclass(frozen=True)
class DemoOptions:
    """How big and how long the demo is."""

    end: date = date(2021, 11, 28)
    weeks: int = 4
    officers: int = BUREAU_STRENGTH
    via_bot: int = 30
    seed: int = 2021
    out: Path | None = None

    @property
    def first_live_day(self) -> date:
        """The first day driven over HTTP."""
        return self.end - timedelta(days=7 * self.weeks - 1)


@dataclass
class DemoResult:
    """What the demo did and wrote."""

    folder: Path
    database: Path
    csv: Path
    via_bot_ids: frozenset[int]
    tally: Tally = field(default_factory=Tally)
    history: HistoryStats | None = None
    bulk_live_weeks: HistoryStats | None = None
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    standings: list[Standing] = field(default_factory=list)
    closing: Closing | None = None
    storage_seconds: float = 0.0
    http_seconds: float = 0.0
    seconds: float = 0.0


def _busiest(roster: Roster, options: DemoOptions) -> dict[int, int]:
    """Who has most to report during the live weeks, by a dry run of the behaviour model.

    The demo lets those officers talk to the bot, so that one-line and guided reports show up
    beside "nothing to report" (between two equally busy officers, one who uses the guided
    flow goes first); everyone's behaviour, and so every total, stays the same.
    """
    population = Population(roster.officers, seed=options.seed)
    busy: dict[int, int] = {}
    for day in days_between(date(options.end.year, 1, 1), options.end):
        for activity in population.day(day):
            if day >= options.first_live_day and activity.counts:
                person = activity.person
                score = 2 * len(activity.counts) + (person.channel is Channel.GUIDED)
                busy[person.telegram_id] = busy.get(person.telegram_id, 0) + score
    return busy


def _folder(out: Path | None) -> Path:
    if out is None:
        return Path(tempfile.mkdtemp(prefix="fieldbot-demo-"))
    out.mkdir(parents=True, exist_ok=True)
    if (out / DATABASE_NAME).exists():
        raise FileExistsError(f"{out / DATABASE_NAME} exists; choose an empty folder")
    return out


@dataclass
class _Play:
    """One run of the demo against a running bot."""

    db: Database
    standin: BotApiStandIn
    clock: SettableClock
    plan: Plan
    roster: Roster
    live: tuple[Person, ...]
    options: DemoOptions
    tz: ZoneInfo
    result: DemoResult
    say: Callable[[str], None]

    def _except_live(self, population: Population) -> Callable[[date], Iterator[Activity]]:
        live = self.result.via_bot_ids
        return lambda day: (a for a in population.day(day) if a.person.telegram_id not in live)

    async def _end_of_day(self, loader: BulkLoader, day: date, others: list[Activity]) -> None:
        """Once the day's talk with the bot is over, the rest of the bureau's reports go in."""
        stats = await write_days(loader, [day], lambda _: others, self.tz)
        done = self.result.bulk_live_weeks
        self.result.bulk_live_weeks = stats if done is None else done.plus(stats)

    async def run(self) -> None:
        """Fill the year through storage, then drive the live weeks through the bot."""
        options, roster, loader = self.options, self.roster, BulkLoader(self.db)
        year_start, first_live = date(options.end.year, 1, 1), options.first_live_day
        live_ids = self.result.via_bot_ids
        others = [officer for officer in roster.officers if officer.telegram_id not in live_ids]
        await loader.add_members(members=members(others, day=year_start, tz=self.tz), actor_id=None)
        population = Population(roster.officers, seed=options.seed)
        self.say(
            f"{year_start} … {first_live - timedelta(days=1)}: {len(others):,} officers' reports written"
            " through storage (bulk load, not HTTP)"
        )
        before = days_between(year_start, first_live - timedelta(days=1)) if first_live > year_start else []
        started = perf_counter()
        self.result.history = await write_days(loader, before, self._except_live(population), self.tz)
        self.result.storage_seconds = perf_counter() - started
        self.say(
            f"{first_live} … {options.end}: {len(self.live)} officers (those of each unit with most to"
            f" report), {len(roster.chiefs)} chiefs and the admin talk to the bot over HTTP through the"
            " local Bot API stand-in; the other"
            f" {len(others):,} officers' reports go through storage"
        )
        live_roster = Roster(officers=self.live, chiefs=roster.chiefs, admin=roster.admin)
        driver = BureauDriver(self.standin, self.clock, self.plan, live_roster, tz=self.tz, seed=options.seed)
        self.result.tally = driver.tally
        started = perf_counter()
        await driver.register_everyone(first_live)
        for day in days_between(first_live, options.end):
            activities = list(population.day(day))
            await driver.run_day(day, [a for a in activities if a.person.telegram_id in live_ids])
            await self._end_of_day(
                loader, day, [a for a in activities if a.person.telegram_id not in live_ids]
            )
        self.result.http_seconds = perf_counter() - started


async def run_demo(options: DemoOptions, build: BotBuilder, say: Callable[[str], None] = print) -> DemoResult:
    """Play the demo, print what happened and where it wrote; return the figures."""
    warnings.filterwarnings("ignore", message="If 'per_message=False'")
    started = perf_counter()
    folder = _folder(options.out)
    async with BotApiStandIn(DEMO_TOKEN) as standin:
        database = folder / DATABASE_NAME
        settings = standin_settings(
            standin, database_path=database, admin_ids=frozenset({ADMIN_ID}), log_level="WARNING"
        )
        plan = load_plan(settings.plan_path)
        roster = build_roster(plan, officers=options.officers, seed=options.seed)
        live = spread_sample(roster.officers, options.via_bot, _busiest(roster, options))
        result = DemoResult(
            folder=folder,
            database=settings.database_path,
            csv=folder / CSV_NAME,
            via_bot_ids=frozenset(person.telegram_id for person in live),
        )
        say(
            f"Simulated bureau: {len(roster.officers):,} officers in {len(plan.units)} units,"
            f" {len(roster.chiefs)} chiefs and an admin (seed {options.seed})"
        )
        clock = SettableClock(datetime.combine(date(options.end.year, 1, 1), time(8), tzinfo=settings.tz))
        async with running_bot(build(settings, clock=clock)) as application:
            db: Database = application.bot_data.repos.db
            play = _Play(db, standin, clock, plan, roster, live, options, settings.tz, result, say)
            await play.run()
            result.closing = await close_the_weeks(
                application, standin, clock, roster, last_day=options.end, unit_code=FEATURED_UNIT,
                dui_reference=DUI_REFERENCE, folder=folder, tz=settings.tz,
            )  # fmt: skip
            data = progress_over(db, plan, settings.tz)
            year = options.end.year
            result.totals = totals_by_scope(await data.year_counts(year=year, today=options.end))
            result.standings = await data.standings(
                unit_codes=[None, FEATURED_UNIT], year=year, today=options.end
            )
            with result.csv.open("w", encoding="utf-8-sig", newline="") as handle:
                await write_csv(db, handle)
    result.seconds = perf_counter() - started
    say(render_summary(plan, result, options))
    return result


def render_summary(plan: Plan, result: DemoResult, options: DemoOptions) -> str:
    """What the demo did, the two progress tables, and where the files are."""
    year, today = options.end.year, options.end
    tally = result.tally
    lines = [
        "",
        f"Through the bot over HTTP: {tally.registered} people registered by invitation,"
        f" {tally.updates:,} updates, {tally.one_line:,} one-line and {tally.guided:,} guided reports,"
        f" {len(tally.nothing):,} × nothing to report ({result.http_seconds:.1f} s, bounded by the bot's"
        " rate limiter at 30 messages a second); history through storage in"
        f" {result.storage_seconds:.1f} s",
        *_storage_line(result),
        "",
    ]
    titles = [
        f"Bureau 基隆市警察局, {year} as of {today}",
        f"{_unit_name(plan, FEATURED_UNIT)}, {year} as of {today}",
    ]
    for title, standing in zip(titles, result.standings, strict=True):
        lines.append(render_table(title, standing))
        lines += [f"  note: {note}" for note in notes(standing)]
        lines.append("")
    lines += _closing_lines(result.closing)
    lines += [
        f"Wrote {result.folder}:",
        f"  {result.database.name}  the bot's database",
        f"  {result.csv.name}  the CSV export (python -m bot export)",
        *_closing_files(result.closing, year),
        f"Finished in {result.seconds:.1f} s.",
    ]
    return "\n".join(lines)


def _storage_line(result: DemoResult) -> list[str]:
    if result.history is None:
        return []
    stored = result.history if result.bulk_live_weeks is None else result.history.plus(result.bulk_live_weeks)
    return [
        f"Through storage (bulk load): {stored.reports:,} count reports and {stored.nothing:,}"
        f" × nothing to report over {stored.officer_days:,} officer-days"
    ]


def _unit_name(plan: Plan, code: str) -> str:
    unit = plan.unit(code)
    return f"{unit.name.zh} {unit.name.en}" if unit else code


def _closing_lines(closing: Closing | None) -> list[str]:
    """The digest the chief received and the admin's /progress, as they read them."""
    if closing is None:
        return []
    rule = "─" * 60
    return [
        f"The admin entered {closing.figures_set} figures with /set (rates, budgets, the NPA's DUI"
        " reference value, A1 deaths), and split the bureau's target for prevention talks among the"
        " units with /allocate … auto (by active officers: the demo has no history of the year before):",
        closing.allocation,
        "",
        f"Monday's weekly digest, as the chief of {FEATURED_UNIT} received it:",
        rule,
        closing.digest_text,
        rule,
        "",
        "The bureau's progress, the admin's /progress:",
        rule,
        closing.progress_text,
        rule,
        "",
    ]


def _closing_files(closing: Closing | None, year: int) -> list[str]:
    if closing is None:
        return []
    return [
        f"  {closing.chart.name}  the digest chart the chief of {FEATURED_UNIT} received",
        f"  {closing.workbook.name}  the admin's /export {year} xlsx {FEATURED_UNIT} (reports, progress)",
        f"  {closing.bureau_workbook.name}  the admin's /export {year} xlsx (the whole bureau's)",
    ]
