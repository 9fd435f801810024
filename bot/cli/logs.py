"""The bot's log: one format, and no secret in any line, whichever library writes it.

httpx logs every request's URL, which holds `bot<token>`; python-telegram-bot puts the token
in the message of `InvalidToken`; a traceback can carry either. `RedactSecrets` is a logging
filter that rewrites a record (message, arguments, traceback and stack) before any handler
formats it, and `configure_logging` puts it on every handler there is. Uncaught exceptions and
warnings are routed through logging so that they pass the same filter.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterable
from types import TracebackType
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[REDACTED]"

log = logging.getLogger("bot")


def secret_forms(secret: str) -> list[str]:
    """Every way a secret shows up in text: as is, URL-encoded, and a token's part after the colon."""
    forms = {secret, quote(secret, safe="")}
    _, colon, after = secret.partition(":")
    if colon and after:
        forms.add(after)
    return sorted((form for form in forms if form), key=len, reverse=True)


class RedactSecrets(logging.Filter):
    """Replace each secret in a log record by [REDACTED]; never drops a record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._forms = sorted(
            {form for secret in secrets if secret for form in secret_forms(secret)}, key=len, reverse=True
        )

    def redact(self, text: str) -> str:
        """The text with every secret replaced."""
        for form in self._forms:
            text = text.replace(form, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place (message with its arguments, traceback, stack)."""
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class DropUnparsedPage(logging.Filter):
    """python-telegram-bot logs an answer that is not JSON (a proxy's or web server's page) with
    json's traceback, then raises an error that carries the same page: the bot logs that error
    where it handles it (one line), so the first record, page and traceback, is left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a record about a JSONDecodeError (a ValueError)."""
        return not (record.exc_info and isinstance(record.exc_info[1], ValueError))


def redact_everywhere(redactor: RedactSecrets) -> None:
    """Put the filter on every handler of the root logger and of every logger created so far."""
    loggers = [logging.getLogger()] + [
        item for item in logging.Logger.manager.loggerDict.values() if isinstance(item, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if redactor not in handler.filters:
                handler.addFilter(redactor)


def _log_uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    log.critical("unexpected error, stopping", exc_info=(kind, error, trace))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        log.critical("unexpected error in thread %s", args.thread, exc_info=args.exc_value)


def configure_logging(level: str, secrets: Iterable[str]) -> RedactSecrets:
    """Log to stderr at `level`, every line and traceback cleaned of `secrets`."""
    logging.basicConfig(level=level.upper(), format=FORMAT)
    # httpx logs one line per request: useful when debugging, noise otherwise
    logging.getLogger("httpx").setLevel(logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING)
    logging.getLogger("telegram.request.BaseRequest").addFilter(DropUnparsedPage())
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    redactor = RedactSecrets(secrets)
    redact_everywhere(redactor)
    return redactor
