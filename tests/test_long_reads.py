"""A long read in a process of its own (the exports): apart from the bot, at the lowest priority,
read-only, and gone when it is done."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from storage.database import LONG_READ_NICENESS, Database
from tests.auxil.long_reads import where_it_ran

GONE_WITHIN = 10.0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_each_long_read_runs_in_a_process_of_its_own_at_the_lowest_priority(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    try:
        first = await db.long_read_in_process(where_it_ran)
        second = await db.long_read_in_process(where_it_ran)
    finally:
        await db.close()
    assert os.getpid() not in (first.pid, second.pid)
    assert first.pid != second.pid, "each read has a process of its own, not one kept with its memory"
    assert first.niceness == second.niceness == LONG_READ_NICENESS
    if hasattr(os, "SCHED_IDLE"):
        assert first.policy == second.policy == os.SCHED_IDLE
    if sys.platform == "linux":  # forked at that priority: the server they come from has it too
        assert first.server_niceness == LONG_READ_NICENESS
        assert first.server_policy == os.SCHED_IDLE
        assert os.sched_getscheduler(0) != os.SCHED_IDLE, "the bot's own threads keep their class"
    assert first.write_refused and second.write_refused
    assert os.getpriority(os.PRIO_PROCESS, 0) != LONG_READ_NICENESS, "the bot's priority is its own"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + GONE_WITHIN
    while alive(first.pid):  # a positive wait: until the first read's process has ended
        assert loop.time() < deadline, "the first read's process outlived its read"
        await asyncio.sleep(0.05)
