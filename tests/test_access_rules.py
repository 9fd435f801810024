"""The one rule for which unit a member may see."""

from __future__ import annotations

import pytest

from bot.core.access import OtherUnitRefused, digest_scope, may_see, sees_officer_names, visible_scope
from bot.core.domain import Role


def test_an_admin_sees_the_bureau_by_default_and_any_unit_asked_for() -> None:
    assert visible_scope(Role.ADMIN, "p1", unit_given=False, unit_code=None) is None
    assert visible_scope(Role.ADMIN, "p1", unit_given=True, unit_code="p3") == "p3"
    assert visible_scope(Role.ADMIN, "p1", unit_given=True, unit_code=None) is None
    assert may_see(Role.ADMIN, "p1", "p4") and may_see(Role.ADMIN, "p1", None)


@pytest.mark.parametrize("role", [Role.CHIEF, Role.OFFICER])
def test_anyone_else_sees_only_their_own_unit(role: Role) -> None:
    assert visible_scope(role, "p2", unit_given=False, unit_code=None) == "p2"
    assert visible_scope(role, "p2", unit_given=True, unit_code="p2") == "p2"
    for asked in ("p1", None):
        with pytest.raises(OtherUnitRefused) as refused:
            visible_scope(role, "p2", unit_given=True, unit_code=asked)
        assert refused.value.own_unit == "p2"
    assert may_see(role, "p2", "p2") and not may_see(role, "p2", "p1") and not may_see(role, "p2", None)


def test_only_a_chief_reads_names_and_digests_follow_the_role() -> None:
    assert sees_officer_names(Role.CHIEF)
    assert not sees_officer_names(Role.ADMIN) and not sees_officer_names(Role.OFFICER)
    assert digest_scope(Role.CHIEF, "p3") == "p3"
    assert digest_scope(Role.ADMIN, "p3") is None
