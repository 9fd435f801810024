"""The people rules: the last active admin stays, pages clamp into range."""

from __future__ import annotations

import pytest

from bot.core.domain import Role
from bot.core.people import Membership, page, removes_last_admin

ADMIN, OFFICER = Membership(Role.ADMIN, True), Membership(Role.OFFICER, True)


@pytest.mark.parametrize(
    ("before", "after", "admins", "refused"),
    [
        (ADMIN, OFFICER, 1, True),
        (ADMIN, Membership(Role.ADMIN, False), 1, True),
        (ADMIN, Membership(Role.CHIEF, True), 2, False),
        (ADMIN, ADMIN, 1, False),
        (OFFICER, Membership(Role.OFFICER, False), 1, False),
        (Membership(Role.ADMIN, False), OFFICER, 1, False),
        (OFFICER, ADMIN, 0, False),
    ],
)
def test_last_admin_rule(before: Membership, after: Membership, admins: int, refused: bool) -> None:
    assert removes_last_admin(before, after, admins) is refused


@pytest.mark.parametrize(
    ("total", "number", "expected"),
    [
        (0, 0, (0, 1, 0, 0)),
        (25, 1, (0, 1, 0, 25)),
        (26, 1, (1, 2, 25, 26)),
        (60, -3, (0, 3, 0, 25)),
        (60, 9, (2, 3, 50, 60)),
    ],
)
def test_pages(total: int, number: int, expected: tuple[int, int, int, int]) -> None:
    shown = page(total, number, size=25)
    assert (shown.number, shown.count, shown.start, shown.stop) == expected
    assert shown.has_previous is (shown.number > 0)
    assert shown.has_next is (shown.number + 1 < shown.count)
