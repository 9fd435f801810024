"""The message catalogs: one per language, looked up by key.

Each language is a folder `bot/locales/<tag>/` of TOML files; a key is
`<file stem>.<name>`, e.g. `report.saved`. Values are `str.format` templates.
`text()` escapes every value for Telegram's HTML parse mode, so a name or a note
typed by a user can never break a message.
"""

from __future__ import annotations

import html
import string
import tomllib
from collections.abc import Mapping
from importlib import resources

from bot.core.domain import Language

_FOLDERS = {Language.ZH: "zh-TW", Language.EN: "en"}


class Catalog:
    """Every user-facing string, per language."""

    def __init__(self, messages: Mapping[Language, Mapping[str, str]]) -> None:
        self._messages = messages

    @classmethod
    def load(cls) -> Catalog:
        """Read the catalogs shipped with the bot."""
        messages: dict[Language, dict[str, str]] = {}
        for language, folder in _FOLDERS.items():
            merged: dict[str, str] = {}
            for entry in resources.files("bot.locales").joinpath(folder).iterdir():
                if entry.name.endswith(".toml"):
                    section = entry.name.removesuffix(".toml")
                    for key, value in tomllib.loads(entry.read_text(encoding="utf-8")).items():
                        merged[f"{section}.{key}"] = str(value)
            messages[language] = merged
        return cls(messages)

    def keys(self, language: Language) -> set[str]:
        """All keys of one language."""
        return set(self._messages[language])

    def has(self, language: Language, key: str) -> bool:
        """Whether a key exists in a language."""
        return key in self._messages[language]

    def template(self, language: Language, key: str) -> str:
        """The raw template, falling back to Chinese, then to the key itself."""
        return self._messages[language].get(key) or self._messages[Language.ZH].get(key) or key

    def text(self, language: Language, key: str, /, **values: object) -> str:
        """A message for parse_mode=HTML, with every value escaped."""
        escaped = {name: _escape(value) for name, value in values.items()}
        return self.template(language, key).format(**escaped)

    def plain(self, language: Language, key: str, /, **values: object) -> str:
        """A message without markup: button labels, command descriptions, file names."""
        return self.template(language, key).format(**values)

    def placeholders(self, language: Language, key: str) -> set[str]:
        """Names used in a template (for tests comparing languages)."""
        return {name for _, name, _, _ in string.Formatter().parse(self.template(language, key)) if name}


class Markup(str):
    """Text that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


def _escape(value: object) -> object:
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, str):
        return html.escape(value, quote=False)
    return value
