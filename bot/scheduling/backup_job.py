"""Wiring for the nightly backup: a JobQueue daily job at BACKUP_TIME in TIMEZONE."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application, CallbackContext

from bot.scheduling.backups import backup_and_prune
from bot.service import alerts
from bot.services import Services
from storage.backup import BackupError

log = logging.getLogger(__name__)

JOB_NAME = "nightly-backup"
RETRY_JOB = "nightly-backup-retry"


async def nightly_backup(context: CallbackContext[Any, Any, Any, Services]) -> None:
    """Take tonight's backup and keep the newest BACKUP_KEEP; on failure log, retry later, never raise."""
    services: Services = context.bot_data
    settings = services.settings
    if settings.backup_dir is None:
        return
    local_time = services.clock.now().astimezone(settings.tz)
    try:
        path = await asyncio.to_thread(
            backup_and_prune, settings.database_path, settings.backup_dir, settings.backup_keep, local_time
        )
    except (BackupError, OSError) as error:
        log.exception("nightly backup failed")
        services.vitals.backup_done(ok=False, error=str(error))
        _retry_later(context, settings.backup_retry_minutes)
    else:
        log.info("nightly backup written to %s", path)
        services.vitals.backup_done(ok=True)
    monitor = alerts.monitor_of(context.application)
    if monitor is not None:
        await monitor.review()


def _retry_later(context: CallbackContext[Any, Any, Any, Services], minutes: float) -> None:
    """Try the backup again in BACKUP_RETRY_MINUTES (one retry pending at a time)."""
    queue = context.job_queue
    if queue is not None and not queue.get_jobs_by_name(RETRY_JOB):
        queue.run_once(nightly_backup, when=timedelta(minutes=minutes), name=RETRY_JOB)


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
