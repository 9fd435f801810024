"""Registration by invitation, help, language and invitations."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler

from bot.core import callbacks as cb
from bot.core import invitations
from bot.core.domain import Language, Role
from bot.core.idempotency import message_key
from bot.core.records import Member
from handlers import keyboards, views
from handlers.access import pressed, refuse
from handlers.context import AnyHandler, BotContext
from handlers.filters import MESSAGES, PRIVATE, commands
from handlers.roles import admins_only
from storage.invitations import Redemption

log = logging.getLogger(__name__)


async def start(update: Update, context: BotContext) -> None:
    """Register with an invitation code, or greet a member."""
    message = update.message
    user = update.effective_user
    assert message is not None and user is not None
    if not context.args:
        await message.reply_text(views.greeting(context, context.member))
        return
    outcome, member = await context.repos.invitations.redeem(
        code=context.args[0][:64],
        telegram_id=user.id,
        full_name=user.full_name,
        username=user.username,
        now=context.services.clock.now(),
        language=Language.from_telegram(user.language_code),
    )
    if outcome is Redemption.INVALID or member is None:
        await refuse(update, context)
        return
    context.remember_member(member)
    await message.reply_text(views.greeting(context, member))
    if outcome is Redemption.REGISTERED:
        await _tell_inviter(context, context.args[0][:64], member)


async def _tell_inviter(context: BotContext, code: str, member: Member) -> None:
    """Tell whoever created the invitation who redeemed it, in the inviter's language."""
    invitation = await context.repos.invitations.get(code=code)
    inviter = await context.repos.users.get(telegram_id=invitation.created_by) if invitation else None
    if inviter is None or not inviter.active:
        return
    language = inviter.language or Language.from_telegram(None)
    text = context.services.catalog.text(
        language,
        "invite.redeemed",
        name=member.full_name,
        id=member.telegram_id,
        role=views.role_name(context, member.role, language),
        unit=views.unit_name(context, member.unit_code, language),
    )
    try:
        await context.bot.send_message(inviter.telegram_id, text)
    except (Forbidden, BadRequest):  # the inviter blocked the bot: the registration stands all the same
        log.warning("could not tell inviter %d who redeemed an invitation", inviter.telegram_id)


async def help_command(update: Update, context: BotContext) -> None:
    """List what the member may do."""
    assert update.message is not None
    await update.message.reply_text(views.help_text(context, context.member.role))


@admins_only
async def invite(update: Update, context: BotContext) -> None:
    """Create a one-time invitation link: `/invite <unit code> <officer|chief|admin>`."""
    message = update.message
    assert message is not None
    args = [arg.lower() for arg in context.args or []]
    units = context.services.plan.units_by_code
    if len(args) != 2 or args[0] not in units or args[1] not in {role.value for role in Role}:
        codes = ", ".join(units)
        await message.reply_text(context.t("invite.usage", units=codes))
        return
    invitation = await context.repos.invitations.create(
        code=invitations.new_code(),
        unit_code=args[0],
        role=Role(args[1]),
        created_by=context.member.telegram_id,
        now=context.services.clock.now(),
        valid_for=invitations.valid_for(Role(args[1])),
        idempotency_key=message_key(message.chat_id, message.message_id),
    )
    expires = invitation.expires_at.astimezone(context.services.settings.tz)
    await message.reply_text(
        context.t(
            "invite.created",
            link=invitations.link(context.bot.username, invitation.code),
            unit=views.unit_name(context, invitation.unit_code),
            role=views.role_name(context, invitation.role),
            expires=views.full_day(context, expires.date()),
            time=expires.strftime("%H:%M"),
        )
    )


async def language(update: Update, context: BotContext) -> None:
    """Offer the languages."""
    assert update.message is not None
    await update.message.reply_text(context.t("lang.choose"), reply_markup=keyboards.choose_language(context))


async def language_chosen(update: Update, context: BotContext) -> None:
    """Switch the member's language."""
    query = update.callback_query
    data = await pressed(update, context, cb.ChooseLanguage)
    if query is None or data is None:
        return
    await context.repos.users.set_language(
        telegram_id=context.member.telegram_id, language=data.language, now=context.services.clock.now()
    )
    member = await context.repos.users.get(telegram_id=context.member.telegram_id)
    context.remember_member(member)
    await query.answer()
    await query.edit_message_text(context.t("lang.changed"))


def handlers() -> list[AnyHandler]:
    """Registration, help, language and invitation handlers."""
    return [
        *commands(PRIVATE, start=start, invite=invite, lang=language),
        *commands(MESSAGES, help=help_command),
        CallbackQueryHandler(language_chosen, pattern=cb.pattern(cb.ChooseLanguage)),
    ]
