#!/usr/bin/env python3
"""Set up the virtual environment if needed, then run the bot or the tests.

    python3 dev.py run       # the bot (python -m bot run)
    python3 dev.py test      # the whole test suite
    python3 dev.py bot ARGS  # any other `python -m bot` command, e.g. `export --format csv`

Needs only Python 3.11+. The environment lives in .venv and is rebuilt whenever
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> None:
    """Create .venv and install the project with its test extras when missing or stale."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs before the venv exists
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if STAMP.exists() and STAMP.read_text() == _fingerprint() and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing dependencies into .venv ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(_fingerprint())


def main(argv: list[str]) -> int:
    """Dispatch `run`, `test` or `bot` after making sure the environment is ready."""
    if not argv or argv[0] not in {"run", "test", "bot"}:
        print(__doc__)
        return 2
    ensure_environment()
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    if argv[0] == "run":
        command = [str(PYTHON), "-m", "bot", "run", *argv[1:]]
    elif argv[0] == "bot":
        command = [str(PYTHON), "-m", "bot", *argv[1:]]
    else:
        command = [str(PYTHON), "-m", "pytest", *argv[1:]]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
