"""The end of the demo's weeks: the admin's figures and allocation, the Monday digest, /progress, /export.

Everything goes through the real bot over HTTP: the admin enters the year's figures that are
not field counts with `/set`, splits the bureau's prevention-talks target among the units with
`/allocate … auto` and its confirm button (so a chief's digest judges that line against the
unit's own share), the clock moves to the digest's Monday morning and the dispatcher
sends what is due (as the JobQueue would at that time), then the admin asks for `/progress`,
`/export <year> xlsx <unit>` and the whole bureau's `/export <year> xlsx`. The digest chart and
the workbooks are taken from what the stand-in recorded, exactly the bytes a chief and the admin
received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application

from bot.core.clock import SettableClock
from bot.demo.sandbox.records import SentMessage
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.simulation.bureau import Roster
from bot.demo.simulation.driver import SimulationError
from bot.scheduling.dispatcher import dispatcher_of

CHART_NAME = "digest-chart.png"
WORKBOOK_NAME = "export.xlsx"
BUREAU_WORKBOOK_NAME = "export-bureau.xlsx"
DIGEST_TIME = time(8, 0)
ADMIN_TIME = time(9, 0)
REPLY_TIMEOUT = 60.0
ALLOCATED = "prevention_talks"
"""The indicator whose bureau target the admin splits among the units."""


def admin_figures(year: int, dui_reference: int) -> list[str]:
    """The year's figures an admin enters by hand (realistic values for Keelung in 2021)."""
    return [
        f"/set clearance_rate 3318/3764 {year}",  # cases cleared / cases occurred
        f"/set drug_enforcement 91.5% {year}",
        f"/set urine_test 1046/1208 {year}",  # attended / summoned
        f"/set dui {dui_reference} {year}",  # the NPA's reference number of DUI stops
        f"/set a1_fatalities 19 {year - 1}",  # A1 deaths the year before ...
        f"/set a1_fatalities 16 {year}",  # ... and this year: a reduction of 3
        f"/set lpr_cameras 18/20 {year}",  # cameras installed / planned
        f"/set pc_budget_execution 92.3% {year}",
        f"/set vehicle_budget_execution 87.6% {year}",
        f"/set budget_surplus 4.6% {year}",
        f"/set contract_staff_growth -1.2% {year}",
        f"/set learning_hours 1093/1154 {year}",  # completed the hours / civil servants
    ]


@dataclass
class Closing:
    """What the chief of the featured unit and the admin received at the end."""

    chief_id: int
    digest_text: str
    chart: Path
    progress_text: str
    workbook: Path
    bureau_workbook: Path
    figures_set: int
    allocation: str = ""


def _admin_of(roster: Roster) -> int:
    return roster.admin.telegram_id


async def _ask(standin: BotApiStandIn, user_id: int, text: str) -> SentMessage:
    standin.send_text(user_id, text)
    return await standin.next_message(user_id, timeout=REPLY_TIMEOUT)


async def _export(standin: BotApiStandIn, admin: int, command: str, path: Path) -> Path:
    """Ask for an export and keep the document the admin received in `path`."""
    exported = await _ask(standin, admin, command)
    if exported.document is None:  # "preparing…" comes first when the export takes over a second
        exported = await standin.next_message(admin, timeout=REPLY_TIMEOUT)
    if exported.document is None:
        raise SimulationError(f"{command} gave no document: {exported.plain_text!r}")
    path.write_bytes(exported.document[1])
    return path


async def _allocate(standin: BotApiStandIn, admin: int, year: int) -> str:
    """The admin splits the bureau's target among the units and confirms; return the stored split."""
    proposal = await _ask(standin, admin, f"/allocate {ALLOCATED} {year} auto")
    if not proposal.buttons:
        raise SimulationError(f"/allocate proposed nothing: {proposal.plain_text!r}")
    standin.press(admin, proposal, proposal.button("✅"))
    stored = await standin.next_event(admin, timeout=REPLY_TIMEOUT)
    if "✅" not in (stored.plain_text or ""):
        raise SimulationError(f"the allocation was not stored: {stored.plain_text!r}")
    return stored.plain_text or ""


async def close_the_weeks(
    application: Application[Any, Any, Any, Any, Any, Any],
    standin: BotApiStandIn,
    clock: SettableClock,
    roster: Roster,
    *,
    last_day: date,
    unit_code: str,
    dui_reference: int,
    folder: Path,
    tz: ZoneInfo,
) -> Closing:
    """Enter the figures, send Monday's digest, and fetch /progress and the unit's and the bureau's .xlsx."""
    admin = _admin_of(roster)
    chief = next((c.telegram_id for c in roster.chiefs if c.unit_code == unit_code), None)
    if chief is None:
        raise SimulationError(f"no chief of {unit_code} in the roster")
    monday = last_day + timedelta(days=(7 - last_day.weekday()) % 7 or 7)
    clock.set(datetime.combine(last_day, time(21, 0), tzinfo=tz))
    figures = admin_figures(last_day.year, dui_reference)
    for line in figures:
        answer = await _ask(standin, admin, line)
        if not (answer.plain_text or "").startswith("✅"):
            raise SimulationError(f"{line!r} was refused: {answer.plain_text!r}")
    allocation = await _allocate(standin, admin, last_day.year)
    clock.set(datetime.combine(monday, DIGEST_TIME, tzinfo=tz))
    mark = len(standin.sent)
    await dispatcher_of(application).run_due(clock.now())
    received = [m for m in standin.sent[mark:] if m.chat_id == chief]
    for _ in (m for m in standin.sent[mark:] if m.chat_id == admin):
        await standin.next_message(admin, timeout=REPLY_TIMEOUT)  # the admin's own bureau digest
    texts = [m.plain_text or "" for m in received if m.method == "sendMessage"]
    photos = [m.photo for m in received if m.method == "sendPhoto" and m.photo]
    if not texts or not photos:
        raise SimulationError(f"the chief of {unit_code} received no digest: {received!r}")
    chart = folder / CHART_NAME
    chart.write_bytes(photos[0])
    clock.set(datetime.combine(monday, ADMIN_TIME, tzinfo=tz))
    progress = await _ask(standin, admin, "/progress")
    year = last_day.year
    workbook = await _export(standin, admin, f"/export {year} xlsx {unit_code}", folder / WORKBOOK_NAME)
    bureau = await _export(standin, admin, f"/export {year} xlsx", folder / BUREAU_WORKBOOK_NAME)
    return Closing(
        chief_id=chief,
        digest_text="\n".join(texts),
        chart=chart,
        progress_text=progress.plain_text or "",
        workbook=workbook,
        bureau_workbook=bureau,
        figures_set=len(figures),
        allocation=allocation,
    )
