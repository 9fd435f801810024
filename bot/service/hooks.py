"""The central hooks that feed `Vitals` and the log: handler errors, and every handler's time and outcome.

Each handler callback is wrapped once, at start-up, so that one log line per handler run
carries the update id, the handler (its function's name), the duration and the outcome,
and nothing the user wrote.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackContext, ConversationHandler

from bot.service import alerts
from bot.service.vitals import Vitals
from bot.services import Services

log = logging.getLogger("bot.handled")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Callback = Callable[..., Coroutine[Any, Any, Any]]


def _timed(callback: Callback, vitals: Vitals) -> Callback:
    name = getattr(callback, "__name__", type(callback).__name__)
    where = getattr(callback, "__module__", "")
    handler = f"{where.rsplit('.', 1)[-1]}.{name}" if where else name

    @functools.wraps(callback)
    async def timed(update: object, context: Any) -> Any:
        started = time.perf_counter()
        outcome = "ok"
        try:
            return await callback(update, context)
        except BaseException as error:
            outcome = type(error).__name__
            raise
        finally:
            duration = time.perf_counter() - started
            vitals.handler_seconds.labels(handler=handler).observe(duration)
            update_id = update.update_id if isinstance(update, Update) else None
            log.info(
                "update %s handled by %s in %.1f ms: %s", update_id, handler, duration * 1000, outcome,
                extra={"update_id": update_id, "handler": handler, "duration_ms": round(duration * 1000, 1),
                       "outcome": outcome},
            )  # fmt: skip

    return timed


def _instrument(handler: BaseHandler[Any, Any, Any], vitals: Vitals) -> None:
    if isinstance(handler, ConversationHandler):
        inner = [*handler.entry_points, *handler.fallbacks]
        for state_handlers in handler.states.values():
            inner.extend(state_handlers)
        for each in inner:
            _instrument(each, vitals)
        return
    if not getattr(handler.callback, "_service_timed", False):
        handler.callback = _timed(handler.callback, vitals)
        handler.callback._service_timed = True  # type: ignore[attr-defined]


def install(application: AnyApplication) -> None:
    """Count handler errors, time every handler, review problems for the admins every minute."""
    services: Services = application.bot_data
    vitals = services.vitals
    for group in application.handlers.values():
        for handler in group:
            _instrument(handler, vitals)

    async def count_error(_: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Error handler: count the error by its class."""
        vitals.handler_errors.labels(kind=type(context.error).__name__).inc()

    application.add_error_handler(count_error)
    alerts.install(application)
