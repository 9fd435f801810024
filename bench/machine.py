"""What a benchmark ran on, and how it prints its figures (text for people, one JSON line)."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    return round(psutil.virtual_memory().total / 2**30, 1)


def describe() -> dict[str, Any]:
    """CPU model, cores, memory, OS, Python, SQLite and library versions."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "python_telegram_bot": metadata.version("python-telegram-bot"),
        "aiosqlite": metadata.version("aiosqlite"),
    }


def print_machine(machine: dict[str, Any]) -> None:
    """The machine, in one readable line."""
    print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB;"
        f" {machine['os']}; Python {machine['python']}, SQLite {machine['sqlite']},"
        f" python-telegram-bot {machine['python_telegram_bot']}, aiosqlite {machine['aiosqlite']}"
    )


def emit(bench: str, figures: dict[str, Any], machine: dict[str, Any]) -> None:
    """The run's figures as one JSON line (for scripts comparing runs)."""
    print(json.dumps({"bench": bench, **figures, "machine": machine}, ensure_ascii=False, sort_keys=True))
    sys.stdout.flush()


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the sorted values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]
