"""Simulation state of the stand-in: users, chats, the update queue, and what the bot sent.

Everything here runs on the event loop thread; the driving methods are synchronous and only
queue updates, the observing ones are ``async`` and wait for the bot.
"""

from __future__ import annotations

import asyncio
import copy
import time
from dataclasses import dataclass
from typing import Any

from .formatting import detect_user_entities
from .records import JsonDict, SentMessage, SimChat, SimUser

UPDATE_TYPES = (
    "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
    "business_message", "edited_business_message", "deleted_business_messages",
    "message_reaction", "message_reaction_count", "inline_query", "chosen_inline_result",
    "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media", "poll",
    "poll_answer", "my_chat_member", "chat_member", "chat_join_request", "chat_boost",
    "removed_chat_boost",
)  # fmt: skip
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wake every coroutine waiting in ``wait`` when ``notify`` is called."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Event] = set()

    def notify(self) -> None:
        """Wake all current waiters."""
        for waiter in self._waiters:
            waiter.set()

    async def wait(self, timeout: float) -> None:
        """Wait until notified or ``timeout`` seconds passed (no error on timeout)."""
        waiter = asyncio.Event()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter.wait(), max(timeout, 0))
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)


@dataclass
class QueuedUpdate:
    """An update waiting for getUpdates; ``sticky`` ones survive offset confirmation once."""

    update_id: int
    payload: JsonDict
    sticky: bool = False

    @property
    def kind(self) -> str:
        """The update type (``message``, ``callback_query``, ...)."""
        return next((k for k in self.payload if k != "update_id"), "unknown")


