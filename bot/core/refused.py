"""Input a command cannot use: why, and the values the answer needs to explain it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

P = TypeVar("P", bound=StrEnum)


@dataclass(frozen=True)
class InputRefused(Exception, Generic[P]):
    """Why the input was refused (each problem has a catalog message) and the answer's values."""

    problem: P
    details: dict[str, object] = field(default_factory=dict)
