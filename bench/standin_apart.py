"""The Bot API stand-in in a process of its own, as Telegram's server is not in the bot's process.

In the bot's process the stand-in's own work (reading each multipart upload of an export's file,
answering every call) would run on the bot's event loop and be counted as the bot's. Here it runs
in a child process (spawned, its own interpreter and event loop); the benchmark drives it over a
pipe: users and updates in, and a light record of each message the bot sent (chat, the
stand-in's `time.perf_counter()` when it accepted the send, whether it carried a document) back.
`perf_counter` is the system's monotonic clock, the same in both processes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
from collections import Counter, deque
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from bot.demo.sandbox.standin import BotApiStandIn

MEMORY_FOLDER = Path("/dev/shm")
"""Where the stand-in spools the files the bot uploads (aiohttp writes each to a temporary file),
where that folder exists: in memory, so that Telegram's writing of an export's file is not done
on the bot's disk, where it would hold up the bot's next commit behind its own flush."""
PUSH_EVERY = 0.005
"""Seconds between the child's looks at what the bot sent (the times are the stand-in's own)."""


class Sent(NamedTuple):
    """One message the bot sent, as the benchmark needs it."""

    chat_id: int
    sent_at: float
    document: bool


class StandInApart:
    """The parent's handle on a stand-in running in a child process."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.url = ""
        self.sent: list[Sent] = []
        self.first_sent: dict[int, float] = {}
        """When the bot first sent to each chat (kept as they arrive, so a wait never scans `sent`)."""
        self.documents: Counter[int] = Counter()
        """Documents the bot sent, by chat."""
        self._queued_at: dict[int, float] = {}
        self._replies: deque[asyncio.Future[int]] = deque()
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None

    async def __aenter__(self) -> StandInApart:
        context = multiprocessing.get_context("spawn")
        mine, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, self.token), daemon=True)
        self._process.start()
        theirs.close()
        loop = asyncio.get_running_loop()
        self.url = await loop.run_in_executor(None, mine.recv)
        self._conn = mine
        loop.add_reader(mine.fileno(), self._receive)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._conn is not None and self._process is not None
        asyncio.get_running_loop().remove_reader(self._conn.fileno())
        self._conn.send(("stop", None))
        await asyncio.get_running_loop().run_in_executor(None, self._process.join, 10)
        self._conn.close()

    def users(self, people: list[tuple[int, str, str | None]]) -> None:
        """Make users known: (id, first name, language code) each."""
        assert self._conn is not None
        self._conn.send(("users", people))

    async def send_text(self, user_id: int, text: str) -> int:
        """Queue a private message from `user_id` for the bot; its update id."""
        assert self._conn is not None
        reply: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._replies.append(reply)
        self._conn.send(("send_text", (user_id, text)))
        return await reply

    def queued_at(self, update_id: int) -> float:
        """When the stand-in queued the update (`time.perf_counter()`)."""
        return self._queued_at[update_id]

    def _receive(self) -> None:
        assert self._conn is not None
        while self._conn.poll():
            kind, body = self._conn.recv()
            if kind == "sent":
                for sent in (Sent(*record) for record in body):
                    self.sent.append(sent)
                    self.first_sent.setdefault(sent.chat_id, sent.sent_at)
                    self.documents[sent.chat_id] += sent.document
            else:
                update_id, queued_at = body
                self._queued_at[update_id] = queued_at
                self._replies.popleft().set_result(update_id)


def _serve(conn: Connection, token: str) -> None:
    if MEMORY_FOLDER.is_dir():
        tempfile.tempdir = str(MEMORY_FOLDER)
    asyncio.run(_run(conn, token))


async def _run(conn: Connection, token: str) -> None:
    """The child: serve the stand-in, obey the pipe, push what the bot sent."""
    async with BotApiStandIn(token) as standin:
        conn.send(standin.url)
        stop = asyncio.Event()

        def obey() -> None:
            while conn.poll():
                kind, body = conn.recv()
                _obey(standin, conn, kind, body, stop)

        asyncio.get_running_loop().add_reader(conn.fileno(), obey)
        pushed = 0
        while not stop.is_set():
            fresh = standin.sent[pushed:]
            if fresh:
                pushed += len(fresh)
                conn.send(("sent", [(m.chat_id, m.sent_at, m.document is not None) for m in fresh]))
            await asyncio.sleep(PUSH_EVERY)


def _obey(standin: BotApiStandIn, conn: Connection, kind: str, body: Any, stop: asyncio.Event) -> None:
    if kind == "users":
        for user_id, first_name, language_code in body:
            standin.user(user_id, first_name=first_name, language_code=language_code)
    elif kind == "send_text":
        update_id = standin.send_text(*body)
        conn.send(("update", (update_id, standin.queued_at(update_id))))
    else:
        stop.set()
