"""Managing people (admins only): /officers, /role, /move, /disable, /enable, /invites, /revoke."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.core import callbacks as cb
from bot.core.domain import Role
from bot.core.records import MemberChange
from bot.core.text_input import clean, parse_int
from handlers import staff_views
from handlers.access import refuse
from handlers.context import AnyHandler, BotContext

PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


async def _admin_message(update: Update, context: BotContext) -> Message | None:
    """The command's message if an admin sent it; otherwise refuse politely and return None."""
    message = update.message
    assert message is not None
    if context.member.role is not Role.ADMIN:
        await message.reply_text(context.t("access.admins_only"))
        return None
    return message


def _args(context: BotContext) -> list[str]:
    return [clean(arg) for arg in context.args or []]


async def officers(update: Update, context: BotContext) -> None:
    """List registered users with role, unit and last report date, a page at a time."""
    message = await _admin_message(update, context)
    if message is None:
        return
    args = [arg.lower() for arg in _args(context)]
    unit_code = args[0] if args else None
    if len(args) > 1 or (unit_code is not None and context.services.plan.unit(unit_code) is None):
        await message.reply_text(context.t("staff.usage_officers", units=staff_views.unit_codes(context)))
        return
    people = await context.repos.users.list_with_activity(unit_code=unit_code)
    text, markup = staff_views.officers_page(context, people, unit_code, 0)
    await message.reply_text(text, reply_markup=markup)


async def officers_page(update: Update, context: BotContext) -> None:
    """Show another page of /officers."""
    query = update.callback_query
    assert query is not None
    data = cb.decode(query.data or "")
    valid_unit = isinstance(data, cb.OfficersPage) and (
        data.unit is None or context.services.plan.unit(data.unit) is not None
    )
    if context.member.role is not Role.ADMIN or not isinstance(data, cb.OfficersPage) or not valid_unit:
        await refuse(update, context)
        return
    people = await context.repos.users.list_with_activity(unit_code=data.unit)
    text, markup = staff_views.officers_page(context, people, data.unit, data.page)
    await query.answer()
    await query.edit_message_text(text, reply_markup=markup)


def _telegram_id(text: str) -> int | None:
    value = parse_int(text)
    return value if value is not None and value > 0 else None


async def _reply_change(
    message: Message, context: BotContext, change: MemberChange, target: int, key: str
) -> None:
    await message.reply_text(staff_views.change_answer(context, change, target, key))


async def role(update: Update, context: BotContext) -> None:
    """Give a registered user another role: `/role <telegram id> <officer|chief|admin>`."""
    message = await _admin_message(update, context)
    if message is None:
        return
    args = _args(context)
    target = _telegram_id(args[0]) if len(args) == 2 else None
    new_role = args[1].lower() if len(args) == 2 else ""
    if target is None or new_role not in {r.value for r in Role}:
        await message.reply_text(context.t("staff.usage_role"))
        return
    change = await context.repos.users.change_role(
        telegram_id=target,
        role=Role(new_role),
        actor_id=context.member.telegram_id,
        now=context.services.clock.now(),
    )
    await _reply_change(message, context, change, target, "staff.role_changed")


async def move(update: Update, context: BotContext) -> None:
    """Move a registered user to another unit: `/move <telegram id> <unit code>`."""
    message = await _admin_message(update, context)
    if message is None:
        return
    args = _args(context)
    target = _telegram_id(args[0]) if len(args) == 2 else None
    unit_code = args[1].lower() if len(args) == 2 else ""
    if target is None or context.services.plan.unit(unit_code) is None:
        await message.reply_text(context.t("staff.usage_move", units=staff_views.unit_codes(context)))
        return
    change = await context.repos.users.move(
        telegram_id=target,
        unit_code=unit_code,
        actor_id=context.member.telegram_id,
        now=context.services.clock.now(),
    )
    await _reply_change(message, context, change, target, "staff.moved")


async def _set_active(update: Update, context: BotContext, active: bool) -> None:
    message = await _admin_message(update, context)
    if message is None:
        return
    args = _args(context)
    target = _telegram_id(args[0]) if len(args) == 1 else None
    if target is None:
        await message.reply_text(context.t("staff.usage_enable" if active else "staff.usage_disable"))
        return
    change = await context.repos.users.set_active(
        telegram_id=target,
        active=active,
        actor_id=context.member.telegram_id,
        now=context.services.clock.now(),
    )
    await _reply_change(message, context, change, target, "staff.enabled" if active else "staff.disabled")


async def disable(update: Update, context: BotContext) -> None:
    """Stop a registered user from using the bot: `/disable <telegram id>`."""
    await _set_active(update, context, active=False)


async def enable(update: Update, context: BotContext) -> None:
    """Let a disabled user use the bot again: `/enable <telegram id>`."""
    await _set_active(update, context, active=True)


async def invites(update: Update, context: BotContext) -> None:
    """List the invitations not yet used, revoked or expired."""
    message = await _admin_message(update, context)
    if message is None:
        return
    open_invitations = await context.repos.invitations.open_invitations(now=context.services.clock.now())
    await message.reply_text(staff_views.invitations(context, open_invitations))


async def revoke(update: Update, context: BotContext) -> None:
    """Revoke an open invitation: `/revoke <code>`."""
    message = await _admin_message(update, context)
    if message is None:
        return
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
        CommandHandler("officers", officers, filters=PRIVATE),
        CommandHandler("role", role, filters=PRIVATE),
        CommandHandler("move", move, filters=PRIVATE),
        CommandHandler("disable", disable, filters=PRIVATE),
        CommandHandler("enable", enable, filters=PRIVATE),
        CommandHandler("invites", invites, filters=PRIVATE),
        CommandHandler("revoke", revoke, filters=PRIVATE),
        CallbackQueryHandler(officers_page, pattern=cb.pattern(cb.OfficersPage)),
    ]
