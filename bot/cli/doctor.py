"""`python -m bot doctor`: one line per check, exit status 1 on any problem; changes nothing."""

from __future__ import annotations

import sys

from bot.core.domain import Language
from bot.rendering.i18n import Catalog
from bot.service.doctor import Finding, Level, examine
from bot.settings import SettingsError, load_settings

EXIT_HEALTHY, EXIT_PROBLEM, EXIT_BAD_SETTINGS = 0, 1, 2


def line(catalog: Catalog, finding: Finding, language: Language = Language.EN) -> str:
    """A finding as the operator reads it: its level, then what was found and what to do."""
    level = catalog.plain(language, f"doctor.level_{finding.level}")
    return f"{level:<8} {catalog.plain(language, finding.key, **finding.values)}"


def doctor() -> int:
    """Run every check and print one line each."""
    catalog = Catalog.load()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"{catalog.plain(Language.EN, 'doctor.level_problem'):<8} settings: {error}")
        return EXIT_BAD_SETTINGS
    print(f"{catalog.plain(Language.EN, 'doctor.level_ok'):<8} settings: read")
    findings = examine(settings)
    for finding in findings:
        print(line(catalog, finding))
    sys.stdout.flush()
    return EXIT_PROBLEM if any(f.level is Level.PROBLEM for f in findings) else EXIT_HEALTHY
