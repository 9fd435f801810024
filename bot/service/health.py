"""Is the bot alive: intake (polling or webhook), the database and the scheduler.

Each reason it is not is a catalog key (`health.*`) with its values: /healthz says it in
English, /status in the admin's language.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from telegram.ext import Application

from bot.service.doctor import Finding, Level
from bot.services import Services
from storage.database import StorageError
from storage.service_stats import ServiceStatsRepo

PING_SECONDS = 5.0


async def database_problem(services: Services) -> Finding | None:
    """Why the database is not usable, or None: its files writable, its reader answering."""
    path = services.settings.database_path
    for target in (path, Path(f"{path}-wal"), path.parent):
        if target.exists() and not os.access(target, os.W_OK):
            return Finding(Level.PROBLEM, "health.database_unwritable", {"path": str(target)})
    try:
        await asyncio.wait_for(ServiceStatsRepo(services.repos.db).ping(), PING_SECONDS)
    except (StorageError, RuntimeError, AssertionError, TimeoutError) as error:
        return Finding(Level.PROBLEM, "health.database_silent", {"error": type(error).__name__})
    return None


def scheduler_problem(application: Application[Any, Any, Any, Any, Any, Any]) -> Finding | None:
    """Why the scheduler is not running, or None."""
    queue = application.job_queue
    if queue is None or not queue.scheduler.running:
        return Finding(Level.PROBLEM, "health.scheduler_stopped")
    return None


async def problems(application: Application[Any, Any, Any, Any, Any, Any]) -> list[Finding]:
    """Every reason the bot is not healthy ([] when it is)."""
    services: Services = application.bot_data
    intake = services.vitals.intake_problem()
    found = [
        Finding(Level.PROBLEM, *intake) if intake else None,
        await database_problem(services),
        scheduler_problem(application),
    ]
    return [problem for problem in found if problem]
