"""Plain data kept by the stand-in: simulated users and chats, and what the bot sent."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(
        self, status: int, description: str, parameters: JsonDict | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JsonDict:
        """The JSON body Telegram would answer."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str, parameters: JsonDict | None = None) -> ApiError:
    """400 ``Bad Request: <detail>``."""
    return ApiError(400, f"Bad Request: {detail}", parameters)


@dataclass
class SimUser:
    """A simulated Telegram user; its private chat with the bot has ``id == user_id``."""

    user_id: int
    first_name: str = "Officer"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "zh-hant"

    def to_api(self) -> JsonDict:
        """The ``User`` object."""
        data: JsonDict = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class SimChat:
    """A chat the stand-in knows: a private chat with a SimUser, or a group."""

    chat_id: int
    type: str
    title: str | None = None
    user: SimUser | None = None
    migrated_to: int | None = None

    def to_api(self) -> JsonDict:
        """The ``Chat`` object."""
        data: JsonDict = {"id": self.chat_id, "type": self.type}
        if self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title or str(self.chat_id)
        return data


@dataclass
class StoredFile:
    """A file uploaded by the bot, downloadable through getFile."""

    file_id: str
    file_unique_id: str
    filename: str
    content: bytes
    mime_type: str
    kind: str  # "documents" | "photos"

    @property
    def file_path(self) -> str:
        """Path under the ``/file/bot<token>/`` URL."""
        return f"{self.kind}/{self.file_unique_id}_{self.filename}"


@dataclass
class SentMessage:
    """A message the bot sent.  Edits update it in place; earlier texts go to ``edits``.

    ``text``/``caption`` are as the bot sent them (raw HTML if ``parse_mode='HTML'``);
    ``plain_text``/``plain_caption`` are what the user sees.
    """

    method: str
    message_id: int
    chat_id: int
    text: str | None = None
    parse_mode: str | None = None
    reply_markup: JsonDict | None = None
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    caption: str | None = None
    edits: list[str] = field(default_factory=list)
    plain_text: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    plain_caption: str | None = None
    caption_entities: list[JsonDict] = field(default_factory=list)
    date: int = 0
    edit_date: int | None = None
    deleted: bool = False
    reply_to_message_id: int | None = None
    file: StoredFile | None = field(default=None, repr=False)
    sent_at: float = 0.0
    """``time.perf_counter()`` when the stand-in accepted the send (latency measurements)."""

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Inline buttons flattened row by row: (text, callback_data or None)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    def button(self, text_substring: str) -> str:
        """callback_data of the first button whose text contains ``text_substring``."""
        for text, data in self.buttons:
            if text_substring in text and data is not None:
                return data
        raise AssertionError(f"no button containing {text_substring!r} in {self.buttons!r}")

    def snapshot(self) -> SentMessage:
        """A deep copy frozen at this point in time."""
        return copy.deepcopy(self)
