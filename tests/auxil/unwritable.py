"""Make a file or folder unwritable for this process, root included (chattr +i), and back."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _set(path: Path, locked: bool) -> None:
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        assert chattr, "running as root, making a path unwritable needs chattr (e2fsprogs)"
        subprocess.run([chattr, "+i" if locked else "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222 if locked else mode | 0o200)


def lock(path: Path) -> None:
    """Make `path` unwritable; fail clearly if this filesystem does not allow it."""
    _set(path, True)
    assert not os.access(path, os.W_OK), f"{path} is still writable (does this filesystem support chattr +i?)"


def unlock(path: Path) -> None:
    """Make `path` writable again."""
    _set(path, False)


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """`path` is unwritable inside the block."""
    lock(path)
    try:
        yield
    finally:
        unlock(path)
