"""``MarketplaceConnector`` for Wildberries, with "look before you send" where the API allows.

A retry after a lost response must not publish a reply twice. Questions and reviews can
be read back by id, so every answer first reads the item: if our text is already there,
the call is a success without a second write; if someone else answered meanwhile, it is a
permanent failure carrying that fact. Chat messages cannot be read by id; when the
previous attempt's outcome is unknown, ``send_chat_message`` is given ``sent_after_ms``
and first scans the chat's events from that moment for the same seller text.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sellerdesk.marketplaces.base import (
    CHAT_ALLOWED_CONTENT_TYPES,
    CHAT_MAX_FILE_BYTES,
    CHAT_MAX_MESSAGE_FILES_BYTES,
    CHAT_MAX_TEXT_LENGTH,
    OutgoingFile,
    PartialDelivery,
)
from sellerdesk.marketplaces.crypto import SecretToken, TokenDecryptError, token_decrypt
from sellerdesk.marketplaces.wildberries.client import WildberriesClient
from sellerdesk.marketplaces.wildberries.errors import (
    WildberriesAuthError,
    WildberriesError,
    WildberriesRequestError,
)

if TYPE_CHECKING:
    from sellerdesk.core.models import Shop
    from sellerdesk.marketplaces.models import MarketplaceAccount

logger = logging.getLogger(__name__)

FEEDBACK_TEXT_MIN, FEEDBACK_TEXT_MAX = 2, 5000
# States of a review reply (the description's answer.state): shown, being checked, refused.
ANSWER_PUBLISHED, ANSWER_IN_MODERATION, ANSWER_REJECTED = "wbRu", "reviewRequired", "rejected"
MAX_DEDUP_EVENT_PAGES = 20
UNKNOWN_OUTCOME_TTL = 7 * 24 * 3600


def _unknown_outcome_key(shop_id: int, chat_ref: str, text: str) -> str:
    digest = hashlib.sha256(f"{shop_id}\x00{chat_ref}\x00{text}".encode()).hexdigest()[:32]
    return f"wb:chat-unknown:{digest}"


def client_for_account(account: MarketplaceAccount, **options) -> WildberriesClient:
    from django.conf import settings

    options.setdefault("timeout", settings.WB_HTTP_TIMEOUT)
    try:
        token = SecretToken(token_decrypt(account.token_encrypted))
    except TokenDecryptError:
        # The encryption key changed (SECRET_KEY rotated without FIELD_ENCRYPTION_KEY).
        raise WildberriesAuthError(
            "the stored token cannot be decrypted; paste it again", retryable=False
        ) from None
    return WildberriesClient(
        token=token,
        feedbacks_base_url=account.feedbacks_base_url,
        chat_base_url=account.chat_base_url,
        **options,
    )


def remote_send_ref(chat_id: str, add_time_ms: int) -> str:
    """The id we keep for a sent chat message: its chat and when Wildberries took it. The
    event the message later appears as has its own id and time; chats recognise it by what
    the outbox recorded (text, files, when it was sent), not by this string."""
    return f"{chat_id}@{add_time_ms}"


def _closing(method):
    """Callers of the connector protocol never call close(): each public call cleans up after itself."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self.close()

    return wrapper


