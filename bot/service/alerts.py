"""Admins hear about trouble: once per problem per 6 hours while it lasts, and once when it is over.

The problems: the nightly backup failed (its retries do not add messages), a digest or reminder
run still has recipients pending an hour after its time, the inbox backlog is above
ALERT_INBOX_BACKLOG, free disk is under DISK_LOW_MB, the Bot API keeps failing (while it fails
a message may not get through: the admins are then told of the outage, from when to when, once
it answers again). Reviewed every minute and right after each backup attempt. What was
announced is kept in memory: after a restart a problem that still lasts is announced again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application, CallbackContext

from bot.core.domain import Language, Role
from bot.service import snapshot
from bot.service.vitals import ApiOutage
from bot.services import Services

log = logging.getLogger(__name__)

REPEAT_AFTER = timedelta(hours=6)
RUN_LATE_AFTER = timedelta(hours=1)
REVIEW_EVERY = timedelta(minutes=1)
JOB_NAME = "alerts"
KINDS = ("backup_failed", "run_pending", "inbox_backlog", "disk_low", "api_failing")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass(frozen=True)
class Problem:
    """A problem found now: its kind (a catalog key in alerts.toml) and the values its message shows."""

    kind: str
    values: dict[str, object] = field(default_factory=dict)


async def find_problems(services: Services) -> dict[str, Problem]:
    """Every problem that holds now, by kind."""
    settings, vitals = services.settings, services.vitals
    taken = await snapshot.take(services)
    found: list[Problem] = []
    if vitals.backup is not None and not vitals.backup.ok:
        found.append(
            Problem("backup_failed", {"folder": str(settings.backup_dir), "error": vitals.backup.error})
        )
    stats = taken.stats
    if stats is not None:
        late = [run for run in stats.unfinished_runs if run.due_at <= taken.now - RUN_LATE_AFTER]
        if late:
            run = late[0]
            found.append(
                Problem("run_pending", {"run": run.kind, "period": run.period, "pending": run.pending})
            )
        if stats.inbox_pending > settings.alert_inbox_backlog:
            found.append(
                Problem(
                    "inbox_backlog", {"count": stats.inbox_pending, "limit": settings.alert_inbox_backlog}
                )
            )
    low = settings.disk_low_mb * 1_000_000
    if taken.disk_free_bytes is not None and taken.disk_free_bytes < low:
        free = f"{taken.disk_free_bytes / 1_000_000:.0f}"
        found.append(Problem("disk_low", {"free": free, "limit": settings.disk_low_mb}))
    if vitals.api_failing():
        found.append(Problem("api_failing", {"failures": vitals.api_failures}))
    return {problem.kind: problem for problem in found}


class AlertMonitor:
    """Remembers which problems the admins were told about, and when."""

    def __init__(self, application: AnyApplication) -> None:
        self._application = application
        self._announced: dict[str, datetime] = {}
        self._lock = asyncio.Lock()

    @property
    def services(self) -> Services:
        """Settings, catalog, clock, repositories and vitals."""
        services: Services = self._application.bot_data
        return services

    async def review(self) -> None:
        """Announce new problems (again after 6 hours) and the end of announced ones."""
        async with self._lock:
            found = await find_problems(self.services)
            now = self.services.clock.now()
            outages, self.services.vitals.api_outages = self.services.vitals.api_outages, []
            for kind in KINDS:
                problem, announced = found.get(kind), self._announced.get(kind)
                if problem is not None and (announced is None or now - announced >= REPEAT_AFTER):
                    if await self._tell(f"alerts.{kind}", problem.values):
                        self._announced[kind] = now
                elif (
                    problem is None
                    and announced is not None
                    and await self._tell(f"alerts.{kind}_resolved", {})
                ):
                    del self._announced[kind]
                    if kind == "api_failing":
                        outages = []  # the end of this outage was just told
            if outages and not await self._tell_outage(outages):
                self.services.vitals.api_outages[:0] = outages

    async def _tell_outage(self, outages: list[ApiOutage]) -> bool:
        """An outage the admins could not be told of while it lasted: when, how long, what to do."""
        tz = self.services.settings.tz
        started = datetime.fromtimestamp(outages[0].started, tz)
        ended = datetime.fromtimestamp(outages[-1].ended, tz)
        return await self._tell(
            "alerts.api_outage",
            {
                "start": f"{started:%Y-%m-%d %H:%M:%S}",
                "end": f"{ended:%H:%M:%S}",
                "failures": sum(outage.failures for outage in outages),
            },
        )

    async def tick(self, _: CallbackContext[Any, Any, Any, Any]) -> None:
        """JobQueue callback."""
        await self.review()

    async def _admins(self) -> dict[int, Language]:
        admins = {telegram_id: Language.ZH for telegram_id in self.services.settings.admin_ids}
        for member in await self.services.repos.users.list_unit():
            if member.role is Role.ADMIN and member.active:
                admins[member.telegram_id] = member.language or Language.ZH
            elif member.telegram_id in admins:
                del admins[member.telegram_id]
        return admins

    async def _tell(self, key: str, values: dict[str, object]) -> bool:
        """Send one message to every admin; True if at least one received it."""
        catalog, told = self.services.catalog, False
        for telegram_id, language in (await self._admins()).items():
            shown = {**values}
            if "run" in shown:
                shown["run"] = catalog.plain(language, f"alerts.run_{shown['run']}")
            try:
                await self._application.bot.send_message(telegram_id, catalog.text(language, key, **shown))
            except TelegramError as error:
                log.warning("could not tell an admin about %s: %s", key, error.message)
                continue
            told = True
        if not told:
            log.warning("%s reached no admin", key)
        return told


def install(application: AnyApplication) -> AlertMonitor:
    """Review the problems every minute."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is needed"
    monitor = AlertMonitor(application)
    application.job_queue.run_repeating(
        monitor.tick, interval=REVIEW_EVERY, first=REVIEW_EVERY, name=JOB_NAME, data=monitor,
        job_kwargs={"coalesce": True, "max_instances": 1},
    )  # fmt: skip
    return monitor


def monitor_of(application: AnyApplication) -> AlertMonitor | None:
    """The monitor installed on an application, if any."""
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(JOB_NAME) if queue is not None else ()
    return jobs[0].data if jobs and isinstance(jobs[0].data, AlertMonitor) else None
