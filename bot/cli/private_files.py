"""The bot's files are its own: umask 077, and files that already exist made 0600.

`python -m bot` sets PRIVATE_UMASK before anything else runs, so every file the process creates
(the database, its -wal and -shm, the lock file, backups, exports) is 0600 and every folder
0700. A file that was there before (a database from an older version, an export written over)
keeps its bits on open; `make_private` narrows them.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
PRIVATE_FILE = 0o600
ENV_WARNING = "%s can be read by other users of this machine (mode %s) and holds secrets: run chmod 600 %s"
"""The one log line about a readable .env (its path, its mode, the same path again)."""


def others_may_read(path: Path) -> bool:
    """Whether the group or others have any permission on `path`."""
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def make_private(paths: Iterable[Path]) -> None:
    """Make each existing file 0600 (owner read and write only), saying so when it was wider."""
    for path in paths:
        if not path.is_file() or not others_may_read(path):
            continue
        before = stat.S_IMODE(path.stat().st_mode)
        path.chmod(PRIVATE_FILE)
        log.info("%s was mode %s, is now %s (the bot's user only)", path, oct(before), oct(PRIVATE_FILE))


def database_files(database: Path) -> list[Path]:
    """The database and the files beside it: -wal, -shm and the lock file."""
    return [database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", ".lock"))]


def warn_if_env_exposed(env_file: Path) -> bool:
    """Log a warning naming the chmod to run when `env_file` is readable by group or others."""
    if not env_file.is_file() or not others_may_read(env_file):
        return False
    mode = oct(stat.S_IMODE(env_file.stat().st_mode))
    where = env_file.resolve()
    log.warning(ENV_WARNING, where, mode, where)
    return True
