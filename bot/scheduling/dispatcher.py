"""Scheduled work: digests and reminders, each run (one fire time of its schedule) sent once per recipient.

What is due comes from the clock, the cron settings and the delivery bookkeeping, never from
APScheduler's memory: the JobQueue only wakes `Dispatcher.run_due` at the cron times (with a
misfire grace time and coalescing), once right after start-up, and every few minutes as a sweep
that resumes whatever a failure left pending. Only the latest run of each kind is due, so a
later run replaces what an earlier one left pending. A run's recipients are recorded once, all
together (a digest's again checked before each message: a chief disabled meanwhile, or a group
whose subscriber is no longer the unit's chief, gets nothing); each
message part is recorded right after Telegram accepted it, one message in flight at a time, so a
restart neither repeats what was recorded nor skips what was not. (A crash in the instant between
Telegram's answer and that record can repeat one message to one recipient; nothing else can.)

Sending goes through the application's AIORateLimiter, which waits and retries on 429. A recipient
who blocked the bot (403) is recorded as unreachable and the fan-out goes on; a group upgraded to
a supergroup is followed to its new id, and its subscription with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, CallbackContext

from bot.core.access import digest_scope, receives_digest, sees_officer_names
from bot.core.domain import Language
from bot.core.records import Delivery, DeliveryKind, NewDelivery
from bot.rendering.digest_message import DigestMessages
from bot.rendering.reminder import reminder_buttons, reminder_text
from bot.scheduling.cron import parse_cron
from bot.scheduling.due import DueRun, digest_due, reminder_due
from bot.services import Services

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(hours=1)
SWEEP_INTERVAL = timedelta(minutes=10)
NO_LONGER_A_READER = "no longer receives this digest"
DIGEST_JOB, REMINDER_JOB, CATCH_UP_JOB, SWEEP_JOB = "digest", "reminder", "catch-up", "sweep"

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Send = Callable[[Delivery], Awaitable[None]]


class _Pause(Exception):
    """Stop this fan-out for now; the sweep resumes what is pending."""


class Dispatcher:
    """Records the recipients of the digest and reminder runs that are due, and sends to them."""

    def __init__(self, application: AnyApplication) -> None:
        self._application = application
        self._lock = asyncio.Lock()
        settings = self.services.settings
        self.digest_trigger = parse_cron(settings.digest_schedule).trigger(settings.tz)
        self.reminder_trigger = parse_cron(settings.reminder_schedule).trigger(settings.tz)

    @property
    def services(self) -> Services:
        """Settings, plan, catalog, clock and repositories."""
        services: Services = self._application.bot_data
        return services

    def _now(self) -> datetime:
        return self.services.clock.now()

    def due(self, now: datetime) -> list[DueRun]:
        """The latest run of each kind due within its window (digest: this week; reminder: today)."""
        tz = self.services.settings.tz
        runs = [digest_due(self.digest_trigger, now, tz), reminder_due(self.reminder_trigger, now, tz)]
        return [run for run in runs if run is not None]

    async def record_due_recipients(self, now: datetime) -> None:
        """Record the recipients of every due run not recorded yet (at start-up, before polling)."""
        for due in self.due(now):
            await self._record_recipients(due, now)

    async def run_due(self, now: datetime) -> None:
        """Record who is due what and send what is pending, one run after the other."""
        async with self._lock:
            for due in self.due(now):
                await self._record_recipients(due, now)
                try:
                    await self._fan_out(due)
                except _Pause:
                    log.warning("%s %s paused; the rest is retried later", due.kind, due.fire_at)

    async def tick(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """JobQueue callback: run what is due now."""
        await self.run_due(self._now())

    # ------------------------------------------------------------------ recipients
    async def _record_recipients(self, due: DueRun, now: datetime) -> None:
        """Fix a due run's recipients once, as they are now; later passes over the same run keep them."""
        deliveries = self.services.repos.deliveries
        if await deliveries.summary(kind=due.kind, fire_at=due.fire_at) is not None:
            return
        if due.kind is DeliveryKind.DIGEST:
            recipients = await self._digest_recipients()
        else:
            recipients = await self._reminder_recipients(due.day)
        if await deliveries.plan(
            kind=due.kind, fire_at=due.fire_at, period=due.period, recipients=recipients, now=now
        ):
            log.info("planned %s %s for %d recipients", due.kind, due.fire_at, len(recipients))

    async def _digest_recipients(self) -> list[NewDelivery]:
        """Active chiefs (their unit, names shown), admins (the bureau), groups whose subscriber still may."""
        recipients = self.services.repos.recipients
        planned = []
        for member in await recipients.digest_readers():
            scope = digest_scope(member.role, member.unit_code)
            names = sees_officer_names(member.role)
            language = member.language or Language.ZH
            planned.append(NewDelivery(member.telegram_id, member.telegram_id, scope, language, names))
        for group in await recipients.groups():
            chat, unit = group.subscription.chat_id, group.subscription.unit_code
            if receives_digest(group.subscriber, unit, in_group=True):
                planned.append(NewDelivery(chat, None, unit, group.subscription.language, False))
        return planned

    async def _still_receives(self, delivery: Delivery) -> bool:
        """Whether the digest planned for this chat may still go out (checked before each message)."""
        repos = self.services.repos
        if delivery.recipient_id is not None:
            reader = await repos.users.get(telegram_id=delivery.recipient_id)
            return receives_digest(reader, delivery.scope, in_group=False)
        group = await repos.recipients.group(chat_id=delivery.chat_id)
        if group is None or group.subscription.unit_code != delivery.scope:
            return False
        return receives_digest(group.subscriber, delivery.scope, in_group=True)

    async def _reminder_recipients(self, day: date) -> list[NewDelivery]:
        """Active officers without a report that day who are not away."""
        officers = await self.services.repos.progress.officers_to_remind(day=day)
        return [
            NewDelivery(o.telegram_id, o.telegram_id, o.unit_code, o.language or Language.ZH, False)
            for o in officers
        ]

    # ------------------------------------------------------------------ sending
    async def _fan_out(self, due: DueRun) -> None:
        pending = await self.services.repos.deliveries.pending(kind=due.kind, fire_at=due.fire_at)
        if not pending:
            return
        send = await self._digest_sender(due, pending) if due.kind is DeliveryKind.DIGEST else self._remind
        for index, delivery in enumerate(pending):
            if not self._application.running:
                log.info("%s %s: stopping, %d left pending", due.kind, due.fire_at, len(pending) - index)
                return
            await self._deliver(delivery, send)

    async def _digest_sender(self, due: DueRun, pending: list[Delivery]) -> Send:
        scopes = list(dict.fromkeys(delivery.scope for delivery in pending))
        digests = await self.services.progress().digests(send_day=due.day, unit_codes=scopes)
        messages = DigestMessages(digests, self.services.catalog, self.services.plan)

        async def send(delivery: Delivery) -> None:
            """Send this week's digest to one recipient."""
            await self._send_digest(delivery, messages)

        return send

    async def _send_digest(self, delivery: Delivery, messages: DigestMessages) -> None:
        """Send the digest's text, then its chart, each only while the recipient still receives it."""
        bot = self._application.bot
        scope, language = delivery.scope, delivery.language
        deliveries = self.services.repos.deliveries

        async def text() -> None:
            body = messages.text(scope, language, show_names=delivery.show_names)
            await bot.send_message(delivery.chat_id, body)

        async def chart() -> None:
            photo = await messages.photo(scope, language)
            await bot.send_photo(delivery.chat_id, photo=photo, caption=messages.caption(scope, language))

        parts = (text, chart)
        for number, part in enumerate(parts, start=1):
            if number <= delivery.parts_sent:
                continue
            if not await self._still_receives(delivery):
                await deliveries.skipped(delivery=delivery, reason=NO_LONGER_A_READER, now=self._now())
                return
            await part()
            done = number == len(parts)
            await deliveries.part_sent(delivery=delivery, parts_sent=number, done=done, now=self._now())
            delivery = replace(delivery, parts_sent=number)

    async def _remind(self, delivery: Delivery) -> None:
        repos = self.services.repos
        day = date.fromisoformat(delivery.period)
        officer = delivery.recipient_id
        if officer is not None and not await repos.progress.needs_reminder(officer_id=officer, day=day):
            await repos.deliveries.skipped(delivery=delivery, reason="reported or away", now=self._now())
            return
        catalog = self.services.catalog
        await self._application.bot.send_message(
            delivery.chat_id,
            reminder_text(catalog, delivery.language, day),
            reply_markup=reminder_buttons(catalog, delivery.language, day),
        )
        await repos.deliveries.part_sent(delivery=delivery, parts_sent=1, done=True, now=self._now())

    async def _deliver(self, delivery: Delivery, send: Send, *, may_follow: bool = True) -> None:
        """Send to one recipient and record the outcome; raise _Pause on a transient failure."""
        deliveries = self.services.repos.deliveries
        try:
            await send(delivery)
        except Forbidden as error:
            log.info("chat %s is unreachable: %s", delivery.chat_id, error.message)
            await deliveries.unreachable(delivery=delivery, error=error.message, now=self._now())
        except ChatMigrated as error:
            if not may_follow:
                await deliveries.unreachable(delivery=delivery, error=error.message, now=self._now())
                return
            await self._follow(delivery, error.new_chat_id, send)
        except RetryAfter as error:
            await deliveries.failed_attempt(delivery=delivery, error=error.message, now=self._now())
            raise _Pause from error
        except BadRequest as error:
            log.error("chat %s refused the %s: %s", delivery.chat_id, delivery.kind, error.message)
            await deliveries.unreachable(delivery=delivery, error=error.message, now=self._now())
        except TelegramError as error:
            await deliveries.failed_attempt(delivery=delivery, error=error.message, now=self._now())
            raise _Pause from error

    async def _follow(self, delivery: Delivery, new_chat_id: int, send: Send) -> None:
        """A group became a supergroup: move its delivery and subscription, then send there."""
        now = self._now()
        repos = self.services.repos
        log.info("chat %s migrated to %s", delivery.chat_id, new_chat_id)
        moved = await repos.deliveries.move_chat(delivery=delivery, new_chat_id=new_chat_id, now=now)
        await repos.subscriptions.migrate(old_chat_id=delivery.chat_id, new_chat_id=new_chat_id, now=now)
        if moved is not None:
            await self._deliver(moved, send, may_follow=False)


