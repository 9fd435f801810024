"""/progress and /digest: where the bureau or a unit stands, for chiefs and admins."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, Update
from telegram.ext import CommandHandler

from bot.core.access import OtherUnitRefused, sees_officer_names, visible_scope
from bot.core.arguments import ScopeError, parse_scope
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


@dataclass(frozen=True)
class _Asked:
    """A /progress or /digest the member may see: where to answer, the year asked for, the scope."""

    message: Message
    year: int | None
    unit_code: str | None


async def _asked(update: Update, context: BotContext, *, allow_year: bool) -> _Asked | None:
    """Read the arguments and apply the unit rule; answer and return None when there is nothing to show."""
    message = update.message
    assert message is not None
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
    return _Asked(message, request.year, unit_code)


@only(Role.CHIEF, Role.ADMIN, refusal="progress.officers_use_mine")
async def progress(update: Update, context: BotContext) -> None:
    """Show every indicator of a unit or the bureau: `/progress [unit code] [year]`."""
    if (asked := await _asked(update, context, allow_year=True)) is None:
        return
    today = context.today()
    standing = await context.services.progress().standing(
        unit_code=asked.unit_code, year=asked.year or today.year, today=today
    )
    await asked.message.reply_text(texts(context).standing(standing))


@only(Role.CHIEF, Role.ADMIN, refusal="digest.only_chiefs_and_admins")
async def digest(update: Update, context: BotContext) -> None:
    """Show the weekly digest the schedule would send today, with its chart: `/digest [unit code]`."""
    if (asked := await _asked(update, context, allow_year=False)) is None:
        return
    scope, language = asked.unit_code, context.language
    built = await context.services.progress().digest(send_day=context.today(), unit_code=scope)
    messages = DigestMessages({scope: built}, context.services.catalog, context.services.plan)
    show_names = sees_officer_names(context.member.role)
    await asked.message.reply_text(messages.text(scope, language, show_names=show_names))
    await asked.message.reply_photo(
        await messages.photo(scope, language), caption=messages.caption(scope, language)
    )


def handlers() -> list[AnyHandler]:
    """Progress and digest on demand (private chats)."""
    return [
        CommandHandler("progress", progress, filters=PRIVATE),
        CommandHandler("digest", digest, filters=PRIVATE),
    ]