class Simulation:
    """Users, chats and queues; the part of the stand-in that tests drive directly."""

    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        self._token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, JsonDict]] = []
        self.answered_callbacks: list[tuple[str, str | None, bool]] = []
        self.blocked: set[int] = set()
        self.too_many_requests_count = 0
        self._users: dict[int, SimUser] = {}
        self._chats: dict[int, SimChat] = {}
        self._queue: list[QueuedUpdate] = []
        self._all_updates: dict[int, JsonDict] = {}
        self._queued_at: dict[int, float] = {}
        self._last_update_id = 100_000_000
        self._next_mid: dict[int, int] = {}
        self._bot_messages: dict[tuple[int, int], SentMessage] = {}
        self._user_messages: dict[tuple[int, int], JsonDict] = {}
        self._events: dict[int, list[tuple[str, SentMessage]]] = {}
        self._cursor: dict[int, int] = {}
        self._callback_ids: dict[int, str] = {}
        self._open_callbacks: set[str] = set()
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        self._updates_signal = Signal()
        self._events_signal = Signal()

    @property
    def token(self) -> str:
        """The only token this stand-in accepts."""
        return self._token

    # ----------------------------------------------------------------- objects
    def bot_user(self) -> JsonDict:
        """The bot's ``User`` object (``from`` of everything it sends)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _new_message_id(self, chat_id: int) -> int:
        self._next_mid[chat_id] = self._next_mid.get(chat_id, 0) + 1
        return self._next_mid[chat_id]

    # ----------------------------------------------------------------- registering
    def user(
        self,
        user_id: int,
        first_name: str = "Officer",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh-hant",
    ) -> SimUser:
        """Register (or update) a user and its private chat (chat id == user id)."""
        sim = SimUser(user_id, first_name, last_name, username, language_code)
        self._users[user_id] = sim
        self._chats[user_id] = SimChat(user_id, "private", user=sim)
        return sim

    def group(self, chat_id: int, title: str, type: str = "group") -> SimChat:
        """Register a group or supergroup the bot is a member of."""
        if type not in ("group", "supergroup"):
            raise ValueError(f"type must be 'group' or 'supergroup', not {type!r}")
        chat = SimChat(chat_id, type, title=title)
        self._chats[chat_id] = chat
        return chat

    def _sim_user(self, user_id: int) -> SimUser:
        return self._users.get(user_id) or self.user(user_id, f"User{user_id}")

    def _chat(self, user_id: int, chat_id: int | None) -> SimChat:
        chat = self._chats.get(user_id if chat_id is None else chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}; register it with group() first")
        return chat

    # ----------------------------------------------------------------- updates
    def queue_raw(self, update: JsonDict) -> int:
        """Queue any update dict; a missing or stale ``update_id`` is replaced by a new one."""
        update = dict(update)
        given = update.get("update_id")
        if isinstance(given, int) and given > self._last_update_id:
            self._last_update_id = given
        else:
            self._last_update_id += 1
            update["update_id"] = self._last_update_id
        update_id = int(update["update_id"])
        self._all_updates[update_id] = update
        self._queued_at[update_id] = time.perf_counter()
        self._queue.append(QueuedUpdate(update_id, update))
        self._updates_signal.notify()
        return update_id

    def queued_at(self, update_id: int) -> float:
        """``time.perf_counter()`` when ``update_id`` was first queued (latency measurements)."""
        return self._queued_at[update_id]

    def redeliver(self, update_id: int) -> int:
        """Queue an already queued update again, with the same update_id (like a retry)."""
        payload = self._all_updates.get(update_id)
        if payload is None:
            raise KeyError(f"update {update_id} was never queued")
        self._queue.append(QueuedUpdate(update_id, copy.deepcopy(payload), sticky=True))
        self._updates_signal.notify()
        return update_id

    @property
    def pending_updates(self) -> int:
        """How many updates are queued and not yet confirmed."""
        return len(self._queue)

    def _user_message(self, user_id: int, text: str, chat_id: int | None) -> JsonDict:
        sender = self._sim_user(user_id)
        chat = self._chat(user_id, chat_id)
        message: JsonDict = {
            "message_id": self._new_message_id(chat.chat_id),
            "from": sender.to_api(),
            "chat": chat.to_api(),
            "date": int(time.time()),
            "text": text,
        }
        entities = detect_user_entities(text)
        if entities:
            message["entities"] = entities
        self._user_messages[(chat.chat_id, message["message_id"])] = message
        return message

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> int:
        """The user sends ``text`` (to the private chat, or to group ``chat_id``)."""
        self._sim_user(user_id)
        return self.queue_raw({"message": self._user_message(user_id, text, chat_id)})

    def edit_text(
        self, user_id: int, message_id: int, new_text: str, chat_id: int | None = None
    ) -> int:
        """The user edits one of their messages: queues ``edited_message``."""
        key = (user_id if chat_id is None else chat_id, message_id)
        original = self._user_messages.get(key)
        if original is None:
            raise KeyError(f"user message {key} not found")
        edited = {**original, "text": new_text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        entities = detect_user_entities(new_text)
        if entities:
            edited["entities"] = entities
        self._user_messages[key] = edited
        return self.queue_raw({"edited_message": edited})

    def press(
        self,
        user_id: int,
        message: SentMessage | int,
        callback_data: str,
        *,
        chat_id: int | None = None,
        check: bool = True,
    ) -> int:
        """The user presses an inline button of a bot message: queues ``callback_query``.

        ``message`` is a SentMessage or a message_id (in ``chat_id`` or the user's private
        chat).  With ``check`` the button must currently be on the message.
        """
        sent = self._resolve_sent(user_id, message, chat_id)
        if check and callback_data not in [d for _, d in sent.buttons]:
            raise AssertionError(f"{callback_data!r} is not a button of {sent.buttons!r}")
        sender = self._sim_user(user_id)
        query_id = str(4_000_000_000_000 + self._last_update_id + 1)
        update_id = self.queue_raw(
            {
                "callback_query": {
                    "id": query_id,
                    "from": sender.to_api(),
                    "message": self.message_api(sent),
                    "chat_instance": str(-7_000_000_000 - sent.chat_id),
                    "data": callback_data,
                }
            }
        )
        self._callback_ids[update_id] = query_id
        self._open_callbacks.add(query_id)
        return update_id

    def _resolve_sent(
        self, user_id: int, message: SentMessage | int, chat_id: int | None
    ) -> SentMessage:
        if isinstance(message, SentMessage):
            return message
        key = (user_id if chat_id is None else chat_id, message)
        sent = self._bot_messages.get(key)
        if sent is None:
            raise KeyError(f"bot message {key} not found")
        return sent

    def callback_query_id(self, update_id: int) -> str:
        """The callback_query id of the update ``press`` returned."""
        return self._callback_ids[update_id]

    def block(self, user_id: int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends answer 403; queues ``my_chat_member`` (kicked)."""
        self.blocked.add(user_id)
        if notify:
            self._queue_member_change(user_id, "member", "kicked")

    def unblock(self, user_id: int, *, notify: bool = True) -> None:
        """The user unblocks the bot."""
        self.blocked.discard(user_id)
        if notify:
            self._queue_member_change(user_id, "kicked", "member")

    def _queue_member_change(self, user_id: int, old: str, new: str) -> None:
        sender = self._sim_user(user_id)
        bot = self.bot_user()
        self.queue_raw(
            {
                "my_chat_member": {
                    "chat": self._chats[user_id].to_api(),
                    "from": sender.to_api(),
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": bot},
                    "new_chat_member": {
                        "status": new,
                        "user": bot,
                        **({"until_date": 0} if new == "kicked" else {}),
                    },
                }
            }
        )

    def migrate_group(self, old_chat_id: int, new_chat_id: int) -> SimChat:
        """Upgrade a group to a supergroup: sends to the old id answer 400 with migrate_to."""
        old = self._chats[old_chat_id]
        old.migrated_to = new_chat_id
        return self.group(new_chat_id, old.title or str(new_chat_id), "supergroup")

    # ----------------------------------------------------------------- recording
    def _record(self, kind: str, sent: SentMessage) -> None:
        item = sent if kind == "message" else sent.snapshot()
        self._events.setdefault(sent.chat_id, []).append((kind, item))
        self._events_signal.notify()

    def message_api(self, sent: SentMessage) -> JsonDict:
        """The ``Message`` object Telegram would return for a bot message."""
        chat = self._chats.get(sent.chat_id) or SimChat(sent.chat_id, "private")
        data: JsonDict = {
            "message_id": sent.message_id,
            "from": self.bot_user(),
            "chat": chat.to_api(),
            "date": sent.date,
        }
        if sent.edit_date:
            data["edit_date"] = sent.edit_date
        _add_content(data, sent)
        reply = self._bot_messages.get((sent.chat_id, sent.reply_to_message_id or 0))
        reply_api = reply and self.message_api(reply)
        reply_api = reply_api or self._user_messages.get((sent.chat_id, sent.reply_to_message_id or 0))
        if reply_api:
            data["reply_to_message"] = reply_api
        return data

    # ----------------------------------------------------------------- observing
    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Every message the bot sent to ``chat_id``, oldest first (edits applied)."""
        return [m for m in self.sent if m.chat_id == chat_id]

    def last_message(self, chat_id: int) -> SentMessage:
        """The most recent message the bot sent to ``chat_id``."""
        messages = self.messages_to(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    async def next_message(self, chat_id: int, timeout: float = 5.0) -> SentMessage:
        """The next new message to ``chat_id`` not returned before (waits up to ``timeout``).

        Edits passed over on the way are consumed too. The returned object is live:
        later edits show up in it.
        """
        return await self._next(chat_id, timeout, self._cursor, only_messages=True)

    async def next_event(self, chat_id: int, timeout: float = 5.0) -> SentMessage:
        """The next new *or edited* message in ``chat_id`` (edits are snapshots).

        One cursor per chat serves both this and ``next_message``, so a test can mix them.
        """
        return await self._next(chat_id, timeout, self._cursor, only_messages=False)

    def update(self, update_id: int) -> JsonDict:
        """The update queued under ``update_id`` (as the bot receives it)."""
        return copy.deepcopy(self._all_updates[update_id])

    async def _next(
        self, chat_id: int, timeout: float, cursors: dict[int, int], *, only_messages: bool
    ) -> SentMessage:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            events = self._events.get(chat_id, [])
            position = cursors.get(chat_id, 0)
            while position < len(events):
                kind, item = events[position]
                position += 1
                cursors[chat_id] = position
                if kind == "message" or not only_messages:
                    return item
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(
                    f"no message to chat {chat_id} within {timeout}s; "
                    f"last calls: {[name for name, _ in self.calls[-8:]]}"
                )
            await self._events_signal.wait(remaining)

    def unread(self, chat_id: int) -> list[SentMessage]:
        """Messages to ``chat_id`` that ``next_message``/``next_event`` have not returned yet.

        A check that the bot said nothing looks here once a later, positive sign shows that
        the bot has finished what could have made it speak.
        """
        events = self._events.get(chat_id, [])
        return [item for kind, item in events[self._cursor.get(chat_id, 0) :] if kind == "message"]

    def commands(
        self, language_code: str | None = None, scope: JsonDict | None = None
    ) -> list[tuple[str, str]]:
        """Commands set with setMyCommands for this scope (default) and language, as pairs."""
        stored = self._commands.get((_scope_key(scope), language_code or ""), [])
        return [(c["command"], c["description"]) for c in stored]


def _scope_key(scope: Any) -> str:
    if not isinstance(scope, dict) or not scope:
        return "default"
    return ",".join(f"{k}={scope[k]}" for k in sorted(scope))


def _add_content(data: JsonDict, sent: SentMessage) -> None:
    if sent.plain_text is not None:
        data["text"] = sent.plain_text
        if sent.entities:
            data["entities"] = sent.entities
    if sent.file is not None:
        meta = {
            "file_id": sent.file.file_id,
            "file_unique_id": sent.file.file_unique_id,
            "file_size": len(sent.file.content),
        }
        if sent.method == "sendPhoto":
            data["photo"] = [{**meta, "width": 800, "height": 600}]
        else:
            data["document"] = {
                **meta,
                "file_name": sent.file.filename,
                "mime_type": sent.file.mime_type,
            }
    if sent.plain_caption:
        data["caption"] = sent.plain_caption
        if sent.caption_entities:
            data["caption_entities"] = sent.caption_entities
    if sent.reply_markup and sent.reply_markup.get("inline_keyboard"):
        data["reply_markup"] = sent.reply_markup
