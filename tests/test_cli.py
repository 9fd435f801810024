"""The command line: run without a token, bad settings, check-plan, export while the bot runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.auxil.harness import Harness

ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_run_without_token_explains_botfather(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode != 0
    assert "@BotFather" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr and ".env" in result.stderr


def test_bad_setting_is_named(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "TIMEZONE": "Mars/Olympus"})
    assert result.returncode != 0 and "TIMEZONE" in result.stderr
    result = run_cli("run", cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "ADMIN_IDS": "12,abc"})
    assert result.returncode != 0 and "ADMIN_IDS" in result.stderr


def test_check_plan_summarises_shipped_plan() -> None:
    result = run_cli("check-plan", str(ROOT / "plan.json"))
    assert result.returncode == 0, result.stderr
    assert "2018" in result.stdout and "prevention_talks" in result.stdout


def test_check_plan_names_the_bad_field(tmp_path: Path) -> None:
    plan = json.loads((ROOT / "plan.json").read_text(encoding="utf-8"))
    plan["indicators"][3]["max_daily_count"] = -1
    broken = tmp_path / "plan.json"
    broken.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    result = run_cli("check-plan", str(broken))
    assert result.returncode != 0
    assert "indicators[3].max_daily_count" in result.stderr


async def test_export_cli_while_bot_runs(harness: Harness, tmp_path: Path) -> None:
    await harness.register(801, "p2", "officer", name="張警員")
    await harness.say(801, "/report talks 2 today 反詐騙宣導")
    out = tmp_path / "export.csv"
    result = run_cli(
        "export",
        "--format",
        "csv",
        "--year",
        "2026",
        "--out",
        str(out),
        env={"DATABASE_PATH": str(harness.settings.database_path)},
    )
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "張警員" in lines[1] and "反詐騙宣導" in lines[1]
    still = await harness.say(801, "/report talks 1")
    assert "3" in (still.plain_text or "")
