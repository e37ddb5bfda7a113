"""Answers from the marketplace are untrusted input too: deep, odd or huge JSON becomes the
client's own retryable "malformed" error, never a RecursionError or a crash of the sync."""

from __future__ import annotations

import httpx
import pytest

from sellerdesk.marketplaces.wildberries.client import WildberriesClient
from sellerdesk.marketplaces.wildberries.errors import WildberriesServerError
from sellerdesk.marketplaces.wildberries.limiter import LocalRateLimiter
from tests.security._hostile import DEEP_BRACKETS, LONG_NUMBER


def _client(body: bytes, status: int = 200) -> WildberriesClient:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            status, content=body, headers={"Content-Type": "application/json"}
        )
    )
    return WildberriesClient(
        token="t" * 40,
        feedbacks_base_url="https://wb.test",
        chat_base_url="https://wb.test",
        limiter=LocalRateLimiter(),
        max_429_retries=0,
        transport=transport,
    )


@pytest.mark.parametrize(
    "body",
    [
        DEEP_BRACKETS.encode(),
        ('{"data": {"countUnanswered": ' + LONG_NUMBER + "}}").encode(),
        b'{"data": {"countUnanswered": NaN}}',
        b'{"data": ' + b"[" * 40 + b"]" * 40 + b"}",
    ],
)
def test_hostile_answers_are_malformed_responses(body):
    with _client(body) as client, pytest.raises(WildberriesServerError) as caught:
        client.chats()
    assert caught.value.retryable
    assert "malformed JSON" in str(caught.value)


def test_an_ordinary_answer_still_reads():
    with _client(b'{"result": [{"chatID": "1"}]}') as client:
        assert client.chats() == [{"chatID": "1"}]
