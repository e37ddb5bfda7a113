"""Client-side rate limiting per token and endpoint group, shared by every worker via Redis.

The contract (wildberries-communications.yaml) documents limits per seller account and
category as "period / limit / interval / burst". A token bucket with ``burst`` tokens
refilled one per ``interval`` reproduces exactly that. The bucket lives in one Redis hash
updated by a Lua script, so all Celery workers and web processes using the same token
draw from one bucket; the clock is Redis' own (``TIME``), so hosts with skewed clocks
agree. After a 429 the client calls ``penalize`` and every process waits it out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class Limit:
    burst: int
    interval: float  # seconds between two requests once the burst is spent


# From the yaml's description_limit tables (per seller account).
FEEDBACKS_QUESTIONS = "questionsandfeedback"  # 1 s / 3 requests / 333 ms / burst 6
BUYER_CHAT = "buyerchat"  # 10 s / 10 requests / 1 s / burst 10
RETURNS = "returns"  # 1 min / 20 requests / 3 s / burst 10
DOCUMENTED_LIMITS = {
    FEEDBACKS_QUESTIONS: Limit(burst=6, interval=1 / 3),
    BUYER_CHAT: Limit(burst=10, interval=1.0),
    RETURNS: Limit(burst=10, interval=3.0),
}
# Requests reach the server a little later and in a slightly different rhythm than they
# left the bucket; keep a margin so jitter never turns into a 429.
SAFETY_BURST = 1
SAFETY_INTERVAL_FACTOR = 1.05


def effective_limit(group: str) -> Limit:
    documented = DOCUMENTED_LIMITS[group]
    return Limit(
        burst=max(1, documented.burst - SAFETY_BURST),
        interval=documented.interval * SAFETY_INTERVAL_FACTOR,
    )


class RateLimiter(Protocol):
    def reserve(self, key: str, limit: Limit) -> float:
        """Take one token now if possible (returns 0), else return seconds to wait."""
        ...

    def penalize(self, key: str, seconds: float) -> None:
        """Nobody sends on ``key`` for ``seconds`` (the server said 429)."""
        ...


_TOKEN_BUCKET_LUA = """
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local interval_us = tonumber(ARGV[2])
local penalty_us = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local state = redis.call('HMGET', key, 'tokens', 'ts', 'blocked')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
local blocked = tonumber(state[3]) or 0
local ttl_ms = math.ceil((capacity * interval_us + penalty_us) / 1000) + 1000
if penalty_us > 0 then
  local until_us = now + penalty_us
  if until_us > blocked then blocked = until_us end
  redis.call('HSET', key, 'tokens', 0, 'ts', now, 'blocked', blocked)
  redis.call('PEXPIRE', key, math.ceil((blocked - now) / 1000) + ttl_ms)
  return 0
end
if now < blocked then
  return blocked - now
end
tokens = math.min(capacity, tokens + (now - ts) / interval_us)
if tokens >= 1 then
  redis.call('HSET', key, 'tokens', tokens - 1, 'ts', now, 'blocked', blocked)
  redis.call('PEXPIRE', key, ttl_ms)
  return 0
end
redis.call('HSET', key, 'tokens', tokens, 'ts', now, 'blocked', blocked)
redis.call('PEXPIRE', key, ttl_ms)
return math.ceil((1 - tokens) * interval_us)
"""


class RedisRateLimiter:
    def __init__(self, client) -> None:  # client: redis.Redis
        self._script = client.register_script(_TOKEN_BUCKET_LUA)

    def reserve(self, key: str, limit: Limit) -> float:
        wait_us = self._script(
            keys=[f"wb-rate:{key}"], args=[limit.burst, int(limit.interval * 1_000_000), 0]
        )
        return int(wait_us) / 1_000_000

    def penalize(self, key: str, seconds: float) -> None:
        self._script(keys=[f"wb-rate:{key}"], args=[1, 1_000_000, max(1, int(seconds * 1_000_000))])


class LocalRateLimiter:
    """The same bucket in process memory: for a demo without Redis (single worker)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float, float]] = {}

    def reserve(self, key: str, limit: Limit) -> float:
        with self._lock:
            now = time.monotonic()
            tokens, stamp, blocked = self._state.get(key, (float(limit.burst), now, 0.0))
            if now < blocked:
                return blocked - now
            tokens = min(limit.burst, tokens + (now - stamp) / limit.interval)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now, blocked)
                return 0.0
            self._state[key] = (tokens, now, blocked)
            return (1 - tokens) * limit.interval

    def penalize(self, key: str, seconds: float) -> None:
        with self._lock:
            now = time.monotonic()
            _, _, blocked = self._state.get(key, (0.0, now, 0.0))
            self._state[key] = (0.0, now, max(blocked, now + seconds))


_default: RateLimiter | None = None
_default_lock = threading.Lock()


def default_limiter() -> RateLimiter:
    """Redis-backed when ``REDIS_URL`` is set (every real deployment), else in-process."""
    global _default
    with _default_lock:
        if _default is None:
            url = settings.WB_RATE_LIMIT_REDIS_URL or settings.REDIS_URL
            if url:
                import redis

                _default = RedisRateLimiter(redis.Redis.from_url(url))
            else:
                _default = LocalRateLimiter()
        return _default
