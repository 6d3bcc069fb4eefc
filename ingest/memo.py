"""A cache for what a file repeats: short values (a country, a period, a partner's name),
read once each. Long texts (a description) are rarely repeated and would hold memory:
they are computed each time."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TypeVar

T = TypeVar("T")
#: the longest value, all arguments together, worth remembering
SHORT = 200


def repeated(maxsize: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Remember the results of a pure function of short strings.

    >>> calls = []
    >>> @repeated(8)
    ... def size(text: str) -> int:
    ...     calls.append(text)
    ...     return len(text)
    >>> size("Sénégal"), size("Sénégal"), size("x" * 300), size("x" * 300), len(calls)
    (7, 7, 300, 300, 3)
    """
    def wrap(function: Callable[..., T]) -> Callable[..., T]:
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args: str) -> T:
            return cached(*args) if sum(map(len, args)) <= SHORT else function(*args)
        return call
    return wrap
