"""Bot API method implementations with Telegram's validation and error wording."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .formatting import EntityParseError, parse_html, strip_text, utf16_len
from .records import ApiError, JsonDict, SentMessage, SimChat, StoredFile, bad_request
from .spec import UploadedFile
from .state import DEFAULT_EXCLUDED_UPDATES, UPDATE_TYPES, QueuedUpdate, Simulation, _scope_key

Handler = Callable[[JsonDict], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_BUTTON_ACTIONS = frozenset(
    {
        "url", "callback_data", "web_app", "login_url", "switch_inline_query",
        "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
        "callback_game", "pay",
    }
)  # fmt: skip
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def _now() -> int:
    return int(time.time())


def _same_markup(a: JsonDict | None, b: JsonDict | None) -> bool:
    def norm(m: JsonDict | None) -> JsonDict | None:
        return m if m and m.get("inline_keyboard") else None

    return norm(a) == norm(b)


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        elif not _BUTTON_ACTIONS.intersection(button):
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )


class BotApiMethods(Simulation):
    """The Bot API methods the stand-in implements; anything else answers ``true``."""

    def __init__(
        self, token: str, bot_username: str, bot_first_name: str, strict_html: bool
    ) -> None:
        super().__init__(token, bot_username, bot_first_name)
        self.strict_html = strict_html
        self.webhook: JsonDict = {"url": ""}
        self._allowed_updates: list[str] | None = None
        self._files: dict[str, StoredFile] = {}
        self._poll_generation = 0
        self._closing = False
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageCaption": self._edit_message_caption,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getChat": self._get_chat,
            "getFile": self._get_file,
        }

    async def call_method(self, name: str, params: JsonDict) -> Any:
        """Run a documented method; raises ApiError for Telegram errors."""
        handler = self._handlers.get(name)
        return True if handler is None else await handler(params)

    def stored_file(self, file_path: str) -> StoredFile | None:
        """The uploaded file behind a ``file_path`` returned by getFile."""
        return next((f for f in self._files.values() if f.file_path == file_path), None)

    # ----------------------------------------------------------------- shared checks
    def _format(
        self,
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[JsonDict]]:
        """Parse text/caption like Telegram; ``empty=None`` allows an empty result."""
        text = "" if text is None else str(text)
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                plain, found = parse_html(text, strict_ampersand=self.strict_html)
            except EntityParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        elif mode in ("markdown", "markdownv2"):
            plain, found = text, []  # not validated by the stand-in
        elif mode:
            raise bad_request("unsupported parse_mode")
        else:
            plain, found = text, list(entities) if isinstance(entities, list) else []
        plain, found = strip_text(plain, found)
        if not plain and empty is not None:
            raise bad_request(empty)
        if utf16_len(plain) > limit:
            raise bad_request(too_long)
        return plain, found

    def _text(self, params: JsonDict, *, too_long: str) -> tuple[str, list[JsonDict]]:
        """A message's text (sendMessage, editMessageText), parsed like Telegram."""
        return self._format(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            limit=4096,
            too_long=too_long,
            empty="message text is empty",
        )

    def _caption(self, params: JsonDict) -> tuple[str, list[JsonDict]]:
        """A file's caption (sendDocument, sendPhoto, editMessageCaption), parsed like Telegram."""
        return self._format(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=1024,
            too_long="message caption is too long",
            empty=None,
        )

    def _markup(self, markup: Any) -> JsonDict | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _check_inline_keyboard(markup["inline_keyboard"])
        return markup

    def _target_chat(self, params: JsonDict, *, check_blocked: bool = True) -> SimChat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat_id = int(raw) if isinstance(raw, str) and raw.lstrip("-").isdigit() else raw
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if check_blocked and chat.type == "private" and chat.chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _reply_to(self, chat: SimChat, params: JsonDict) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target, lenient = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
        else:
            target = params.get("reply_to_message_id")
            lenient = bool(params.get("allow_sending_without_reply"))
        if not isinstance(target, int):
            return None
        key = (chat.chat_id, target)
        if key in self._bot_messages or key in self._user_messages:
            return target
        if lenient:
            return None
        raise bad_request("message to be replied not found")

    def _store(self, sent: SentMessage) -> JsonDict:
        sent.sent_at = time.perf_counter()
        self._bot_messages[(sent.chat_id, sent.message_id)] = sent
        self.sent.append(sent)
        self._record("message", sent)
        return self.message_api(sent)

    def _editable(self, params: JsonDict) -> SentMessage:
        chat = self._target_chat(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        sent = self._bot_messages.get((chat.chat_id, message_id))
        if sent is None and (chat.chat_id, message_id) in self._user_messages:
            raise bad_request("message can't be edited")
        if sent is None or sent.deleted:
            raise bad_request("message to edit not found")
        return sent

    def _finish_edit(self, sent: SentMessage) -> JsonDict:
        sent.edit_date = _now()
        self._record("edit", sent)
        return self.message_api(sent)

    # ----------------------------------------------------------------- bot & updates
    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_signal.notify()  # an older long poll now answers 409
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        self._confirm(params.get("offset"))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            batch = self._take(limit)
            remaining = deadline - asyncio.get_running_loop().time()
            if batch or remaining <= 0 or self._closing:
                return batch
            await self._updates_signal.wait(remaining)

    def _confirm(self, offset: Any) -> None:
        if not isinstance(offset, int):
            return
        if offset < 0:
            self._queue = self._queue[offset:]
        else:
            self._queue = [q for q in self._queue if q.sticky or q.update_id >= offset]

    def _take(self, limit: int) -> list[JsonDict]:
        allowed = (
            set(self._allowed_updates)
            if self._allowed_updates
            else set(UPDATE_TYPES) - DEFAULT_EXCLUDED_UPDATES
        )
        self._queue = [q for q in self._queue if q.kind in allowed]
        batch: list[QueuedUpdate] = self._queue[:limit]
        for queued in batch:
            queued.sticky = False
        return [q.payload for q in batch]

    async def _set_webhook(self, params: JsonDict) -> bool:
        self.webhook = {"url": str(params.get("url") or "")}
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = params["allowed_updates"] or None
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        self.webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self._allowed_updates:
            info["allowed_updates"] = self._allowed_updates
        return info

    # ----------------------------------------------------------------- commands
    def _commands_key(self, params: JsonDict) -> tuple[str, str]:
        return _scope_key(params.get("scope")), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for item in commands:
            if not isinstance(item, dict) or not _COMMAND_RE.match(str(item.get("command"))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(item.get("description") or "")) <= 256:
                raise bad_request("command description is empty")
        key = self._commands_key(params)
        if commands:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self._commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return list(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    # ----------------------------------------------------------------- messages
    async def _send_message(self, params: JsonDict) -> JsonDict:
        plain, entities = self._text(params, too_long="message is too long")
        markup = self._markup(params.get("reply_markup"))
        chat = self._target_chat(params)
        sent = SentMessage(
            method="sendMessage",
            message_id=0,
            chat_id=chat.chat_id,
            text=str(params["text"]),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            plain_text=plain,
            entities=entities,
            date=_now(),
            reply_to_message_id=self._reply_to(chat, params),
        )
        sent.message_id = self._new_message_id(chat.chat_id)
        return self._store(sent)

    async def _edit_message_text(self, params: JsonDict) -> JsonDict | bool:
        if params.get("inline_message_id"):
            return True
        sent = self._editable(params)
        if sent.plain_text is None:
            raise bad_request("there is no text in the message to edit")
        plain, entities = self._text(params, too_long="MESSAGE_TOO_LONG")
        markup = self._markup(params.get("reply_markup"))
        same_text = (plain, entities) == (sent.plain_text, sent.entities)
        if same_text and _same_markup(markup, sent.reply_markup):
            raise bad_request(NOT_MODIFIED)
        sent.edits.append(sent.text or "")
        sent.text, sent.parse_mode = str(params["text"]), params.get("parse_mode")
        sent.plain_text, sent.entities, sent.reply_markup = plain, entities, markup
        return self._finish_edit(sent)

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict | bool:
        if params.get("inline_message_id"):
            return True
        sent = self._editable(params)
        markup = self._markup(params.get("reply_markup"))
        if _same_markup(markup, sent.reply_markup):
            raise bad_request(NOT_MODIFIED)
        sent.reply_markup = markup
        return self._finish_edit(sent)

    async def _edit_message_caption(self, params: JsonDict) -> JsonDict | bool:
        if params.get("inline_message_id"):
            return True
        sent = self._editable(params)
        if sent.file is None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        same = (caption or None, entities) == (sent.plain_caption, sent.caption_entities)
        if same and _same_markup(markup, sent.reply_markup):
            raise bad_request(NOT_MODIFIED)
        sent.edits.append(sent.caption or "")
        sent.caption = params.get("caption")
        sent.plain_caption, sent.caption_entities = caption or None, entities
        sent.reply_markup = markup
        return self._finish_edit(sent)

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._target_chat(params, check_blocked=False)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        key = (chat.chat_id, message_id)
        sent = self._bot_messages.get(key)
        if sent is not None and not sent.deleted:
            sent.deleted = True
            return True
        if self._user_messages.pop(key, None) is not None:
            return True
        raise bad_request("message to delete not found")

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_callbacks:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._open_callbacks.discard(query_id)
        text = params.get("text")
        self.answered_callbacks.append(
            (query_id, None if text is None else str(text), bool(params.get("show_alert")))
        )
        return True

    # ----------------------------------------------------------------- files
    async def _send_document(self, params: JsonDict) -> JsonDict:
        return self._send_file(params, "document", "sendDocument")

    async def _send_photo(self, params: JsonDict) -> JsonDict:
        return self._send_file(params, "photo", "sendPhoto")

    def _send_file(self, params: JsonDict, field: str, method: str) -> JsonDict:
        caption, entities = self._caption(params)
        markup = self._markup(params.get("reply_markup"))
        chat = self._target_chat(params)
        stored = self._stored_from(params.get(field), "photos" if field == "photo" else "documents")
        sent = SentMessage(
            method=method,
            message_id=self._new_message_id(chat.chat_id),
            chat_id=chat.chat_id,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            caption=params.get("caption"),
            plain_caption=caption or None,
            caption_entities=entities,
            date=_now(),
            reply_to_message_id=self._reply_to(chat, params),
            file=stored,
        )
        if field == "photo":
            sent.photo = stored.content
        else:
            sent.document = (stored.filename, stored.content)
        return self._store(sent)

    def _stored_from(self, value: Any, kind: str) -> StoredFile:
        if isinstance(value, UploadedFile):
            if not value.content:
                raise bad_request("file must be non-empty")
            return self._new_file(value.filename, value.content, value.content_type, kind)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self._new_file(name, b"", "application/octet-stream", kind)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _new_file(self, filename: str, content: bytes, mime: str, kind: str) -> StoredFile:
        number = len(self._files) + 1
        prefix = "AgAC" if kind == "photos" else "BQAC"
        stored = StoredFile(
            f"{prefix}{self.bot_id}_{number:06d}", f"AQAD{number:06d}", filename, content,
            mime, kind,
        )  # fmt: skip
        self._files[stored.file_id] = stored
        return stored

    async def _get_file(self, params: JsonDict) -> JsonDict:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    # ----------------------------------------------------------------- chats
    async def _send_chat_action(self, params: JsonDict) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _get_chat(self, params: JsonDict) -> JsonDict:
        chat = self._target_chat(params, check_blocked=False)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
