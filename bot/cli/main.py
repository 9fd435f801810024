"""`python -m bot` subcommands: run, check-plan, export, annual, targets, digest, backup, doctor, demo."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from bot.cli import targets as target_sheet
from bot.cli.logs import configure_logging
from bot.cli.private_files import database_files, make_private, warn_if_env_exposed
from bot.core.plan import Plan, PlanError, load_plan, plan_summary
from bot.settings import ENV_FILE, Settings, SettingsError, load_settings

NO_TOKEN = """\
No Telegram bot token is set. To get one, open Telegram, start a chat with @BotFather,
send /newbot and follow the prompts; BotFather answers with a token such as
123456789:AAH... . Put it in a file named .env next to README.md as
TELEGRAM_BOT_TOKEN=<your token> (copy .env.example to start), or export
TELEGRAM_BOT_TOKEN in the environment, then run the bot again. Also set ADMIN_IDS to
your own Telegram user id so that you can invite officers."""


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        raise SystemExit(2) from error


class _Refused(Exception):
    """A command that cannot go on; the message has been printed, the exit status is given."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _plan(path: Path) -> Plan:
    """The plan file, or print the failing field and stop with status 1."""
    try:
        return load_plan(path)
    except PlanError as error:
        print(f"{path}: {error}", file=sys.stderr)
        raise _Refused(1) from error


def _existing_database(settings: Settings) -> None:
    """Stop with status 1 when DATABASE_PATH names no file (commands that only read it)."""
    if not settings.database_path.exists():
        print(f"DATABASE_PATH: {settings.database_path} does not exist", file=sys.stderr)
        raise _Refused(1)


def run(_: argparse.Namespace) -> int:
    """Start the bot (long polling, or a webhook when WEBHOOK_URL is set) until SIGTERM/SIGINT."""
    settings = _settings()
    if settings.telegram_bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    secrets = (settings.telegram_bot_token, settings.webhook_secret)
    configure_logging(settings.log_level, [secret.get_secret_value() for secret in secrets if secret])
    if settings.log_format == "json":
        from bot.service.logs import log_json

        log_json()
    warn_if_env_exposed(Path(ENV_FILE))
    make_private(database_files(settings.database_path))
    from bot.app import build_application
    from bot.intake.runner import serve

    try:
        application = build_application(settings)
    except PlanError as error:
        print(f"{settings.plan_path}: {error}", file=sys.stderr)
        return 1
    return serve(application)


def check_plan(args: argparse.Namespace) -> int:
    """Validate a plan file and summarise it."""
    path = Path(args.path) if args.path else _settings().plan_path
    print(plan_summary(_plan(path)))
    return 0


def export(args: argparse.Namespace) -> int:
    """Export every report as CSV, or a year's reports and progress as an .xlsx workbook."""
    from bot.rendering.export import export_csv_file

    settings = _settings()
    _existing_database(settings)
    out = Path(args.out) if args.out else None
    if out is not None:
        make_private([out])  # a file written over keeps its mode
    if args.format == "xlsx":
        return export_workbook(settings, out, args.year)
    rows = asyncio.run(export_csv_file(settings.database_path, out, year=args.year))
    if out is not None:
        print(f"{rows} reports written to {out}", file=sys.stderr)
    return 0


