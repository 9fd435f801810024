"""Small domain types shared by the core, the handlers and storage."""

from __future__ import annotations

from enum import StrEnum

NOTHING_TO_REPORT = "nothing"
"""Pseudo-indicator recorded when an officer says there is nothing to report for a day."""


class Role(StrEnum):
    """What a registered user may do."""

    OFFICER = "officer"
    CHIEF = "chief"
    ADMIN = "admin"


class Language(StrEnum):
    """Languages the bot speaks."""

    ZH = "zh"
    EN = "en"

    @classmethod
    def from_telegram(cls, code: str | None) -> Language:
        """Choose the catalog for a Telegram `language_code`; Chinese unless it is English."""
        if code and code.lower().startswith("en"):
            return cls.EN
        return cls.ZH
