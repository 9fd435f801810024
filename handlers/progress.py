"""/progress and /digest: where the bureau or a unit stands, for chiefs and admins."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CommandHandler

from bot.core.access import OtherUnitRefused, visible_scope
from bot.core.arguments import ScopeError, ScopeRequest, parse_scope
from bot.core.domain import Role
from bot.rendering.digest_message import DigestMessages
from bot.rendering.progress_text import ProgressTexts
from handlers import views
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import only


def texts(context: BotContext) -> ProgressTexts:
    """Progress texts in the asker's language."""
    return ProgressTexts(context.services.catalog, context.language, context.services.plan)


async def _asked_scope(
    message: Message, context: BotContext, *, allow_year: bool
) -> tuple[ScopeRequest, str | None] | None:
    """What was asked for and the unit the member may see (None = the bureau).

    Answers with the usage or the own-unit rule and returns None when there is nothing to show.
    """
    plan, member = context.services.plan, context.member
    try:
        request = parse_scope(context.args or [], plan, today=context.today(), allow_year=allow_year)
        unit_code = visible_scope(
            member.role, member.unit_code, unit_given=request.unit_given, unit_code=request.unit_code
        )
    except ScopeError:
        await message.reply_text(context.t("progress.usage", units=", ".join(plan.units_by_code)))
        return None
    except OtherUnitRefused as refused:
        await message.reply_text(
            context.t("progress.own_unit_only", unit=views.unit_name(context, refused.own_unit))
        )
        return None
    return request, unit_code


@only(Role.CHIEF, Role.ADMIN, refusal="progress.officers_use_mine")
async def progress(update: Update, context: BotContext) -> None:
    """Show every indicator of a unit or the bureau: `/progress [unit code] [year]`."""
    message = update.message
    assert message is not None
    asked = await _asked_scope(message, context, allow_year=True)
    if asked is None:
        return
    request, unit_code = asked
    today = context.today()
    standing = await context.services.progress().standing(
        unit_code=unit_code, year=request.year or today.year, today=today
    )
    await message.reply_text(texts(context).standing(standing))


@only(Role.CHIEF, Role.ADMIN, refusal="digest.only_chiefs_and_admins")
async def digest(update: Update, context: BotContext) -> None:
    """Show the weekly digest the schedule would send today, with its chart: `/digest [unit code]`."""
    message = update.message
    assert message is not None
    asked = await _asked_scope(message, context, allow_year=False)
    if asked is None:
        return
    _, unit_code = asked
    built = await context.services.progress().digest(send_day=context.today(), unit_code=unit_code)
    messages = DigestMessages({unit_code: built}, context.services.catalog, context.services.plan)
    language = context.language
    show_names = context.member.role is Role.CHIEF
    await message.reply_text(messages.text(unit_code, language, show_names=show_names))
    await message.reply_photo(
        await messages.photo(unit_code, language), caption=messages.caption(unit_code, language)
    )


def handlers() -> list[AnyHandler]:
    """Progress and digest on demand (private chats)."""
    return [
        CommandHandler("progress", progress, filters=PRIVATE),
        CommandHandler("digest", digest, filters=PRIVATE),
    ]
