"""`python -m bot`: hand the command line to bot.cli."""

from __future__ import annotations

from bot.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
