"""A per-process cache of something compiled from a shop's rows, keyed by (shop id, version).

Questions compile their decline rules and reviews their situation rules with it: the shop's
settings carry a version that every edit bumps, so a stale entry is never read again, and a
busy worker compiles a shop's rules once per edit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

ValueT = TypeVar("ValueT")


class ShopVersionCache(Generic[ValueT]):
    def __init__(self, *, limit: int) -> None:
        self._entries: dict[tuple[int, int], ValueT] = {}
        self._lock = threading.Lock()
        self._limit = limit  # caps the memory of a process that serves many shops

    def get_or_build(self, shop_id: int, version: int, build: Callable[[], ValueT]) -> ValueT:
        """The cached value of ``shop_id`` at ``version``, built (outside the lock) on first use."""
        key = (shop_id, version)
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        built = build()
        with self._lock:
            for stale in [k for k in self._entries if k[0] == shop_id]:
                del self._entries[stale]  # older versions of this shop are never asked for again
            if len(self._entries) >= self._limit:
                self._entries.clear()
            self._entries[key] = built
        return built

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
