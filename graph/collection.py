"""Garbage-collection pauses around bulk work.

Building a projection or importing a national file makes objects by the hundred
thousand; Python's collector would then walk every long-lived object (the projection, the
resolvers of France) again and again for nothing: the work is bounded and what it makes
is kept. ``paused()`` suspends collection for the duration and restores it after.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused() -> Iterator[None]:
    """Suspend the cyclic garbage collector inside the block (reference counting still
    frees what is dropped).

    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def pausing(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` run with collection :func:`paused`."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return function(*args, **kwargs)

    return run
