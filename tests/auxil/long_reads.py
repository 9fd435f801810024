"""Work for a long read's process that reports where and how it ran (module-level, so picklable)."""

from __future__ import annotations

import os
from typing import NamedTuple

from storage.database import Snapshot, StorageError


class Ran(NamedTuple):
    """Where a long read's work ran."""

    pid: int
    niceness: int
    policy: int
    write_refused: bool
    server_niceness: int
    server_policy: int


def where_it_ran(connection: Snapshot) -> Ran:
    """This process's id, niceness and scheduling policy, whether the snapshot refused a write, and
    the niceness and policy of the process it was forked from (the long reads' server)."""
    try:
        connection.execute("CREATE TABLE probe (x)")
    except StorageError:
        refused = True
    else:
        refused = False
    server = os.getppid()
    return Ran(
        os.getpid(),
        os.getpriority(os.PRIO_PROCESS, 0),
        os.sched_getscheduler(0),
        refused,
        os.getpriority(os.PRIO_PROCESS, server),
        os.sched_getscheduler(server),
    )
