"""/redact: reading `<report id> <reason>`, and the marker a redacted note shows.

A redacted note's text is gone from the report log; wherever the note was shown (the
confirmation, /today, /undo, the CSV and the .xlsx) the marker stands in its place. The
marker is part of the record, like a stamp on a paper form, so it reads the same in every
language and every file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.refused import InputRefused
from bot.core.screening import find_personal_data
from bot.core.text_input import clean, parse_int

REDACTED_NOTE = "〔已遮蔽 redacted〕"
MAX_REASON_LENGTH = 200


class RedactProblem(StrEnum):
    """Why /redact was not understood; each has a message in the catalog."""

    USAGE = "usage"
    REASON_TOO_LONG = "reason_too_long"
    REASON_PERSONAL_DATA = "reason_personal_data"


class RedactInputError(InputRefused[RedactProblem]):
    """/redact arguments that name no report or give no usable reason."""


class RedactOutcome(StrEnum):
    """What /redact did; each has an answer in the catalog."""

    REDACTED = "done"
    ALREADY = "already"
    NO_NOTE = "no_note"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class RedactRequest:
    """Which report's note to redact, and why."""

    report_id: int
    reason: str


def parse_redact_args(args: Sequence[str]) -> RedactRequest:
    """Read `<report id> <reason>`; the reason is needed and must not itself carry personal data."""
    report_id = parse_int(args[0].lstrip("#")) if args else None
    reason = clean(" ".join(args[1:]))
    if report_id is None or report_id <= 0 or not reason:
        raise RedactInputError(RedactProblem.USAGE)
    if len(reason) > MAX_REASON_LENGTH:
        raise RedactInputError(RedactProblem.REASON_TOO_LONG, {"maximum": MAX_REASON_LENGTH})
    found = find_personal_data(reason)
    if found is not None:
        raise RedactInputError(RedactProblem.REASON_PERSONAL_DATA, {"found": found})
    return RedactRequest(report_id, reason)
