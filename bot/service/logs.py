"""LOG_FORMAT=json: one JSON object per line, with the fields the hooks add; no token, no user text.

Only the message the code formats is written (never an update's content), the token is
replaced wherever it would appear, and an exception shows its class and the code lines of
its traceback, not its message (which may quote what a user sent).
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

FIELDS = ("update_id", "handler", "duration_ms", "outcome")


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(secret for secret in secrets if secret)

    def _hide(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<token>")
        return text

    def format(self, record: logging.LogRecord) -> str:
        """The record's time, level, logger, message and the hooks' fields."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": self._hide(record.getMessage()),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["trace"] = [self._hide(frame) for frame in traceback.format_tb(record.exc_info[2])]
        return json.dumps(line, ensure_ascii=False)


def configure(level: str, log_format: str, token: str | None) -> None:
    """Set up the root logger: plain text (the default) or one JSON object per line."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter(secrets=(token or "",)))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.captureWarnings(True)  # Python warnings become log lines of the same format
