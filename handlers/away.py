"""/away and /back: an officer pauses the daily reminder during leave, training or court."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.arguments import MAX_AWAY_DAYS, AwayInputError, AwayProblem, parse_away_until
from handlers import views
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import officers_only

EXAMPLE_DAYS = 7


@officers_only
async def away(update: Update, context: BotContext) -> None:
    """Pause reminders from today through the given date: `/away YYYY-MM-DD`."""
    message = update.message
    assert message is not None
    member = context.member
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


@officers_only
async def back(update: Update, context: BotContext) -> None:
    """End the pause: reminders resume today."""
    assert update.message is not None
    ended = await context.repos.away.end(
        officer_id=context.member.telegram_id, today=context.today(), now=context.services.clock.now()
    )
    await update.message.reply_text(context.t("away.back" if ended is not None else "away.not_away"))


def handlers() -> list[AnyHandler]:
    """Away handlers (private chats)."""
    return [CommandHandler("away", away, filters=PRIVATE), CommandHandler("back", back, filters=PRIVATE)]
