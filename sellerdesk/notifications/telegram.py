"""A thin client of the Telegram Bot API: the three calls SellerDesk makes.

Errors are sorted the way the delivery outbox decides: wait and retry (429 with
``retry_after``, network trouble, 5xx), give up for this person (403: the bot was blocked),
or give up for the installation (401: the token is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

TIMEOUT = httpx.Timeout(10.0, connect=5.0)


@dataclass
class TelegramError(Exception):
    kind: str  # "rate_limited" | "blocked" | "auth" | "bad_request" | "server" | "network"
    description: str
    retry_after: float | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.description}"

    @property
    def retryable(self) -> bool:
        return self.kind in {"rate_limited", "server", "network"}


def _call(token: str, method: str, payload: dict[str, Any]) -> Any:
    url = f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{token}/{method}"
    try:
        response = httpx.post(url, json=payload, timeout=TIMEOUT)
    except httpx.HTTPError as error:
        raise TelegramError("network", type(error).__name__) from error
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    description = str(body.get("description") or response.reason_phrase)[:300]
    if response.status_code == 429:
        parameters = body.get("parameters") if isinstance(body.get("parameters"), dict) else {}
        retry_after = parameters.get("retry_after")
        raise TelegramError(
            "rate_limited",
            description,
            float(retry_after) if isinstance(retry_after, int | float) else None,
        )
    if response.status_code == 403:
        raise TelegramError("blocked", description)
    if response.status_code in (401, 404):
        raise TelegramError("auth", description)
    if response.status_code >= 500:
        raise TelegramError("server", description)
    if response.status_code >= 400 or not body.get("ok"):
        raise TelegramError("bad_request", description)
    return body.get("result")


def send_message(token: str, *, chat_id: int, text: str) -> int:
    result = _call(
        token,
        "sendMessage",
        {"chat_id": chat_id, "text": text[:4096], "disable_web_page_preview": True},
    )
    return int(result.get("message_id", 0)) if isinstance(result, dict) else 0


def get_updates(token: str, *, offset: int) -> list[dict[str, Any]]:
    result = _call(token, "getUpdates", {"offset": offset, "timeout": 0, "limit": 100})
    return [update for update in result or [] if isinstance(update, dict)]


def get_me(token: str) -> dict[str, Any]:
    result = _call(token, "getMe", {})
    return result if isinstance(result, dict) else {}
