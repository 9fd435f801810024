"""Callback data of inline buttons: short, typed, encoded and parsed in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.domain import Language

MAX_CALLBACK_BYTES = 64
_ID = r"[a-z0-9_]{1,32}"
_NONCE = r"[0-9a-f]{8}"


@dataclass(frozen=True)
class PickIndicator:
    """Guided report: the officer chose what to report."""

    indicator: str
    nonce: str


@dataclass(frozen=True)
class PickCount:
    """Guided report: the officer chose a count."""

    indicator: str
    count: int
    nonce: str


@dataclass(frozen=True)
class OtherDay:
    """Guided report: show every accepted date."""

    indicator: str
    count: int
    nonce: str


@dataclass(frozen=True)
class PickDay:
    """Guided report: the officer chose the date."""

    indicator: str
    count: int
    day: date
    nonce: str


@dataclass(frozen=True)
class ConfirmReport:
    """Guided report: the officer confirmed."""

    indicator: str
    count: int
    day: date
    nonce: str


@dataclass(frozen=True)
class CancelReport:
    """Guided report: the officer cancelled."""


@dataclass(frozen=True)
class StartReport:
    """Open the guided report (a button on reminders)."""


@dataclass(frozen=True)
class NothingToReport:
    """Record 'nothing to report' for a date."""

    day: date


@dataclass(frozen=True)
class ConfirmUndo:
    """Void this report after /undo."""

    report_id: int


@dataclass(frozen=True)
class KeepReport:
    """Leave the report as it is after /undo."""


@dataclass(frozen=True)
class ChooseLanguage:
    """Switch the catalog with /lang."""

    language: Language


@dataclass(frozen=True)
class OfficersPage:
    """/officers: show another page of the list (unit None = every unit)."""

    unit: str | None
    page: int


CallbackData = (
    PickIndicator
    | PickCount
    | OtherDay
    | PickDay
    | ConfirmReport
    | CancelReport
    | StartReport
    | NothingToReport
    | ConfirmUndo
    | KeepReport
    | ChooseLanguage
    | OfficersPage
)

_PATTERNS: list[tuple[re.Pattern[str], type]] = [
    (re.compile(rf"^r:i:({_ID}):({_NONCE})$"), PickIndicator),
    (re.compile(rf"^r:c:({_ID}):(\d{{1,6}}):({_NONCE})$"), PickCount),
    (re.compile(rf"^r:o:({_ID}):(\d{{1,6}}):({_NONCE})$"), OtherDay),
    (re.compile(rf"^r:d:({_ID}):(\d{{1,6}}):(\d{{8}}):({_NONCE})$"), PickDay),
    (re.compile(rf"^r:ok:({_ID}):(\d{{1,6}}):(\d{{8}}):({_NONCE})$"), ConfirmReport),
    (re.compile(r"^r:x$"), CancelReport),
    (re.compile(r"^r:go$"), StartReport),
    (re.compile(r"^n:(\d{8})$"), NothingToReport),
    (re.compile(r"^u:(\d{1,12})$"), ConfirmUndo),
    (re.compile(r"^u:x$"), KeepReport),
    (re.compile(r"^l:(zh|en)$"), ChooseLanguage),
    (re.compile(rf"^o:({_ID}|\*):(\d{{1,4}})$"), OfficersPage),
]

PATTERN_REPORT_FLOW = r"^r:(i|c|o|d|ok|x):"
"""Callback data handled inside the guided report conversation."""


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def encode(data: CallbackData) -> str:
    """Return the short string sent to Telegram as callback_data."""
    match data:
        case PickIndicator(indicator, nonce):
            text = f"r:i:{indicator}:{nonce}"
        case PickCount(indicator, count, nonce):
            text = f"r:c:{indicator}:{count}:{nonce}"
        case OtherDay(indicator, count, nonce):
            text = f"r:o:{indicator}:{count}:{nonce}"
        case PickDay(indicator, count, day, nonce):
            text = f"r:d:{indicator}:{count}:{day:%Y%m%d}:{nonce}"
        case ConfirmReport(indicator, count, day, nonce):
            text = f"r:ok:{indicator}:{count}:{day:%Y%m%d}:{nonce}"
        case CancelReport():
            text = "r:x"
        case StartReport():
            text = "r:go"
        case NothingToReport(day):
            text = f"n:{day:%Y%m%d}"
        case ConfirmUndo(report_id):
            text = f"u:{report_id}"
        case KeepReport():
            text = "u:x"
        case ChooseLanguage(language):
            text = f"l:{language.value}"
        case OfficersPage(unit, page):
            text = f"o:{unit or '*'}:{page}"
    if len(text.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {text!r}")
    return text


def decode(text: str) -> CallbackData | None:
    """Parse callback data; None for anything forged, stale or unknown."""
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        try:
            return _build(kind, match.groups())
        except ValueError:
            return None
    return None


def _build(kind: type, parts: tuple[str, ...]) -> CallbackData:
    if kind in (PickDay, ConfirmReport):
        return kind(parts[0], int(parts[1]), _day(parts[2]), parts[3])  # type: ignore[no-any-return]
    if kind in (PickCount, OtherDay):
        return kind(parts[0], int(parts[1]), parts[2])  # type: ignore[no-any-return]
    if kind is PickIndicator:
        return PickIndicator(parts[0], parts[1])
    if kind is NothingToReport:
        return NothingToReport(_day(parts[0]))
    if kind is ConfirmUndo:
        return ConfirmUndo(int(parts[0]))
    if kind is ChooseLanguage:
        return ChooseLanguage(Language(parts[0]))
    if kind is OfficersPage:
        return OfficersPage(None if parts[0] == "*" else parts[0], int(parts[1]))
    return kind()  # type: ignore[no-any-return]
