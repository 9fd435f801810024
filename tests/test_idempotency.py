"""Idempotency keys keep their exact format: rows already stored carry them."""

from __future__ import annotations

from datetime import date

from bot.core.idempotency import flow_key, message_key, nothing_key


def test_message_key() -> None:
    assert message_key(501, 42) == "m:501:42"
    assert message_key(-1001234567890, 7) == "m:-1001234567890:7"


def test_flow_key() -> None:
    assert flow_key(501, "a1b2c3d4") == "f:501:a1b2c3d4"


def test_nothing_key() -> None:
    assert nothing_key(501, date(2026, 11, 27), 42) == "n:501:2026-11-27:42"
    assert nothing_key(501, date(2026, 1, 5), 0) == "n:501:2026-01-05:0"


def test_schemes_never_collide() -> None:
    keys = {message_key(501, 42), flow_key(501, "42"), nothing_key(501, date(2026, 11, 27), 42)}
    assert len(keys) == 3
