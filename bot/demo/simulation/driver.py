"""Make the simulated bureau talk to the real bot through the Bot API stand-in.

Every person is a Telegram user of the stand-in. The admin (named in ADMIN_IDS) invites
everyone with `/invite`, each person redeems the link with `/start <code>`, then officers
report day by day: most with the one-line `/report`, some through the guided flow's buttons,
some tap "nothing to report". Buttons are found by their callback data (bot.core.callbacks), so
the simulator presses what a person would press in either language.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import Awaitable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from bot.core import callbacks as cb
from bot.core.clock import SettableClock
from bot.core.domain import Role
from bot.core.plan import Plan
from bot.demo.sandbox.records import SentMessage
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.simulation.behaviour import REPORTING_TIME, Activity, Count
from bot.demo.simulation.bureau import Channel, Person, Roster

REGISTRATION_TIME = time(8, 0)
_LINK = re.compile(r"\?start=([\w-]+)")


class SimulationError(AssertionError):
    """The bot did not answer the way a person needs to go on."""


@dataclass
class Tally:
    """What the simulated people told the bot, for checking against what it stored."""

    counts: list[tuple[str, Count]] = field(default_factory=list)
    nothing: list[tuple[str, date]] = field(default_factory=list)
    updates: int = 0
    one_line: int = 0
    guided: int = 0
    registered: int = 0

    def totals(self, *, unit_code: str | None = None, year: int | None = None) -> dict[str, int]:
        """Sum of reported counts per indicator, optionally for one unit and one year."""
        totals: dict[str, int] = {}
        for unit, count in self.counts:
            if (unit_code is None or unit == unit_code) and (year is None or count.day.year == year):
                totals[count.indicator] = totals.get(count.indicator, 0) + count.count
        return totals


def _aliases(plan: Plan, english: bool) -> dict[str, tuple[str, ...]]:
    """What people type for each officer-reported indicator, by script."""
    typed: dict[str, tuple[str, ...]] = {}
    for indicator in plan.officer_indicators():
        names = [alias for alias in indicator.aliases if alias.isascii() == english and " " not in alias]
        typed[indicator.id] = tuple(names) or (indicator.id,)
    return typed


def _button(message: SentMessage, wanted: object) -> str:
    """The callback data of the button that decodes to `wanted` (or of the wanted type)."""
    for _, data in message.buttons:
        decoded = cb.decode(data or "")
        if decoded == wanted or (isinstance(wanted, type) and isinstance(decoded, wanted)):
            return data or ""
    raise SimulationError(f"no button for {wanted!r} in {message.buttons!r}: {message.plain_text!r}")


class BureauDriver:
    """Drives the roster's people against a running bot through the stand-in."""

    def __init__(
        self,
        standin: BotApiStandIn,
        clock: SettableClock,
        plan: Plan,
        roster: Roster,
        *,
        tz: ZoneInfo,
        seed: int = 0,
        reply_timeout: float = 120.0,
    ) -> None:
        self.standin, self.clock, self.plan, self.roster, self.tz = standin, clock, plan, roster, tz
        self.reply_timeout = reply_timeout
        self.tally = Tally()
        self._rng = random.Random(seed)
        self._typed = {False: _aliases(plan, False), True: _aliases(plan, True)}

    # ----------------------------------------------------------------- talking
    def _send(self, person: Person, text: str) -> None:
        self.standin.send_text(person.telegram_id, text)
        self.tally.updates += 1

    async def _reply(self, person: Person) -> SentMessage:
        return await self.standin.next_message(person.telegram_id, timeout=self.reply_timeout)

    async def _event(self, person: Person) -> SentMessage:
        return await self.standin.next_event(person.telegram_id, timeout=self.reply_timeout)

    async def _press(self, person: Person, message: SentMessage, wanted: object) -> SentMessage:
        self.standin.press(person.telegram_id, message, _button(message, wanted))
        self.tally.updates += 1
        return await self._event(person)

    def _meet(self, person: Person) -> None:
        self.standin.user(person.telegram_id, first_name=person.name, language_code=person.language_code)

    def at(self, day: date, moment: time) -> None:
        """Set the bot's clock to a local time on a day."""
        self.clock.set(datetime.combine(day, moment, tzinfo=self.tz))

    # ----------------------------------------------------------------- registration
    async def register_everyone(self, day: date) -> None:
        """The admin invites every chief and officer; each one redeems the link."""
        self.at(day, REGISTRATION_TIME)
        admin = self.roster.admin
        self._meet(admin)
        self._send(admin, "/help")  # an ADMIN_IDS user is registered on first contact
        await self._reply(admin)
        people = sorted((*self.roster.chiefs, *self.roster.officers), key=_invitation_key)
        for (unit, role), group in groupby(people, key=_invitation_key):
            await self._register_group(unit, role, list(group))

    async def _register_group(self, unit: str, role: Role, people: Sequence[Person]) -> None:
        admin = self.roster.admin
        for _ in people:
            self._send(admin, f"/invite {unit} {role.value}")
        codes = []
        for _ in people:
            reply = await self._reply(admin)
            match = _LINK.search(reply.plain_text or "")
            if match is None:
                raise SimulationError(f"/invite {unit} {role.value} gave no link: {reply.plain_text!r}")
            codes.append(match[1])
        for person, code in zip(people, codes, strict=True):
            self._meet(person)
            self._send(person, f"/start {code}")
        await asyncio.gather(*(self._reply(person) for person in people))
        for _ in people:
            await self._reply(admin)  # the inviter is told who redeemed each link
        self.tally.registered += len(people)

    # ----------------------------------------------------------------- reporting
    async def run_day(self, day: date, activities: Iterable[Activity]) -> None:
        """Everyone with something to say says it at the end of the day's shift."""
        self.at(day, REPORTING_TIME)
        scripts = [self._script(activity) for activity in activities if not activity.silent]
        await asyncio.gather(*scripts)

    def _script(self, activity: Activity) -> Awaitable[None]:
        """Decide every word now (deterministic order), then say it concurrently with others."""
        person = activity.person
        lines = [self._one_line(person, activity.day, count) for count in activity.counts]
        return self._perform(activity, lines)

    async def _perform(self, activity: Activity, lines: list[str]) -> None:
        person = activity.person
        for count, line in zip(activity.counts, lines, strict=True):
            if person.channel is Channel.GUIDED:
                await self._guided(person, count)
                self.tally.guided += 1
            else:
                self._send(person, line)
                await self._reply(person)
                self.tally.one_line += 1
            self.tally.counts.append((person.unit_code, count))
        if activity.nothing_day is not None:
            await self._nothing(person, activity.nothing_day)

    def _one_line(self, person: Person, today: date, count: Count) -> str:
        name = self._rng.choice(self._typed[person.english][count.indicator])
        words = ["/report", name, str(count.count)]
        if count.day != today:
            words.append(_day_word(person, today, count.day))
        if count.note:
            words.append(count.note)
        return " ".join(words)

    async def _guided(self, person: Person, count: Count) -> None:
        self._send(person, "/report")
        menu = await self._event(person)
        nonce = _nonce(menu)  # read before pressing: the menu message is edited in place
        ask_count = await self._press(person, menu, cb.PickIndicator(count.indicator, nonce))
        quick = cb.PickCount(count.indicator, count.count, nonce)
        if cb.encode(quick) in (data for _, data in ask_count.buttons):
            ask_day = await self._press(person, ask_count, quick)
        else:
            self._send(person, str(count.count))
            ask_day = await self._event(person)
        what = (count.indicator, count.count, count.day, nonce)
        confirm = await self._press(person, ask_day, cb.PickDay(*what))
        await self._press(person, confirm, cb.ConfirmReport(*what))

    async def _nothing(self, person: Person, day: date) -> None:
        self._send(person, "/report")
        menu = await self._event(person)
        await self._press(person, menu, cb.NothingToReport(day))
        self.tally.nothing.append((person.unit_code, day))


def _invitation_key(person: Person) -> tuple[str, Role]:
    return person.unit_code, person.role


def _nonce(menu: SentMessage) -> str:
    """The guided flow's nonce, read from the indicator buttons."""
    for _, data in menu.buttons:
        decoded = cb.decode(data or "")
        if isinstance(decoded, cb.PickIndicator):
            return decoded.nonce
    raise SimulationError(f"no indicator buttons in {menu.buttons!r}")


def _day_word(person: Person, today: date, day: date) -> str:
    if day == today - timedelta(days=1):
        return "yesterday" if person.english else "昨天"
    return day.isoformat()