def demo(args: argparse.Namespace) -> int:
    """Run the offline demo: stand-in, bot and a simulated bureau, no token, no network."""
    from bot.app import build_application
    from bot.demo.run import DemoOptions, run_demo

    options = DemoOptions(
        end=args.end, weeks=args.weeks, officers=args.officers, via_bot=args.via_bot, seed=args.seed,
        out=Path(args.out) if args.out else None,
    )  # fmt: skip
    try:
        asyncio.run(run_demo(options, build_application))
    except (FileExistsError, PlanError, SettingsError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def _demo_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.demo.run import DemoOptions

    defaults = DemoOptions()
    sim = commands.add_parser("demo", help="offline demo: the bot, a local Bot API and a simulated bureau")
    sim.add_argument("--end", type=date.fromisoformat, default=defaults.end, help="last simulated day")
    sim.add_argument("--weeks", type=int, default=defaults.weeks, help="weeks driven through the bot")
    sim.add_argument("--officers", type=int, default=defaults.officers, help="the bureau's officers")
    sim.add_argument("--via-bot", type=int, default=defaults.via_bot, help="officers who talk over HTTP")
    sim.add_argument("--seed", type=int, default=defaults.seed)
    sim.add_argument("--out", help="folder to write to (default: a new temporary folder)")
    sim.set_defaults(handler=demo)


def export_workbook(settings: Settings, out: Path | None, year: int | None) -> int:
    """Write the .xlsx export of a year (this year in TIMEZONE by default)."""
    from datetime import datetime

    from bot.rendering.export import export_xlsx_file
    from bot.rendering.i18n import Catalog

    plan = _plan(settings.plan_path)
    today = datetime.now(settings.tz).date()
    chosen = year or today.year
    rows = asyncio.run(
        export_xlsx_file(
            settings.database_path,
            out,
            plan=plan,
            catalog=Catalog.load(),
            year=chosen,
            today=today,
            tz=settings.tz,
        )
    )
    if out is not None:
        print(f"{rows} reports of {chosen} and the progress sheet written to {out}", file=sys.stderr)
    return 0


def annual(args: argparse.Namespace) -> int:
    """Write the year's result sheet (.xlsx), the last finished year by default."""
    from datetime import datetime

    from bot.cli.annual import read_annual_sheet, write_sheet
    from bot.core.annual import annual_year
    from bot.core.domain import Language

    settings = _settings()
    _existing_database(settings)
    plan = _plan(settings.plan_path)
    today = datetime.now(settings.tz).date()
    try:
        year = annual_year([args.year] if args.year else [], today)
    except ValueError:
        print(f"--year: {args.year!r} is not a year such as 2025 or 114", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    language = Language(args.lang)
    sheet = asyncio.run(read_annual_sheet(settings, plan, year=year, today=today, language=language))
    if sheet is None:
        print(f"nothing was reported or entered for {year}; no sheet written", file=sys.stderr)
        return 1
    write_sheet(sheet, out)
    if out is not None:
        print(f"the {year} result sheet ({len(sheet.scopes)} sheets) written to {out}", file=sys.stderr)
    return 0


def backup(args: argparse.Namespace) -> int:
    """Take an online backup of the database to a file and check it, or check an existing one."""
    from storage.backup import BackupError, integrity_problems, take_backup

    target = Path(args.file)
    if args.check:
        problems = integrity_problems(target)
        for problem in problems:
            print(f"{target}: {problem}", file=sys.stderr)
        if not problems:
            print(f"{target}: integrity check ok", file=sys.stderr)
        return 1 if problems else 0
    settings = _settings()
    try:
        take_backup(settings.database_path, target)
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"backup of {settings.database_path} written to {target}; integrity check ok", file=sys.stderr)
    return 0


def digest(args: argparse.Namespace) -> int:
    """Print the weekly digest as plain text."""
    from datetime import datetime

    from bot.cli.digest import digest_text
    from bot.core.domain import Language

    settings = _settings()
    _existing_database(settings)
    plan = _plan(settings.plan_path)
    if args.unit is not None and plan.unit(args.unit) is None:
        print(f"--unit: unknown unit {args.unit!r}; units: {', '.join(plan.units_by_code)}", file=sys.stderr)
        return 2
    send_day = args.date or datetime.now(settings.tz).date()
    text = asyncio.run(
        digest_text(settings, plan, unit_code=args.unit, send_day=send_day, language=Language(args.lang))
    )
    print(text)
    return 0


def doctor(_: argparse.Namespace) -> int:
    """Check settings, token, Bot API, plan, database, folders, disk, backups, time zone and clock."""
    from bot.cli.doctor import doctor as examine

    return examine()
def targets(args: argparse.Namespace) -> int:
    """Export a year's targets to a sheet, or check and import a filled-in one (bot/cli/targets.py)."""
    from bot.cli.targets import run as run_targets

    settings = _settings()
    _existing_database(settings)
    return run_targets(args, settings, _plan(settings.plan_path))


def parser() -> argparse.ArgumentParser:
    """The CLI's arguments."""
    root = argparse.ArgumentParser(prog="python -m bot", description="Keelung police field-reporting bot")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot until SIGTERM").set_defaults(handler=run)
    plan = commands.add_parser("check-plan", help="validate plan.json and summarise it")
    plan.add_argument("path", nargs="?", help="plan file (default: PLAN_PATH)")
    plan.set_defaults(handler=check_plan)
    out = commands.add_parser("export", help="export every report")
    out.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    out.add_argument("--year", type=int)
    out.add_argument("--out", help="file to write (default: standard output)")
    out.set_defaults(handler=export)
    year_sheet = commands.add_parser("annual", help="write the year's result sheet (.xlsx)")
    year_sheet.add_argument("--year", help="2025 or ROC 114 (default: the last finished year)")
    year_sheet.add_argument("--out", help="file to write (default: standard output)")
    year_sheet.add_argument("--lang", choices=["zh", "en"], default="zh")
    year_sheet.set_defaults(handler=annual)
    week = commands.add_parser("digest", help="print the weekly digest as plain text")
    week.add_argument("--unit", help="unit code (default: the whole bureau)")
    week.add_argument(
        "--date", type=date.fromisoformat, help="the day it is sent, YYYY-MM-DD (default: today); "
        "it covers the Monday-Sunday week before",
    )  # fmt: skip
    week.add_argument("--lang", choices=["zh", "en"], default="zh")
    week.set_defaults(handler=digest)
    _demo_arguments(commands)


    target_sheet.add_arguments(commands).set_defaults(handler=targets)
    copy = commands.add_parser("backup", help="take an online backup of the database and check it")
    copy.add_argument("file", help="backup file to write (replaced atomically)")
    copy.add_argument("--check", action="store_true", help="only check an existing backup file")
    copy.set_defaults(handler=backup)
    commands.add_parser("doctor", help="check the setup; exit status 1 on any problem").set_defaults(
        handler=doctor
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command."""
    args = parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except _Refused as refused:
        return refused.status


if __name__ == "__main__":
    raise SystemExit(main())
