"""LOG_FORMAT=json: one JSON object per line, with the fields the hooks add.

bot/cli/logs.py sets up the handlers and their filter that takes every secret out of a record;
this only changes how a record is written. Only the message the code formats is written (never
an update's content), and an exception shows its class and the code lines of its traceback,
not its message (which may quote what a user sent).
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime

FIELDS = ("update_id", "handler", "duration_ms", "outcome")


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's time, level, logger, message and the hooks' fields."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["trace"] = traceback.format_tb(record.exc_info[2])
        return json.dumps(line, ensure_ascii=False)


def log_json() -> None:
    """Write every record of the root logger's handlers as one JSON object per line."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())
