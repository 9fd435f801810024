"""/progress and /digest: where the bureau or a unit stands, for chiefs and admins."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CommandHandler, filters

from bot.core.arguments import ScopeError, ScopeRequest, parse_scope
from bot.core.domain import Role
from bot.rendering.digest_message import DigestMessages
from bot.rendering.progress_text import ProgressTexts
from handlers import views
from handlers.context import AnyHandler, BotContext

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


def texts(context: BotContext) -> ProgressTexts:
    """Progress texts in the asker's language."""
    return ProgressTexts(context.services.catalog, context.language, context.services.plan)


async def _scope(message: Message, context: BotContext, request: ScopeRequest) -> tuple[bool, str | None]:
    """The unit the member may see (None = the bureau); answer and say False when they may not."""
    member = context.member
    if member.role is Role.ADMIN:
        return True, request.unit_code if request.unit_given else None
    if request.unit_given and request.unit_code != member.unit_code:
        await message.reply_text(
            context.t("progress.own_unit_only", unit=views.unit_name(context, member.unit_code))
        )
        return False, None
    return True, member.unit_code


async def progress(update: Update, context: BotContext) -> None:
    """Show every indicator of a unit or the bureau: `/progress [unit code] [year]`."""
    message = update.message
    assert message is not None
    if context.member.role is Role.OFFICER:
        await message.reply_text(context.t("progress.officers_use_mine"))
        return
    try:
        request = parse_scope(context.args or [], context.services.plan, today=context.today())
    except ScopeError:
        units = ", ".join(context.services.plan.units_by_code)
        await message.reply_text(context.t("progress.usage", units=units))
        return
    allowed, unit_code = await _scope(message, context, request)
    if not allowed:
        return
    today = context.today()
    standing = await context.services.progress().standing(
        unit_code=unit_code, year=request.year or today.year, today=today
    )
    await message.reply_text(texts(context).standing(standing))


async def digest(update: Update, context: BotContext) -> None:
    """Show the weekly digest the schedule would send today, with its chart: `/digest [unit code]`."""
    message = update.message
    assert message is not None
    member = context.member
    if member.role is Role.OFFICER:
        await message.reply_text(context.t("digest.only_chiefs_and_admins"))
        return
    try:
        request = parse_scope(
            context.args or [], context.services.plan, today=context.today(), allow_year=False
        )
    except ScopeError:
        units = ", ".join(context.services.plan.units_by_code)
        await message.reply_text(context.t("progress.usage", units=units))
        return
    allowed, unit_code = await _scope(message, context, request)
    if not allowed:
        return
    built = await context.services.progress().digest(send_day=context.today(), unit_code=unit_code)
    messages = DigestMessages({unit_code: built}, context.services.catalog, context.services.plan)
    language = context.language
    await message.reply_text(messages.text(unit_code, language, show_names=member.role is Role.CHIEF))
    await message.reply_photo(
        await messages.photo(unit_code, language), caption=messages.caption(unit_code, language)
    )


def handlers() -> list[AnyHandler]:
    """Progress and digest on demand (private chats)."""
    return [
        CommandHandler("progress", progress, filters=PRIVATE),
        CommandHandler("digest", digest, filters=PRIVATE),
    ]
