"""A thin, typed HTTP client for the Wildberries communications API (httpx, synchronous).

One method per endpoint we use; each returns the documented JSON (dicts) and raises a
``WildberriesError`` subclass otherwise. Every request first takes a token from the shared
rate limiter (per token fingerprint and endpoint group). The token goes into the
``Authorization`` header exactly as the contract's ``HeaderApiKey`` scheme says, and is
never logged: logs carry the token's fingerprint only.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from sellerdesk.marketplaces.base import OutgoingFile
from sellerdesk.marketplaces.crypto import token_fingerprint
from sellerdesk.marketplaces.wildberries import limiter as rate
from sellerdesk.marketplaces.wildberries.errors import (
    WildberriesAuthError,
    WildberriesError,
    WildberriesNetworkError,
    WildberriesRateLimited,
    WildberriesRequestError,
    WildberriesServerError,
)
from sellerdesk.policy import jsonsafe

logger = logging.getLogger(__name__)

FEEDBACKS_API = "https://feedbacks-api.wildberries.ru"
CHAT_API = "https://buyer-chat-api.wildberries.ru"
# The yaml documents no rate-limit response headers, only the 429 body. These are read if
# present (the names Wildberries' general API docs use, plus HTTP's Retry-After).
RETRY_HEADERS = ("X-Ratelimit-Retry", "X-Ratelimit-Reset", "Retry-After")
QUESTIONS_PAGE_MAX = 10_000  # take + skip ≤ 10 000
FEEDBACKS_PAGE_MAX = 5_000  # take ≤ 5 000, skip ≤ 199 990


@dataclass(frozen=True)
class SentMessage:
    """What the marketplace answered to a chat message: its chat, when it took the message
    (``addTime``; the later event's ``addTimestamp`` need not be equal) and the files it
    could not upload."""

    chat_id: str
    add_time_ms: int
    upload_errors: tuple[str, ...] = ()


def _retry_after(response: httpx.Response) -> float | None:
    for name in RETRY_HEADERS:
        value = response.headers.get(name)
        if not value:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if name == "Retry-After" else None
            if parsed is not None:
                return max(0.0, (parsed - datetime.now(UTC)).total_seconds())
    return None


# A page of feedbacks or chat events is a few MB at most; nothing the API sends nests deeply.
MAX_RESPONSE_CHARS = 50_000_000
MAX_RESPONSE_DEPTH = 32


def _loads(response: httpx.Response) -> object:
    """The body as JSON, refusing over-deep or over-long bodies, huge numbers and NaN
    (a ValueError, like malformed JSON), so a hostile or broken answer cannot crash sync."""
    return jsonsafe.loads(
        response.content, max_depth=MAX_RESPONSE_DEPTH, max_chars=MAX_RESPONSE_CHARS
    )


def _error_message(response: httpx.Response) -> str:
    """The marketplace's own words: errorText (questions/feedbacks), detail, or title."""
    try:
        body = _loads(response)
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        for key in ("errorText", "detail", "error", "title"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return f"HTTP {response.status_code}"


class WildberriesClient:
    def __init__(
        self,
        *,
        token: str,
        feedbacks_base_url: str = "",
        chat_base_url: str = "",
        limiter: rate.RateLimiter | None = None,
        timeout: float = 15.0,
        max_limiter_wait: float = 30.0,
        max_429_retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._token = token
        self.fingerprint = token_fingerprint(token)
        self.feedbacks_base_url = (feedbacks_base_url or FEEDBACKS_API).rstrip("/")
        self.chat_base_url = (chat_base_url or CHAT_API).rstrip("/")
        self.limiter = limiter or rate.default_limiter()
        self.max_limiter_wait = max_limiter_wait
        self.max_429_retries = max_429_retries
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            headers={"Authorization": token},
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"WildberriesClient(token=…{self.fingerprint})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WildberriesClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- plumbing --------------------------------------------------------------------------
    def _wait_for_slot(self, group: str) -> None:
        key = f"{self.fingerprint}:{group}"
        limit = rate.effective_limit(group)
        deadline = time.monotonic() + self.max_limiter_wait
        while True:
            wait = self.limiter.reserve(key, limit)
            if wait <= 0:
                return
            if time.monotonic() + wait > deadline:
                raise WildberriesRateLimited(
                    "local rate limit: slot not available in time", retryable=True, retry_after=wait
                )
            time.sleep(wait)

    def _request(
        self, group: str, method: str, url: str, *, write: bool = False, **kwargs: Any
    ) -> httpx.Response:
        for attempt in range(self.max_429_retries + 1):
            self._wait_for_slot(group)
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.ConnectError as error:
                raise WildberriesNetworkError(
                    f"connection failed: {error.__class__.__name__}", retryable=True
                ) from None
            except httpx.TimeoutException as error:
                # A read timeout on a write may mean the marketplace did it: check before resending.
                unknown = write and not isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout)
                raise WildberriesNetworkError(
                    "timed out", retryable=True, outcome_unknown=unknown
                ) from None
            except httpx.TransportError as error:
                raise WildberriesNetworkError(
                    f"network error: {error.__class__.__name__}",
                    retryable=True,
                    outcome_unknown=write,
                ) from None
            status = response.status_code
            logger.debug("wb %s %s -> %s (token …%s)", method, url, status, self.fingerprint)
            if status == 429:
                wait = _retry_after(response)
                fallback = rate.DOCUMENTED_LIMITS[group].interval
                self.limiter.penalize(
                    f"{self.fingerprint}:{group}", wait if wait is not None else fallback
                )
                if attempt < self.max_429_retries and (
                    wait is None or wait <= self.max_limiter_wait
                ):
                    continue
                raise WildberriesRateLimited(
                    _error_message(response),
                    retryable=True,
                    status=429,
                    retry_after=wait if wait is not None else fallback,
                )
            if status in (401, 403):
                raise WildberriesAuthError(_error_message(response), retryable=False, status=status)
            if status >= 500:
                raise WildberriesServerError(
                    _error_message(response), retryable=True, status=status, outcome_unknown=write
                )
            if status >= 400:
                raise WildberriesRequestError(
                    _error_message(response), retryable=False, status=status
                )
            return response
        raise AssertionError("unreachable")

    @staticmethod
    def _json(response: httpx.Response, *, write: bool = False) -> dict:
        try:
            body = _loads(response)
        except ValueError:
            raise WildberriesServerError(
                "malformed JSON in the response",
                retryable=True,
                status=response.status_code,
                outcome_unknown=write,
            ) from None
        if not isinstance(body, dict):
            raise WildberriesServerError(
                "unexpected response shape",
                retryable=True,
                status=response.status_code,
                outcome_unknown=write,
            )
        if body.get("error") is True:
            raise WildberriesRequestError(
                body.get("errorText") or "error", retryable=False, status=response.status_code
            )
        return body

    def _feedbacks(self, method: str, path: str, *, write: bool = False, **kwargs: Any) -> dict:
        response = self._request(
            rate.FEEDBACKS_QUESTIONS, method, self.feedbacks_base_url + path, write=write, **kwargs
        )
        if response.status_code == 204:
            return {}
        return self._json(response, write=write)

    # --- questions -------------------------------------------------------------------------
    def has_new(self) -> dict:
        """GET /api/v1/new-feedbacks-questions: the cheapest call, used to test a token."""
        return self._feedbacks("GET", "/api/v1/new-feedbacks-questions")["data"]

    def questions(
        self,
        *,
        is_answered: bool,
        take: int,
        skip: int = 0,
        date_from: int | None = None,
        date_to: int | None = None,
        order: str = "dateAsc",
    ) -> list[dict]:
        if take < 1 or take + skip > QUESTIONS_PAGE_MAX:
            raise ValueError("take + skip must not exceed 10 000")
        params: dict[str, Any] = {
            "isAnswered": str(is_answered).lower(),
            "take": take,
            "skip": skip,
            "order": order,
        }
        if date_from is not None:
            params["dateFrom"] = date_from
        if date_to is not None:
            params["dateTo"] = date_to
        data = self._feedbacks("GET", "/api/v1/questions", params=params)["data"]
        return list(data.get("questions") or [])

    def question(self, question_id: str) -> dict:
        return self._feedbacks("GET", "/api/v1/question", params={"id": question_id})["data"]

    def question_answer(self, question_id: str, text: str, *, decline: bool = False) -> None:
        body = {"id": question_id, "answer": {"text": text}, "state": "none" if decline else "wbRu"}
        self._feedbacks("PATCH", "/api/v1/questions", json=body, write=True)

    # --- feedbacks -------------------------------------------------------------------------
    def feedbacks(
        self,
        *,
        is_answered: bool,
        take: int,
        skip: int = 0,
        date_from: int | None = None,
        order: str = "dateAsc",
    ) -> list[dict]:
        if not 1 <= take <= FEEDBACKS_PAGE_MAX or skip > 199_990:
            raise ValueError("take ≤ 5000 and skip ≤ 199 990")
        params: dict[str, Any] = {
            "isAnswered": str(is_answered).lower(),
            "take": take,
            "skip": skip,
            "order": order,
        }
        if date_from is not None:
            params["dateFrom"] = date_from
        data = self._feedbacks("GET", "/api/v1/feedbacks", params=params)["data"]
        return list(data.get("feedbacks") or [])

    def feedback(self, feedback_id: str) -> dict:
        return self._feedbacks("GET", "/api/v1/feedback", params={"id": feedback_id})["data"]

    def feedback_answer(self, feedback_id: str, text: str) -> None:
        self._feedbacks(
            "POST", "/api/v1/feedbacks/answer", json={"id": feedback_id, "text": text}, write=True
        )

    # --- chat ------------------------------------------------------------------------------
    def chats(self) -> list[dict]:
        response = self._request(
            rate.BUYER_CHAT, "GET", self.chat_base_url + "/api/v1/seller/chats"
        )
        return list(self._json(response).get("result") or [])

    def events(self, *, next_cursor: int | None = None) -> dict:
        """One page of chat events: {"next", "totalEvents", "events", ...}."""
        params = {"next": next_cursor} if next_cursor else None
        response = self._request(
            rate.BUYER_CHAT, "GET", self.chat_base_url + "/api/v1/seller/events", params=params
        )
        result = self._json(response).get("result")
        if not isinstance(result, dict):
            raise WildberriesServerError("events response without result", retryable=True)
        return result

    def send_message(
        self, *, reply_sign: str, text: str, files: Sequence[OutgoingFile] = ()
    ) -> SentMessage:
        # Always multipart/form-data (the contract's only body type), even without files:
        # fields given as (None, value) parts.
        parts: list[tuple[str, tuple]] = [("replySign", (None, reply_sign))]
        if text:
            parts.append(("message", (None, text)))
        opened = [(item.name, item.open(), item.content_type) for item in files]
        parts.extend(("file", entry) for entry in opened)
        try:
            response = self._request(
                rate.BUYER_CHAT,
                "POST",
                self.chat_base_url + "/api/v1/seller/message",
                write=True,
                files=parts,
            )
        finally:
            for _, stream, _ in opened:
                stream.close()
        body = self._json(response, write=True)
        result = body.get("result") or {}
        errors = tuple(str(error) for error in body.get("errors") or ())
        if not result.get("chatID"):
            raise WildberriesError(
                "; ".join(errors) or "message not accepted",
                retryable=False,
                status=response.status_code,
            )
        # A 200 may still list files the marketplace could not upload: the text went out,
        # those files did not. The caller must not take it for a full success.
        return SentMessage(
            chat_id=str(result["chatID"]),
            add_time_ms=int(result.get("addTime") or 0),
            upload_errors=errors,
        )

    def download(self, download_id: str) -> tuple[str, bytes]:
        response = self._request(
            rate.BUYER_CHAT, "GET", f"{self.chat_base_url}/api/v1/seller/download/{download_id}"
        )
        return response.headers.get("Content-Type", "application/octet-stream"), response.content
