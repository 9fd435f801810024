"""`python -m bot`: private files from the start (umask 077), then hand the command line to bot.cli."""

from __future__ import annotations

import os

from bot.cli.main import main
from bot.cli.private_files import PRIVATE_UMASK

if __name__ == "__main__":
    os.umask(PRIVATE_UMASK)
    raise SystemExit(main())
