"""A Redis cache that a Redis outage turns into "no cache" instead of an error page.

Everything SellerDesk keeps in the cache can be recomputed or read from the database
(sessions are cached_db, live cursors fall back to "something changed", compiled rules are
per process), so while Redis is unreachable reads miss, writes are dropped and each failure
is logged. Without this, Django's own RedisCache raises ``redis.ConnectionError`` from the
session middleware and every page answers 500 until Redis returns.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    def _unreachable(self, operation: str) -> None:
        logger.warning("cache %s skipped: Redis is unreachable", operation, exc_info=True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            self._unreachable("get")
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE:
            self._unreachable("get_many")
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE:
            self._unreachable("has_key")
            return False

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            self._unreachable("set")

    def set_many(self, data: dict, timeout: Any = 300, version: int | None = None) -> list:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE:
            self._unreachable("set_many")
            return list(data)

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        # Not stored: a caller using add() as a lock must not believe it holds one.
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE:
            self._unreachable("add")
            return False

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE:
            self._unreachable("touch")
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE:
            self._unreachable("delete")
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE:
            self._unreachable("delete_many")
