"""Managing people (admins only): /officers, /role, /move, /disable, /enable, /invites, /revoke."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.core import callbacks as cb
from bot.core.domain import Role
from bot.core.records import MemberChange
from bot.core.text_input import clean, parse_int
from handlers import staff_views
from handlers.access import pressed, refuse
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE, commands
from handlers.roles import admins_only


class _By(TypedDict):
    """Who changes a member, and when: for the audit trail."""

    actor_id: int
    now: datetime


def _by(context: BotContext) -> _By:
    return _By(actor_id=context.member.telegram_id, now=context.services.clock.now())


def _args(context: BotContext) -> list[str]:
    return [clean(arg) for arg in context.args or []]


@admins_only
async def officers(update: Update, context: BotContext) -> None:
    """List registered users with role, unit and last report date, a page at a time."""
    message = update.message
    assert message is not None
    args = [arg.lower() for arg in _args(context)]
    unit_code = args[0] if args else None
    if len(args) > 1 or (unit_code is not None and context.services.plan.unit(unit_code) is None):
        await message.reply_text(context.t("staff.usage_officers", units=staff_views.unit_codes(context)))
        return
    total, shown, people = await context.repos.users.activity_page(number=0, unit_code=unit_code)
    text, markup = staff_views.officers_page(context, total, shown, people, unit_code)
    await message.reply_text(text, reply_markup=markup)


@admins_only
async def officers_page(update: Update, context: BotContext) -> None:
    """Show another page of /officers."""
    query = update.callback_query
    data = await pressed(update, context, cb.OfficersPage)
    if query is None or data is None:
        return
    if data.unit is not None and context.services.plan.unit(data.unit) is None:
        await refuse(update, context)
        return
    total, shown, people = await context.repos.users.activity_page(number=data.page, unit_code=data.unit)
    text, markup = staff_views.officers_page(context, total, shown, people, data.unit)
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)


def _target(args: list[str], count: int) -> tuple[int | None, str]:
    """`<telegram id> [word]` given as exactly `count` arguments: the id and the word in lower case.

    The id is None when the arguments do not fit; the word is "" when there is none.
    """
    if len(args) != count:
        return None, ""
    value = parse_int(args[0])
    return (value if value is not None and value > 0 else None), " ".join(args[1:]).lower()


async def _answer(update: Update, context: BotContext, change: MemberChange, target: int, key: str) -> None:
    assert update.message is not None
    await update.message.reply_text(staff_views.change_answer(context, change, target, key))


async def _usage(update: Update, context: BotContext, key: str, **values: object) -> None:
    assert update.message is not None
    await update.message.reply_text(context.t(key, **values))


@admins_only
async def role(update: Update, context: BotContext) -> None:
    """Give a registered user another role: `/role <telegram id> <officer|chief|admin>`."""
    target, new_role = _target(_args(context), 2)
    if target is None or new_role not in {r.value for r in Role}:
        await _usage(update, context, "staff.usage_role")
        return
    change = await context.repos.users.change_role(telegram_id=target, role=Role(new_role), **_by(context))
    await _answer(update, context, change, target, "staff.role_changed")


@admins_only
async def move(update: Update, context: BotContext) -> None:
    """Move a registered user to another unit: `/move <telegram id> <unit code>`."""
    target, unit_code = _target(_args(context), 2)
    if target is None or context.services.plan.unit(unit_code) is None:
        await _usage(update, context, "staff.usage_move", units=staff_views.unit_codes(context))
        return
    change = await context.repos.users.move(telegram_id=target, unit_code=unit_code, **_by(context))
    await _answer(update, context, change, target, "staff.moved")


async def _set_active(update: Update, context: BotContext, active: bool) -> None:
    target, _ = _target(_args(context), 1)
    if target is None:
        await _usage(update, context, "staff.usage_enable" if active else "staff.usage_disable")
        return
    change = await context.repos.users.set_active(telegram_id=target, active=active, **_by(context))
    await _answer(update, context, change, target, "staff.enabled" if active else "staff.disabled")


@admins_only
async def disable(update: Update, context: BotContext) -> None:
    """Stop a registered user from using the bot: `/disable <telegram id>`."""
    await _set_active(update, context, active=False)


@admins_only
async def enable(update: Update, context: BotContext) -> None:
    """Let a disabled user use the bot again: `/enable <telegram id>`."""
    await _set_active(update, context, active=True)


@admins_only
async def invites(update: Update, context: BotContext) -> None:
    """List the invitations not yet used, revoked or expired."""
    message = update.message
    assert message is not None
    open_invitations = await context.repos.invitations.open_invitations(now=context.services.clock.now())
    await message.reply_text(staff_views.invitations(context, open_invitations))


@admins_only
async def revoke(update: Update, context: BotContext) -> None:
    """Revoke an open invitation: `/revoke <code>`."""
    message = update.message
    assert message is not None
    args = context.args or []
    if len(args) != 1:
        await message.reply_text(context.t("staff.usage_revoke"))
        return
    code = args[0][:64]
    invitation = await context.repos.invitations.revoke(
        code=code, revoked_by=context.member.telegram_id, now=context.services.clock.now()
    )
    if invitation is None:
        await message.reply_text(context.t("staff.not_revocable", code=code))
        return
    await message.reply_text(staff_views.revoked(context, invitation))


def handlers() -> list[AnyHandler]:
    """People management handlers."""
    return [
        *commands(PRIVATE, officers=officers, role=role, move=move, disable=disable, enable=enable),
        *commands(PRIVATE, invites=invites, revoke=revoke),
        CallbackQueryHandler(officers_page, pattern=cb.pattern(cb.OfficersPage)),
    ]
