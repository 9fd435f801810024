"""Telegram text formatting as the Bot API server applies it.

``parse_html`` follows TDLib's ``parse_html`` (the code behind ``parse_mode=HTML``): the same
allowed tags, the same entity types and the same error wording, returned without the
``"Bad Request: can't parse entities: "`` prefix the stand-in adds.  Offsets and lengths are
in UTF-16 code units, exactly like Telegram's ``MessageEntity``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "span", "tg-spoiler", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip

_SIMPLE_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_SPACES = " \t\r\n\f\v"

JsonDict = dict[str, Any]


class EntityParseError(ValueError):
    """Raised for HTML Telegram would refuse; ``str(exc)`` is Telegram's wording."""


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_entity(text: str, i: int) -> tuple[str, int] | None:
    """Decode an HTML character reference at ``text[i] == '&'``: (char, length) or None."""
    match = _ENTITY_RE.match(text, i)
    if match is None:
        return None
    dec, hexa, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end() - i) if char is not None else None
    code = int(dec) if dec is not None else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end() - i


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset in the output


class _HtmlParser:
    """One-shot parser; ``run`` returns (plain text, entities)."""

    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.text = text
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 units emitted so far
        self.stack: list[_Open] = []
        self.entities: list[JsonDict] = []

    def error(self, message: str) -> EntityParseError:
        return EntityParseError(message)

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += utf16_len(chunk)

    def run(self) -> tuple[str, list[JsonDict]]:
        i, text = 0, self.text
        while i < len(text):
            char = text[i]
            if char == "&":
                i = self.ampersand(i)
            elif char == "<":
                i = self.end_tag(i) if text.startswith("</", i) else self.start_tag(i)
            else:
                nxt = min((p for p in (text.find("<", i), text.find("&", i)) if p >= 0), default=-1)
                nxt = len(text) if nxt < 0 else nxt
                self.emit(text[i:nxt])
                i = nxt
        if self.stack:
            raise self.error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def ampersand(self, i: int) -> int:
        decoded = _decode_entity(self.text, i)
        if decoded is not None:
            self.emit(decoded[0])
            return i + decoded[1]
        if self.strict_ampersand:
            raise self.error(
                f'Unescaped "&" at byte offset {_byte_offset(self.text, i)}; '
                "use &amp; (the stand-in is stricter than Telegram here)"
            )
        self.emit("&")
        return i + 1

    def start_tag(self, begin: int) -> int:
        text, i = self.text, begin + 1
        while i < len(text) and text[i] not in _SPACES and text[i] != ">":
            i += 1
        offset = _byte_offset(text, begin)
        if i >= len(text):
            raise self.error(f"Unclosed start tag at byte offset {offset}")
        tag = text[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise self.error(f'Unsupported start tag "{tag}" at byte offset {offset}')
        argument, i = self.attributes(tag, i, offset)
        if tag == "span" and argument != "spoiler":
            raise self.error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        self.stack.append(_Open(tag, argument, self.out_len))
        return i + 1

    def attributes(self, tag: str, i: int, offset: int) -> tuple[str, int]:
        """Parse attributes up to ``>``; returns (entity argument, index of ``>``)."""
        text, argument = self.text, ""
        while True:
            while i < len(text) and text[i] in _SPACES:
                i += 1
            if i >= len(text):
                raise self.error(f"Unclosed start tag at byte offset {offset}")
            if text[i] == ">":
                return argument, i
            name_begin = i
            while i < len(text) and text[i] not in _SPACES and text[i] not in "=>":
                i += 1
            name = text[name_begin:i].lower()
            if not name:
                raise self.error(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
            while i < len(text) and text[i] in _SPACES:
                i += 1
            if i >= len(text) or text[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "1"
                    continue
                raise self.error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {offset}'
                )
            value, i = self.attribute_value(i + 1, offset)
            argument = _tag_argument(tag, name, value, argument)

    def attribute_value(self, i: int, offset: int) -> tuple[str, int]:
        text = self.text
        while i < len(text) and text[i] in _SPACES:
            i += 1
        if i >= len(text):
            raise self.error(f"Unclosed start tag at byte offset {offset}")
        if text[i] not in "'\"":
            begin = i
            while i < len(text) and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < len(text) and text[i] not in _SPACES and text[i] != ">":
                raise self.error(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, begin)}"
                )
            return text[begin:i].lower(), i
        quote, i, chars = text[i], i + 1, []
        while i < len(text) and text[i] != quote:
            decoded = _decode_entity(text, i) if text[i] == "&" else None
            if decoded is not None:
                chars.append(decoded[0])
                i += decoded[1]
            else:
                chars.append(text[i])
                i += 1
        if i >= len(text):
            raise self.error(f"Unclosed start tag at byte offset {offset}")
        return "".join(chars), i + 1

    def end_tag(self, begin: int) -> int:
        text, offset = self.text, _byte_offset(self.text, begin)
        if not self.stack:
            raise self.error(f"Unexpected end tag at byte offset {offset}")
        i = begin + 2
        while i < len(text) and text[i] not in _SPACES and text[i] != ">":
            i += 1
        name = text[begin + 2 : i].lower()
        while i < len(text) and text[i] in _SPACES:
            i += 1
        if i >= len(text) or text[i] != ">":
            raise self.error(f"Unclosed end tag at byte offset {offset}")
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise self.error(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.tag}>", '
                f'found "</{name}>"'
            )
        self.stack.pop()
        self.close_entity(opened)
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        length = self.out_len - opened.offset
        if length <= 0:
            return
        entity = _make_entity(opened, length)
        if entity is None:
            return
        if entity["type"] == "pre" and self.entities:
            inner = self.entities[-1]
            same_span = inner["offset"] == opened.offset and inner["length"] == length
            if inner["type"] == "code" and same_span:
                self.entities.pop()
                if "language" in inner:
                    entity["language"] = inner["language"]
        self.entities.append(entity)


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def _make_entity(opened: _Open, length: int) -> JsonDict | None:
    base: JsonDict = {"offset": opened.offset, "length": length}
    tag, arg = opened.tag, opened.argument
    if tag in _SIMPLE_TYPES:
        return {"type": _SIMPLE_TYPES[tag], **base}
    if tag == "a":
        if not arg:
            return None
        if arg.startswith("tg://user?id=") and arg[len("tg://user?id=") :].isdigit():
            user_id = int(arg[len("tg://user?id=") :])
            return {"type": "text_mention", **base, "user": {"id": user_id, "is_bot": False,
                                                            "first_name": str(user_id)}}
        return {"type": "text_link", **base, "url": arg}
    if tag == "code":
        return {"type": "code", **base, **({"language": arg} if arg else {})}
    if tag == "pre":
        return {"type": "pre", **base}
    if tag == "blockquote":
        return {"type": "expandable_blockquote" if arg else "blockquote", **base}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": arg} if arg else None
    return None


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[JsonDict]]:
    """Parse Telegram-HTML into (plain text, entities); raise EntityParseError like Telegram.

    ``strict_ampersand``: real Telegram keeps a stray ``&`` literally; the stand-in refuses it by
    default so that unescaped user input is caught in tests.
    """
    return _HtmlParser(text, strict_ampersand).run()


def strip_text(text: str, entities: list[JsonDict]) -> tuple[str, list[JsonDict]]:
    """Trim leading/trailing whitespace like Telegram and clip the entities accordingly."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


_COMMAND_RE = re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])")


def detect_user_entities(text: str) -> list[JsonDict]:
    """Entities Telegram's clients attach to a plain user message (``bot_command`` only)."""
    entities: list[JsonDict] = []
    for match in _COMMAND_RE.finditer(text):
        entities.append(
            {
                "type": "bot_command",
                "offset": utf16_len(text[: match.start()]),
                "length": utf16_len(match.group()),
            }
        )
    return entities
