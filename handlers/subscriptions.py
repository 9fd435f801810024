"""/subscribe and /unsubscribe: a chief has the unit's weekly digest posted in a group chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.access import may_see
from bot.core.domain import Role
from handlers import views
from handlers.context import AnyHandler, BotContext
from handlers.filters import GROUPS, PRIVATE
from handlers.roles import only


@only(Role.CHIEF, refusal="subscribe.chiefs_only")
async def subscribe(update: Update, context: BotContext) -> None:
    """Post the chief's unit digest in this group every week."""
    message = update.message
    assert message is not None
    member = context.member
    subscription = await context.repos.subscriptions.subscribe(
        chat_id=message.chat_id,
        unit_code=member.unit_code,
        language=context.language,
        by=member.telegram_id,
        now=context.services.clock.now(),
    )
    unit = views.unit_name(context, subscription.unit_code)
    if subscription.unit_code != member.unit_code:
        await message.reply_text(context.t("subscribe.held_by_other_unit", unit=unit))
        return
    await message.reply_text(context.t("subscribe.done", unit=unit))


@only(Role.CHIEF, Role.ADMIN, refusal="subscribe.chiefs_only")
async def unsubscribe(update: Update, context: BotContext) -> None:
    """Stop the digest in this group (the unit's chief or an admin)."""
    message = update.message
    assert message is not None
    member = context.member
    current = await context.repos.subscriptions.get(chat_id=message.chat_id)
    if current is None:
        await message.reply_text(context.t("subscribe.not_subscribed"))
        return
    unit = views.unit_name(context, current.unit_code)
    if not may_see(member.role, member.unit_code, current.unit_code):
        await message.reply_text(context.t("subscribe.other_unit", unit=unit))
        return
    await context.repos.subscriptions.unsubscribe(
        chat_id=message.chat_id, by=member.telegram_id, now=context.services.clock.now()
    )
    await message.reply_text(context.t("subscribe.removed", unit=unit))


async def groups_only(update: Update, context: BotContext) -> None:
    """Explain that subscriptions are made in the unit's group chat."""
    assert update.message is not None
    await update.message.reply_text(context.t("subscribe.groups_only"))


def handlers() -> list[AnyHandler]:
    """Subscription handlers."""
    return [
        CommandHandler("subscribe", subscribe, filters=GROUPS),
        CommandHandler("unsubscribe", unsubscribe, filters=GROUPS),
        CommandHandler(["subscribe", "unsubscribe"], groups_only, filters=PRIVATE),
    ]
