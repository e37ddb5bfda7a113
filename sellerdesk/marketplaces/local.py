"""A connector that never leaves the machine: it accepts everything and logs it.

Used by the demo and by tests until the real marketplace connectors exist. It still
enforces the chat limits of ``base`` so a caller that skips validation finds out early.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sellerdesk.marketplaces.base import (
    CHAT_ALLOWED_CONTENT_TYPES,
    CHAT_MAX_FILE_BYTES,
    CHAT_MAX_MESSAGE_FILES_BYTES,
    CHAT_MAX_TEXT_LENGTH,
    ConnectorError,
    OutgoingFile,
)

if TYPE_CHECKING:
    from sellerdesk.core.models import Shop

logger = logging.getLogger(__name__)


class LocalConnector:
    """Records deliveries in the log; remote ids are random UUIDs prefixed ``local-``."""

    def send_chat_message(
        self,
        *,
        shop: Shop,
        chat_ref: str,
        text: str,
        attachments: Sequence[OutgoingFile],
        sent_after_ms: int | None = None,
    ) -> str:
        if len(text) > CHAT_MAX_TEXT_LENGTH:
            raise ConnectorError(
                f"message longer than {CHAT_MAX_TEXT_LENGTH} characters", retryable=False
            )
        total = 0
        for item in attachments:
            if item.content_type not in CHAT_ALLOWED_CONTENT_TYPES:
                raise ConnectorError(
                    f"{item.name}: unsupported type {item.content_type}", retryable=False
                )
            if item.size > CHAT_MAX_FILE_BYTES:
                raise ConnectorError(f"{item.name}: attachment too big", retryable=False)
            total += item.size
        if total > CHAT_MAX_MESSAGE_FILES_BYTES:
            raise ConnectorError("attachments too big in total", retryable=False)
        remote_id = f"local-{uuid.uuid4()}"
        logger.info(
            "local chat delivery shop=%s chat=%s files=%d id=%s",
            shop.pk,
            chat_ref,
            len(attachments),
            remote_id,
        )
        return remote_id

    def answer_question(self, *, shop: Shop, question_ref: str, text: str) -> None:
        logger.info("local question answer shop=%s question=%s", shop.pk, question_ref)

    def decline_question(self, *, shop: Shop, question_ref: str, text: str) -> None:
        logger.info("local question decline shop=%s question=%s", shop.pk, question_ref)

    def withdraw_question_answer(self, *, shop: Shop, question_ref: str) -> bool:
        logger.info("local answer withdrawal shop=%s question=%s", shop.pk, question_ref)
        return True

    def answer_review(self, *, shop: Shop, review_ref: str, text: str) -> None:
        logger.info("local review reply shop=%s review=%s", shop.pk, review_ref)

    def close(self) -> None:
        """Nothing to release."""
