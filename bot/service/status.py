"""What /status shows an admin: the bot's own state and the problems the doctor would report."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import metadata
from typing import Any

from telegram.ext import Application

from bot.scheduling.dispatcher import DIGEST_JOB, REMINDER_JOB
from bot.service import health, snapshot
from bot.service.doctor import Finding, Level, local_findings
from bot.service.snapshot import Snapshot
from bot.services import Services


@dataclass(frozen=True)
class Status:
    """The facts /status shows."""

    version: str
    uptime: timedelta
    mode: str
    snapshot: Snapshot
    next_digest: datetime | None
    next_reminder: datetime | None
    backup_failing: bool
    health: list[Finding]
    findings: list[Finding]


def version() -> str:
    """The installed release of the bot."""
    try:
        return metadata.version("keelung-fieldbot")
    except metadata.PackageNotFoundError:
        return "unknown"


def _next(application: Application[Any, Any, Any, Any, Any, Any], name: str) -> datetime | None:
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(name) if queue is not None else ()
    return jobs[0].next_t if jobs else None


async def gather(application: Application[Any, Any, Any, Any, Any, Any]) -> Status:
    """Read everything /status shows (the doctor's local checks in a thread)."""
    services: Services = application.bot_data
    vitals = services.vitals
    findings = await asyncio.to_thread(local_findings, services.settings)
    return Status(
        version=version(),
        uptime=timedelta(seconds=int(time.time() - vitals.started_at)),
        mode=vitals.mode,
        snapshot=await snapshot.take(services),
        next_digest=_next(application, DIGEST_JOB),
        next_reminder=_next(application, REMINDER_JOB),
        backup_failing=vitals.backup is not None and not vitals.backup.ok,
        health=await health.problems(application),
        findings=[finding for finding in findings if finding.level is not Level.OK],
    )