class WildberriesConnector:
    def __init__(
        self, account: MarketplaceAccount, *, client: WildberriesClient | None = None
    ) -> None:
        self.account = account
        self._client = client
        self._owns_client = client is None

    @property
    def client(self) -> WildberriesClient:
        if self._client is None:
            self._client = client_for_account(self.account)
        return self._client

    def close(self) -> None:
        if self._client is not None and self._owns_client:
            self._client.close()
            self._client = None

    # --- questions -------------------------------------------------------------------------
    def _question_publish(self, question_ref: str, text: str, *, decline: bool) -> None:
        current = self.client.question(question_ref)
        answer = current.get("answer") or {}
        wanted_state = "none" if decline else "wbRu"
        if answer:
            if current.get("state") == wanted_state and answer.get("text") == text:
                logger.info(
                    "wb question %s already carries our reply; not sending again", question_ref
                )
                return
            what = "declined" if current.get("state") == "none" else "answered"
            raise WildberriesRequestError(
                f"the question was already {what} on Wildberries", retryable=False
            )
        self.client.question_answer(question_ref, text, decline=decline)

    @_closing
    def answer_question(self, *, shop: Shop, question_ref: str, text: str) -> None:
        self._question_publish(question_ref, text, decline=False)

    @_closing
    def decline_question(self, *, shop: Shop, question_ref: str, text: str) -> None:
        self._question_publish(question_ref, text, decline=True)

    def withdraw_question_answer(self, *, shop: Shop, question_ref: str) -> bool:
        # The API can edit an answer (once) but offers no way to take it back.
        return False

    # --- reviews ---------------------------------------------------------------------------
    @_closing
    def answer_review(self, *, shop: Shop, review_ref: str, text: str) -> None:
        if not FEEDBACK_TEXT_MIN <= len(text) <= FEEDBACK_TEXT_MAX:
            raise WildberriesRequestError(
                f"a review reply must have {FEEDBACK_TEXT_MIN}–{FEEDBACK_TEXT_MAX} characters",
                retryable=False,
            )
        current = self.client.feedback(review_ref)
        answer = current.get("answer") or {}
        # A reply moderation rejected is not shown to anyone: the review may be answered again.
        if answer and answer.get("state") != ANSWER_REJECTED:
            if answer.get("text") == text:
                return  # ours already (published, or still with the moderators)
            raise WildberriesRequestError(
                "the review already has a reply on Wildberries", retryable=False
            )
        self.client.feedback_answer(review_ref, text)

    # --- chat ------------------------------------------------------------------------------
    @_closing
    def send_chat_message(
        self,
        *,
        shop: Shop,
        chat_ref: str,
        text: str,
        attachments: Sequence[OutgoingFile],
        sent_after_ms: int | None = None,
    ) -> str:
        """Send once. Callers that know an earlier attempt's outcome is unknown pass its start
        as ``sent_after_ms``; callers that do not (any retrying task) are covered by a note
        this connector leaves in the cache when an attempt ends without an answer."""
        from django.core.cache import cache

        _validate_chat_message(text, attachments)
        note = _unknown_outcome_key(shop.pk, chat_ref, text)
        since = sent_after_ms if sent_after_ms is not None else cache.get(note)
        if since is not None:
            found = self._find_sent_message(shop=shop, chat_ref=chat_ref, text=text, since_ms=since)
            if found:
                logger.info("wb chat message already delivered (%s); not sending again", found)
                cache.delete(note)
                return found
        started_ms = int(time.time() * 1000)
        try:
            sent = self.client.send_message(reply_sign=chat_ref, text=text, files=attachments)
        except WildberriesError as error:
            if error.outcome_unknown:
                cache.add(note, started_ms, UNKNOWN_OUTCOME_TTL)
            raise
        cache.delete(note)
        remote_id = remote_send_ref(sent.chat_id, sent.add_time_ms)
        if sent.upload_errors:
            raise PartialDelivery(
                "Wildberries delivered the text but not the files: "
                + "; ".join(sent.upload_errors),
                remote_id=remote_id,
            )
        return remote_id

    def _chat_id_for(self, shop: Shop, chat_ref: str) -> str | None:
        from sellerdesk.marketplaces.models import RemoteChat

        chat = RemoteChat.objects.for_shop(shop).filter(reply_sign=chat_ref).first()
        if chat:
            return chat.chat_id
        for remote in self.client.chats():
            if remote.get("replySign") == chat_ref:
                return remote.get("chatID")
        return None

    def _find_sent_message(
        self, *, shop: Shop, chat_ref: str, text: str, since_ms: int
    ) -> str | None:
        chat_id = self._chat_id_for(shop, chat_ref)
        if chat_id is None:
            return None
        cursor = max(1, since_ms - 5_000)
        for _ in range(MAX_DEDUP_EVENT_PAGES):
            page = self.client.events(next_cursor=cursor)
            events = page.get("events") or []
            if not page.get("totalEvents") or not events:
                return None
            for event in events:
                if (
                    event.get("chatID") == chat_id
                    and event.get("sender") == "seller"
                    and (event.get("message") or {}).get("text", "") == text
                ):
                    return remote_send_ref(chat_id, int(event.get("addTimestamp") or 0))
            cursor = int(page.get("next") or 0)
            if not cursor:
                return None
        return None


def _validate_chat_message(text: str, attachments: Sequence[OutgoingFile]) -> None:
    if len(text) > CHAT_MAX_TEXT_LENGTH:
        raise WildberriesRequestError(
            f"message longer than {CHAT_MAX_TEXT_LENGTH} characters", retryable=False
        )
    if not text and not attachments:
        raise WildberriesRequestError("empty message", retryable=False)
    total = 0
    for item in attachments:
        if item.content_type not in CHAT_ALLOWED_CONTENT_TYPES:
            raise WildberriesRequestError(
                f"{item.name}: unsupported type {item.content_type}", retryable=False
            )
        if item.size > CHAT_MAX_FILE_BYTES:
            raise WildberriesRequestError(
                f"{item.name}: attachment too big (5 MB at most)", retryable=False
            )
        total += item.size
    if total > CHAT_MAX_MESSAGE_FILES_BYTES:
        raise WildberriesRequestError(
            "attachments too big in total (30 MB at most)", retryable=False
        )


__all__ = ["WildberriesConnector", "WildberriesError", "client_for_account", "remote_send_ref"]
