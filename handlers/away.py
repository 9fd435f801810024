"""/away and /back: an officer pauses the daily reminder during leave, training or court."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.core.arguments import MAX_AWAY_DAYS, AwayInputError, AwayProblem, parse_away_until
from bot.core.domain import Role
from handlers import views
from handlers.context import AnyHandler, BotContext

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
EXAMPLE_DAYS = 7


async def away(update: Update, context: BotContext) -> None:
    """Pause reminders from today through the given date: `/away YYYY-MM-DD`."""
    message = update.message
    assert message is not None
    member = context.member
    if member.role is not Role.OFFICER:
        await message.reply_text(context.t("away.officers_only"))
        return
    today = context.today()
    args = context.args or []
    current = await context.repos.away.current(officer_id=member.telegram_id, today=today)
    if not args and current is not None:
        await message.reply_text(context.t("away.status", until=views.full_day(context, current.ends_on)))
        return
    try:
        until = parse_away_until(args, today)
    except AwayInputError as error:
        await message.reply_text(_problem(context, error.problem))
        return
    period = await context.repos.away.set_until(
        officer_id=member.telegram_id, today=today, until=until, now=context.services.clock.now()
    )
    await message.reply_text(
        context.t(
            "away.set",
            start=views.full_day(context, period.starts_on),
            until=views.full_day(context, period.ends_on),
            resume=views.full_day(context, period.ends_on + timedelta(days=1)),
        )
    )


def _problem(context: BotContext, problem: AwayProblem) -> str:
    today = context.today()
    example = (today + timedelta(days=EXAMPLE_DAYS)).isoformat()
    if problem is AwayProblem.PAST:
        return context.t("away.past", today=views.full_day(context, today))
    if problem is AwayProblem.TOO_FAR:
        return context.t(
            "away.too_far", latest=views.full_day(context, today + timedelta(days=MAX_AWAY_DAYS))
        )
    return context.t(f"away.{problem.value}", example=example)


async def back(update: Update, context: BotContext) -> None:
    """End the pause: reminders resume today."""
    message = update.message
    assert message is not None
    member = context.member
    if member.role is not Role.OFFICER:
        await message.reply_text(context.t("away.officers_only"))
        return
    ended = await context.repos.away.end(
        officer_id=member.telegram_id, today=context.today(), now=context.services.clock.now()
    )
    await message.reply_text(context.t("away.back" if ended is not None else "away.not_away"))


def handlers() -> list[AnyHandler]:
    """Away handlers (private chats)."""
    return [CommandHandler("away", away, filters=PRIVATE), CommandHandler("back", back, filters=PRIVATE)]
