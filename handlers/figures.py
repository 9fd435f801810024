"""/set: admins enter figures that are not field counts (rates, percentages, yearly figures)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.figures import FigureInputError, SetRequest, parse_set
from bot.core.idempotency import message_key
from handlers import figure_views
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import admins_only
from storage.figures import NewFigure


async def figure_line(context: BotContext, request: SetRequest) -> str:
    """The progress line of the indicator a /set touched: its row in the scope's standing."""
    data = context.services.progress()
    standing = await data.standing(unit_code=request.unit_code, year=request.year, today=context.today())
    return figure_views.progress_line(context, standing.row(request.indicator.id), request.unit_code)


@admins_only
async def set_figure(update: Update, context: BotContext) -> None:
    """Store `/set <indicator> <value> [year] [unit code]` and show the resulting progress line."""
    message = update.message
    assert message is not None
    try:
        request = parse_set(list(context.args or []), plan=context.services.plan, today=context.today())
    except FigureInputError as error:
        await message.reply_text(figure_views.problem(context, error))
        return
    saved = await context.repos.figures.set(
        figure=NewFigure(
            indicator=request.indicator.id,
            measure=request.indicator.measure,
            year=request.year,
            unit_code=request.unit_code,
            value=request.value,
            entered_by=context.member.telegram_id,
            idempotency_key=message_key(message.chat_id, message.message_id),
        ),
        now=context.services.clock.now(),
    )
    author = ""
    if saved.previous is not None:
        who = await context.repos.users.get(telegram_id=saved.previous.entered_by)
        author = who.full_name if who and who.full_name else str(saved.previous.entered_by)
    line = await figure_line(context, request)
    await message.reply_text(figure_views.saved(context, request.indicator, saved, line, author))


def handlers() -> list[AnyHandler]:
    """Admin figure handlers."""
    return [CommandHandler("set", set_figure, filters=PRIVATE)]
