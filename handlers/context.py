"""The typed context every handler receives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from telegram.ext import Application, BaseHandler, CallbackContext, ExtBot

from bot.core.domain import Language
from bot.core.records import Member
from bot.core.reporting import ReportWindow
from bot.services import Repositories, Services

_MEMBER = "member"

AnyHandler = BaseHandler[Any, Any, Any]
"""What a feature module's `handlers()` returns."""


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]):
    """CallbackContext with the bot's services, the asking member and their language."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """Settings, plan, catalog and clock."""
        return self.bot_data

    @property
    def repos(self) -> Repositories:
        """Storage repositories."""
        return self.bot_data.repos

    @property
    def member(self) -> Member:
        """The registered member who sent this update (set by the access gate)."""
        member = self.user_data.get(_MEMBER) if self.user_data is not None else None
        if not isinstance(member, Member):
            raise LookupError("no member for this update")
        return member

    def remember_member(self, member: Member | None) -> None:
        """Called by the access gate for every update."""
        if self.user_data is not None:
            self.user_data[_MEMBER] = member

    @property
    def language(self) -> Language:
        """The language to answer in (the member's choice, else Telegram's, else Chinese)."""
        member = self.user_data.get(_MEMBER) if self.user_data is not None else None
        if isinstance(member, Member) and member.language is not None:
            return member.language
        return Language.from_telegram(self.user_data.get("telegram_language") if self.user_data else None)

    def t(self, key: str, /, **values: object) -> str:
        """A catalog message in the asker's language, HTML-escaped values."""
        return self.services.catalog.text(self.language, key, **values)

    def label(self, key: str, /, **values: object) -> str:
        """A plain catalog string (buttons) in the asker's language."""
        return self.services.catalog.plain(self.language, key, **values)

    def now(self) -> datetime:
        """The current instant in the bureau's time zone."""
        return self.services.clock.now().astimezone(self.services.settings.tz)

    def today(self) -> date:
        """Today's date in the bureau's time zone."""
        return self.now().date()

    def report_window(self) -> ReportWindow:
        """The dates a report may carry today."""
        return ReportWindow(today=self.today(), days_back=self.services.settings.report_days_back)
