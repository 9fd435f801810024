"""/annual: the year's result sheet (.xlsx in the plan's table layout), for admins."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from bot.core.annual import annual_year, last_finished_year
from bot.rendering.annual_sheet import annual_sheet, sheet_name
from handlers import views
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.progress import texts
from handlers.roles import admins_only


@admins_only
async def annual(update: Update, context: BotContext) -> None:
    """Send `/annual [year]`: the bureau's and each allocated unit's results, last year by default."""
    message = update.message
    assert message is not None
    today = context.today()
    try:
        year = annual_year(list(context.args or []), today)
    except ValueError:
        default = views.year_label(context, last_finished_year(today))
        await message.reply_text(context.t("annual.usage", default=default))
        return
    await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_DOCUMENT)
    services = context.services
    sheet = await annual_sheet(
        services.progress(),
        plan=services.plan,
        catalog=services.catalog,
        language=context.language,
        year=year,
        today=today,
    )
    if sheet is None:
        await message.reply_text(context.t("annual.nothing", year=views.year_label(context, year)))
        return
    names = context.label("annual.sheets_separator").join(
        sheet_name(texts(context), scope) for scope in sheet.scopes
    )
    caption = context.t("annual.caption", year=views.year_label(context, year), sheets=names)
    await message.reply_document(document=sheet.data, filename=f"annual-{year}.xlsx", caption=caption)


def handlers() -> list[AnyHandler]:
    """The annual result sheet handler."""
    return [CommandHandler("annual", annual, filters=PRIVATE)]
