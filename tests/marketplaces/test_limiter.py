"""The client stays under the documented limits, also with several workers sharing a token."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from django.conf import settings

from sellerdesk.marketplaces.wildberries import limiter as rate
from sellerdesk.marketplaces.wildberries.client import WildberriesClient
from sellerdesk.marketplaces.wildberries.errors import WildberriesRateLimited


@pytest.fixture
def redis_limiter():
    return rate.RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL))


def test_redis_bucket_allows_the_burst_then_asks_to_wait(redis_limiter):
    key = f"test:{uuid.uuid4().hex}"
    limit = rate.Limit(burst=3, interval=10.0)
    assert [redis_limiter.reserve(key, limit) for _ in range(3)] == [0, 0, 0]
    wait = redis_limiter.reserve(key, limit)
    assert 9.0 < wait <= 10.0


def test_two_limiter_instances_share_one_bucket(redis_limiter):
    other_worker = rate.RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL))
    key = f"test:{uuid.uuid4().hex}"
    limit = rate.Limit(burst=2, interval=10.0)
    assert redis_limiter.reserve(key, limit) == 0
    assert other_worker.reserve(key, limit) == 0
    assert redis_limiter.reserve(key, limit) > 0
    assert other_worker.reserve(key, limit) > 0


def test_penalty_blocks_every_worker(redis_limiter):
    key = f"test:{uuid.uuid4().hex}"
    redis_limiter.penalize(key, 30)
    assert redis_limiter.reserve(key, rate.Limit(burst=5, interval=0.1)) > 25


def test_several_workers_on_one_token_never_get_a_429(wb_fake, wb_token):
    """Four threads, each with its own client and Redis connection, as four Celery workers."""
    errors: list[Exception] = []

    def worker() -> None:
        client = WildberriesClient(
            token=wb_token,
            feedbacks_base_url=wb_fake.url,
            chat_base_url=wb_fake.url,
            limiter=rate.RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL)),
            max_429_retries=0,
        )
        try:
            for _ in range(4):
                client.has_new()
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert wb_fake.rate_limited == 0
    assert len(wb_fake.requests) == 16


def test_a_429_with_a_retry_header_is_waited_out_and_shared(wb_fake, wb_token):
    limiter = rate.RedisRateLimiter(redis.Redis.from_url(settings.REDIS_URL))
    wb_fake.inject("429", retry_headers={"X-Ratelimit-Retry": "1"})
    client = WildberriesClient(
        token=wb_token, feedbacks_base_url=wb_fake.url, chat_base_url=wb_fake.url, limiter=limiter
    )
    assert client.has_new() == {"hasNewQuestions": False, "hasNewFeedbacks": False}
    assert len(wb_fake.requests) == 2  # the 429, then one successful retry


def test_a_long_retry_hint_is_handed_to_the_caller(wb_fake, wb_token):
    wb_fake.inject("429", retry_headers={"X-Ratelimit-Retry": "120"})
    client = WildberriesClient(
        token=wb_token,
        feedbacks_base_url=wb_fake.url,
        chat_base_url=wb_fake.url,
        limiter=rate.LocalRateLimiter(),
    )
    with pytest.raises(WildberriesRateLimited) as caught:
        client.has_new()
    assert caught.value.retry_after == 120 and caught.value.retryable


def test_the_fake_enforces_the_documented_burst(wb_fake, wb_token):
    """Without our limiter, the seventh quick request is refused, as the contract says."""
    import httpx

    with httpx.Client(headers={"Authorization": wb_token}) as http:
        statuses = [
            http.get(f"{wb_fake.url}/api/v1/new-feedbacks-questions").status_code for _ in range(20)
        ]
    assert statuses[:6] == [200] * 6
    assert 429 in statuses[6:]
    assert wb_fake.rate_limited == statuses.count(429)


def test_the_fake_validates_documented_parameters(wb_fake, wb_token, wb_contract):
    import httpx

    headers = {"Authorization": wb_token}
    missing = httpx.get(
        f"{wb_fake.url}/api/v1/questions", params={"take": 10, "skip": 0}, headers=headers
    )
    assert missing.status_code == 400 and missing.json()["error"] is True
    too_far = httpx.get(
        f"{wb_fake.url}/api/v1/questions",
        params={"isAnswered": "false", "take": 9000, "skip": 2000},
        headers=headers,
    )
    assert too_far.status_code == 400
    zero = httpx.get(f"{wb_fake.url}/api/v1/seller/events", params={"next": 0}, headers=headers)
    assert zero.status_code == 400 and zero.json()["detail"] == 'Invalid value for "next"'
    assert httpx.get(f"{wb_fake.url}/api/v1/questions", headers={}).status_code == 401
    # The contract check saw the same two requests break the description (a required
    # parameter missing, no token); these were sent on purpose, so the test takes them away.
    broken = [violation.split("\n")[0] for violation in wb_contract.violations]
    assert broken == [
        "request GET /api/v1/questions: MissingRequiredParameter: Missing required query parameter: isAnswered",
        "request GET /api/v1/questions: SecurityValidationError: SecurityValidationError: Security not found. Schemes not valid for any requirement: [['HeaderApiKey']]",
    ], wb_contract.report()
    wb_contract.violations.clear()