def install(application: AnyApplication) -> Dispatcher:
    """Schedule the digest, the reminder, the start-up catch-up and the sweep on the JobQueue."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
    dispatcher = Dispatcher(application)
    timed = {
        "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
        "coalesce": True,
        "max_instances": 1,
    }
    schedules = ((DIGEST_JOB, dispatcher.digest_trigger), (REMINDER_JOB, dispatcher.reminder_trigger))
    for name, trigger in schedules:
        queue.run_custom(
            dispatcher.tick, job_kwargs={"trigger": trigger, **timed}, name=name, data=dispatcher
        )
    queue.run_once(
        dispatcher.tick, when=0, name=CATCH_UP_JOB, data=dispatcher, job_kwargs={"misfire_grace_time": None}
    )
    queue.run_repeating(
        dispatcher.tick,
        interval=SWEEP_INTERVAL,
        first=SWEEP_INTERVAL,
        name=SWEEP_JOB,
        data=dispatcher,
        job_kwargs={"coalesce": True, "max_instances": 1},
    )
    return dispatcher


def dispatcher_of(application: AnyApplication) -> Dispatcher:
    """The dispatcher installed on an application (tests call its run_due with their clock)."""
    queue = application.job_queue
    jobs = queue.get_jobs_by_name(DIGEST_JOB) if queue is not None else ()
    if not jobs or not isinstance(jobs[0].data, Dispatcher):
        raise LookupError("no dispatcher installed")
    return jobs[0].data


async def on_start(application: AnyApplication) -> None:
    """Record the recipients of every run that came due while the bot was down (once the database is open)."""
    dispatcher = dispatcher_of(application)
    await dispatcher.record_due_recipients(dispatcher.services.clock.now())
