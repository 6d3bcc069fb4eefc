"""Garbage-collection pauses around bulk work.

Building a projection or importing a national file makes objects by the hundred
thousand; Python's collector would then walk every long-lived object (the projection, the
resolvers of France) again and again for nothing: the work is bounded and what it makes
is kept. ``paused()`` suspends collection for the duration and restores it after.
"""

from __future__ import annotations

import ctypes
import ctypes.util
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


#: glibc's ``mallopt`` parameter for the size above which a block is mapped on its own
M_MMAP_THRESHOLD = -3


def large_blocks_to_system(threshold: int = 128 * 1024) -> bool:
    """Have the C library map every block above ``threshold`` on its own, so that freeing
    it gives it back to the system.

    glibc raises that threshold after the first large block is freed and then keeps later
    large temporaries (the pair matrices of a view's layout, a gap scan) in its heap: a
    server kept 27 MB after one 1,000-node view of the national graph, 12 MB with this.
    ``False`` where the C library has no ``mallopt`` (not glibc): nothing changes.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
