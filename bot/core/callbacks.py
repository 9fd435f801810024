"""Callback data of inline buttons: short, typed, encoded and parsed in one place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.core.domain import Language

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


@dataclass(frozen=True)
class ConfirmCarry:
    """/target carry: store the proposed targets (nonce: the proposal's fingerprint)."""

    from_year: int
    to_year: int
    nonce: str


@dataclass(frozen=True)
class ConfirmAllocation:
    """/allocate ... auto: store the proposed split (nonce: the proposal's fingerprint)."""

    indicator: str
    year: int
    nonce: str


@dataclass(frozen=True)
class DropProposal:
    """/target carry or /allocate auto: store nothing."""


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
    | ConfirmCarry
    | ConfirmAllocation
    | DropProposal
)

Builder = Callable[[tuple[str, ...]], CallbackData]


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


_PATTERNS: dict[type[CallbackData], tuple[re.Pattern[str], Builder]] = {
    PickIndicator: (re.compile(rf"^r:i:({_ID}):({_NONCE})$"), lambda p: PickIndicator(p[0], p[1])),
    PickCount: (
        re.compile(rf"^r:c:({_ID}):(\d{{1,6}}):({_NONCE})$"),
        lambda p: PickCount(p[0], int(p[1]), p[2]),
    ),
    OtherDay: (
        re.compile(rf"^r:o:({_ID}):(\d{{1,6}}):({_NONCE})$"),
        lambda p: OtherDay(p[0], int(p[1]), p[2]),
    ),
    PickDay: (
        re.compile(rf"^r:d:({_ID}):(\d{{1,6}}):(\d{{8}}):({_NONCE})$"),
        lambda p: PickDay(p[0], int(p[1]), _day(p[2]), p[3]),
    ),
    ConfirmReport: (
        re.compile(rf"^r:ok:({_ID}):(\d{{1,6}}):(\d{{8}}):({_NONCE})$"),
        lambda p: ConfirmReport(p[0], int(p[1]), _day(p[2]), p[3]),
    ),
    CancelReport: (re.compile(r"^r:x$"), lambda p: CancelReport()),
    StartReport: (re.compile(r"^r:go$"), lambda p: StartReport()),
    NothingToReport: (re.compile(r"^n:(\d{8})$"), lambda p: NothingToReport(_day(p[0]))),
    ConfirmUndo: (re.compile(r"^u:(\d{1,12})$"), lambda p: ConfirmUndo(int(p[0]))),
    KeepReport: (re.compile(r"^u:x$"), lambda p: KeepReport()),
    ChooseLanguage: (re.compile(r"^l:(zh|en)$"), lambda p: ChooseLanguage(Language(p[0]))),
    OfficersPage: (
        re.compile(rf"^o:({_ID}|\*):(\d{{1,4}})$"),
        lambda p: OfficersPage(None if p[0] == "*" else p[0], int(p[1])),
    ),
    ConfirmCarry: (
        re.compile(rf"^tc:(\d{{4}}):(\d{{4}}):({_NONCE})$"),
        lambda p: ConfirmCarry(int(p[0]), int(p[1]), p[2]),
    ),
    ConfirmAllocation: (
        re.compile(rf"^ta:({_ID}):(\d{{4}}):({_NONCE})$"),
        lambda p: ConfirmAllocation(p[0], int(p[1]), p[2]),
    ),
    DropProposal: (re.compile(r"^t:x$"), lambda p: DropProposal()),
}


def pattern(*kinds: type[CallbackData]) -> re.Pattern[str]:
    """The callback_data pattern of one or more button kinds, for a CallbackQueryHandler."""
    return re.compile("|".join(f"(?:{_PATTERNS[kind][0].pattern})" for kind in kinds))


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
        case ConfirmCarry(from_year, to_year, nonce):
            text = f"tc:{from_year}:{to_year}:{nonce}"
        case ConfirmAllocation(indicator, year, nonce):
            text = f"ta:{indicator}:{year}:{nonce}"
        case DropProposal():
            text = "t:x"
    if len(text.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data too long: {text!r}")
    return text


def decode(text: str) -> CallbackData | None:
    """Parse callback data; None for anything forged, stale or unknown."""
    for regex, build in _PATTERNS.values():
        match = regex.match(text)
        if match is None:
            continue
        try:
            return build(match.groups())
        except ValueError:
            return None
    return None
