"""Telegram adapters: read an update, call the core and storage, reply."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, TypeHandler

from handlers import (
    access,
    annual,
    audit,
    away,
    export,
    fallbacks,
    figures,
    people,
    progress,
    redaction,
    report,
    review,
    staff,
    status,
    subscriptions,
    targets,
)

GATE_GROUP = -1


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Add the access gate, every feature's handlers and the error handler."""
    application.add_handler(TypeHandler(Update, access.gate), group=GATE_GROUP)
    features: list[BaseHandler[Any, Any, Any]] = [
        *people.handlers(),
        *report.handlers(),
        *review.handlers(),
        *progress.handlers(),
        *subscriptions.handlers(),
        *away.handlers(),
        *figures.handlers(),
        *targets.handlers(),
        *staff.handlers(),
        *audit.handlers(),
        *status.handlers(),
        *export.handlers(),
        *redaction.handlers(),
        *annual.handlers(),
        *fallbacks.handlers(),
    ]
    application.add_handlers(features)
    application.add_error_handler(fallbacks.on_error)
