"""Invitations: a week's validity, unguessable codes, the deep link that redeems them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import invitations
from bot.core.domain import Role
from bot.services import Repositories
from storage.invitations import Redemption
from tests.auxil.seed import open_repos

CREATED = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def test_valid_for_a_week() -> None:
    assert timedelta(days=7) == invitations.VALID_FOR


def test_link_format() -> None:
    assert invitations.link("KeelungFieldBot", "abc-_123") == "https://t.me/KeelungFieldBot?start=abc-_123"


def test_codes_are_url_safe_unique_and_fit_start() -> None:
    codes = {invitations.new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{16}", code), code


@pytest.fixture
async def repos(tmp_path: Path) -> AsyncIterator[Repositories]:
    opened = await open_repos(tmp_path / "bot.sqlite3")
    try:
        yield opened
    finally:
        await opened.db.close()


async def _redeem_at(repos: Repositories, at: datetime) -> Redemption:
    invitation = await repos.invitations.create(
        code=invitations.new_code(),
        unit_code="p1",
        role=Role.OFFICER,
        created_by=1,
        now=CREATED,
        valid_for=invitations.VALID_FOR,
    )
    assert invitation.expires_at == CREATED + invitations.VALID_FOR
    outcome, _ = await repos.invitations.redeem(
        code=invitation.code, telegram_id=900, full_name="X", username=None, now=at
    )
    return outcome


@pytest.mark.parametrize(
    ("after", "outcome"),
    [
        (timedelta(days=7) - timedelta(seconds=1), Redemption.REGISTERED),
        (timedelta(days=7), Redemption.INVALID),
    ],
)
async def test_expires_exactly_after_a_week(
    repos: Repositories, after: timedelta, outcome: Redemption
) -> None:
    assert await _redeem_at(repos, CREATED + after) is outcome
