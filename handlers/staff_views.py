"""Message texts and the paging keyboard for managing people: /officers, changes, invitations."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as cb
from bot.core.people import Change, Page
from bot.core.records import Invitation, Member, MemberActivity, MemberChange
from handlers import views
from handlers.context import BotContext

MAX_INVITATIONS_SHOWN = 40


def scope_name(context: BotContext, unit_code: str | None) -> str:
    """A unit's name, or 'all units'."""
    return views.unit_name(context, unit_code) if unit_code else context.label("staff.all_units")


def unit_codes(context: BotContext) -> str:
    """Every unit code of the plan, for usage texts."""
    return ", ".join(context.services.plan.units_by_code)


def _member_line(context: BotContext, activity: MemberActivity, show_unit: bool) -> str:
    member = activity.member
    last = (
        context.label("staff.officers_last", day=activity.last_report.isoformat())
        if activity.last_report
        else context.label("staff.officers_never")
    )
    values: dict[str, object] = {
        "name": member.full_name or str(member.telegram_id),
        "id": member.telegram_id,
        "role": views.role_name(context, member.role),
        "last": last,
    }
    if show_unit:
        line = context.t("staff.officers_line", unit=views.unit_name(context, member.unit_code), **values)
    else:
        line = context.t("staff.officers_line_in_unit", **values)
    if not member.active:
        line = f"<s>{line}</s>" + context.t("staff.officers_disabled")
    return line


def officers_page(
    context: BotContext, total: int, shown: Page, people: list[MemberActivity], unit_code: str | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of registered users (of `total`), with previous/next buttons when there are more."""
    scope = scope_name(context, unit_code)
    if not people:
        return context.t("staff.officers_empty", scope=scope), None
    lines = [_member_line(context, activity, unit_code is None) for activity in people]
    head = context.t(
        "staff.officers_head", scope=scope, total=total, page=shown.number + 1, pages=shown.count
    )
    return head + "\n" + "\n".join(lines), _paging(context, unit_code, shown)


def _paging(context: BotContext, unit_code: str | None, shown: Page) -> InlineKeyboardMarkup | None:
    buttons = []
    if shown.has_previous:
        data = cb.encode(cb.OfficersPage(unit_code, shown.number - 1))
        buttons.append(InlineKeyboardButton(context.label("staff.page_previous"), callback_data=data))
    if shown.has_next:
        data = cb.encode(cb.OfficersPage(unit_code, shown.number + 1))
        buttons.append(InlineKeyboardButton(context.label("staff.page_next"), callback_data=data))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def _who(member: Member) -> dict[str, object]:
    return {"name": member.full_name or str(member.telegram_id), "id": member.telegram_id}


def change_answer(context: BotContext, change: MemberChange, telegram_id: int, done_key: str) -> str:
    """The answer to /role, /move, /disable or /enable."""
    before, after = change.before, change.after
    if change.outcome is Change.NOT_FOUND or before is None or after is None:
        return context.t("staff.not_found", id=telegram_id)
    if change.outcome is Change.LAST_ADMIN:
        return context.t("staff.last_admin", **_who(before))
    if change.outcome is Change.UNCHANGED:
        return context.t("staff.unchanged", **_who(before))
    values = _who(after)
    if done_key == "staff.role_changed":
        values |= {"old": views.role_name(context, before.role), "new": views.role_name(context, after.role)}
    elif done_key == "staff.moved":
        values |= {
            "old": views.unit_name(context, before.unit_code),
            "new": views.unit_name(context, after.unit_code),
        }
    answer = context.t(done_key, **values)
    for subscription in change.ended_subscriptions:
        unit = views.unit_name(context, subscription.unit_code)
        answer += "\n" + context.t("staff.subscription_ended", chat=subscription.chat_id, unit=unit)
    return answer


def _expires(context: BotContext, instant: datetime) -> str:
    local = instant.astimezone(context.services.settings.tz)
    return f"{local:%m/%d %H:%M}"


def invitations(context: BotContext, open_invitations: list[Invitation]) -> str:
    """The open invitations, oldest first, as many as fit."""
    if not open_invitations:
        return context.t("staff.invites_empty")
    lines = [
        context.t(
            "staff.invites_line",
            code=invitation.code,
            unit=views.unit_name(context, invitation.unit_code),
            role=views.role_name(context, invitation.role),
            expires=_expires(context, invitation.expires_at),
        )
        for invitation in open_invitations[:MAX_INVITATIONS_SHOWN]
    ]
    hidden = len(open_invitations) - MAX_INVITATIONS_SHOWN
    if hidden > 0:
        lines.append(context.t("staff.invites_more", count=hidden))
    return context.t("staff.invites_head", count=len(open_invitations)) + "\n" + "\n".join(lines)


def revoked(context: BotContext, invitation: Invitation) -> str:
    """The answer after revoking an invitation."""
    return context.t(
        "staff.revoked",
        code=invitation.code,
        unit=views.unit_name(context, invitation.unit_code),
        role=views.role_name(context, invitation.role),
    )
