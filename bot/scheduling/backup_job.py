"""Wiring for the nightly backup: a JobQueue daily job at BACKUP_TIME in TIMEZONE."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.scheduling.backups import backup_and_prune
from bot.services import Services
from storage.backup import BackupError

log = logging.getLogger(__name__)

JOB_NAME = "nightly-backup"


async def nightly_backup(context: CallbackContext[Any, Any, Any, Services]) -> None:
    """Take tonight's backup and keep the newest BACKUP_KEEP; log, never raise, on failure."""
    services: Services = context.bot_data
    settings = services.settings
    if settings.backup_dir is None:
        return
    local_time = services.clock.now().astimezone(settings.tz)
    try:
        path = await asyncio.to_thread(
            backup_and_prune, settings.database_path, settings.backup_dir, settings.backup_keep, local_time
        )
    except (BackupError, OSError):
        log.exception("nightly backup failed")
        return
    log.info("nightly backup written to %s", path)


def schedule(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the nightly backup job when BACKUP_DIR is set."""
    services: Services = application.bot_data
    settings = services.settings
    if settings.backup_dir is None:
        return
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is needed"
    application.job_queue.run_daily(
        nightly_backup, time=settings.backup_time.replace(tzinfo=settings.tz), name=JOB_NAME
    )
