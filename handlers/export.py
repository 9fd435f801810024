"""/export: a file of the reports (CSV) or of reports and progress (.xlsx), sent in the chat."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from bot.core.access import OtherUnitRefused, visible_scope
from bot.core.arguments import parse_export_args
from bot.core.domain import Role
from bot.rendering.export import csv_bytes, workbook_bytes
from bot.service.sending import in_bulk
from handlers import views
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import only

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PREPARING_AFTER = 1.0
"""Seconds an export may take before the user is told that the file is being prepared."""

_T = TypeVar("_T")


async def _telling_if_slow(message: Message, context: BotContext, work: Awaitable[_T]) -> _T:
    """Await the export; past PREPARING_AFTER, show "uploading a document" and say it is on its way."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=PREPARING_AFTER)
    if not done:
        with in_bulk():  # the officers' answers go first
            await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_DOCUMENT)
            await message.reply_text(context.t("exporting.preparing"))
    return await task


@only(Role.CHIEF, Role.ADMIN, refusal="export.refused")
async def export(update: Update, context: BotContext) -> None:
    """Send `/export [year] [csv|xlsx]`: admins any unit or all, chiefs their own unit."""
    message = update.message
    assert message is not None
    member = context.member
    plan = context.services.plan
    try:
        request = parse_export_args(list(context.args or []), plan=plan, today=context.today())
    except ValueError:
        await message.reply_text(context.t("export.usage"))
        return
    try:
        unit_code = visible_scope(
            member.role,
            member.unit_code,
            unit_given=request.unit_code is not None,
            unit_code=request.unit_code,
        )
    except OtherUnitRefused as refused:
        await message.reply_text(
            context.t("export.chief_own_unit", unit=views.unit_name(context, refused.own_unit))
        )
        return
    db = context.repos.db
    if request.file_format == "csv":
        data, rows = await _telling_if_slow(
            message, context, csv_bytes(db, year=request.year, unit_code=unit_code)
        )
    else:
        workbook = workbook_bytes(
            db,
            plan=plan,
            catalog=context.services.catalog,
            year=request.year,
            today=context.today(),
            tz=context.services.settings.tz,
            unit_code=unit_code,
        )
        data, rows = await _telling_if_slow(message, context, workbook)
    if len(data) > MAX_UPLOAD_BYTES:
        await message.reply_text(context.t("export.too_large"))
        return
    scope = views.unit_name(context, unit_code) if unit_code else context.label("staff.all_units")
    caption = context.t(
        "export.caption", year=views.year_label(context, request.year), scope=scope, rows=rows
    )
    filename = f"fieldbot-{request.year}-{unit_code or 'all'}.{request.file_format}"
    await message.reply_document(document=data, filename=filename, caption=caption)


def handlers() -> list[AnyHandler]:
    """Export handlers."""
    return [CommandHandler("export", export, filters=PRIVATE)]
