"""The Bot API 10.0 method catalogue (``api-10.0.json``) and parameter decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("api-10.0.json")
_SCALARS = frozenset({"String", "Integer", "Float", "Boolean", "InputFile"})
_MISSING_WORDING = {
    "chat_id": "chat_id is empty",
    "text": "message text is empty",
    "message_id": "message identifier is not specified",
    "document": "there is no document in the request",
    "photo": "there is no photo in the request",
    "callback_query_id": "query_id is empty",
}


@dataclass(frozen=True)
class UploadedFile:
    """A file that arrived in a multipart request."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self.content)} bytes)"


@dataclass(frozen=True)
class FieldSpec:
    """One documented parameter of a method."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """A documented Bot API method."""

    name: str
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec | None:
        """The documented field called ``name``, if any."""
        return next((f for f in self.fields if f.name == name), None)


@cache
def _catalogue() -> dict[str, MethodSpec]:
    raw = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    methods: dict[str, MethodSpec] = {}
    for name, body in raw["methods"].items():
        fields = tuple(
            FieldSpec(f["name"], tuple(f["types"]), bool(f["required"]))
            for f in body.get("fields", [])
        )
        methods[name.lower()] = MethodSpec(name, fields)
    return methods


def lookup_method(name: str) -> MethodSpec | None:
    """Find a method case-insensitively, as api.telegram.org does."""
    return _catalogue().get(name.lower())


def method_names() -> list[str]:
    """All documented method names."""
    return [m.name for m in _catalogue().values()]


def missing_parameter_message(name: str) -> str:
    """Telegram's wording when a required parameter is absent."""
    return "Bad Request: " + _MISSING_WORDING.get(name, f'parameter "{name}" is required')


def decode_value(value: Any, field: FieldSpec | None) -> Any:
    """Turn a form-encoded string into the value it stands for, guided by the field's types."""
    if not isinstance(value, str) or field is None:
        return value
    types = field.types
    if "Integer" in types:
        try:
            return int(value)
        except ValueError:
            pass
    if "Float" in types:
        try:
            return float(value)
        except ValueError:
            pass
    if "Boolean" in types and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if any(t not in _SCALARS for t in types) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value

