"""The marketplace connector contract.

Every marketplace (Wildberries, Ozon, a Taobao-style shop…) gets one connector class with
the methods of ``MarketplaceConnector``. Callers (Celery tasks in chats, questions,
reviews) pass plain values: the shop, the marketplace's own reference of the item
(``chat_ref`` etc.), the text and the files. A connector raises ``ConnectorError`` for
every failure; ``retryable`` tells the caller whether trying again later may help
(network trouble, rate limit, 5xx) or not (bad signature, file refused).

Limits the interface is shaped for (Wildberries buyer chat API, POST /api/v1/seller/message,
multipart): ``replySign`` (our ``chat_ref``, ≤255 chars), ``message`` ≤1000 characters,
``file[]`` JPEG/PNG/PDF, ≤5 MB each and ≤30 MB per message. The constants below are the
single source for those limits; the chats app validates uploads with them before anything
is queued, so a connector rarely has to refuse a file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sellerdesk.core.models import Shop

MB = 1024 * 1024
CHAT_ALLOWED_CONTENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
CHAT_MAX_FILE_BYTES = 5 * MB
CHAT_MAX_MESSAGE_FILES_BYTES = 30 * MB
CHAT_MAX_TEXT_LENGTH = 1000


class ConnectorError(Exception):
    """A marketplace call failed. ``retryable`` says whether a later attempt may succeed."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class OutgoingFile:
    """A file to send with a chat message. ``open`` returns a fresh binary stream."""

    name: str
    content_type: str
    size: int
    open: Callable[[], IO[bytes]] = field(repr=False, compare=False)


@runtime_checkable
class MarketplaceConnector(Protocol):
    """What every marketplace connector offers. Methods raise ``ConnectorError`` on failure."""

    def send_chat_message(
        self, *, shop: Shop, chat_ref: str, text: str, attachments: Sequence[OutgoingFile]
    ) -> str:
        """Deliver a seller message into a buyer chat; return the marketplace's message id.

        ``chat_ref`` is what the marketplace needs to address the chat (Wildberries:
        the chat's ``replySign``). Callers pass an idempotent retry only after a failure.
        """
        ...

    def answer_question(self, *, shop: Shop, question_ref: str, text: str) -> None: ...

    def decline_question(self, *, shop: Shop, question_ref: str, text: str) -> None: ...

    def withdraw_question_answer(self, *, shop: Shop, question_ref: str) -> bool:
        """Take a published answer back; False where the marketplace cannot."""
        ...

    def answer_review(self, *, shop: Shop, review_ref: str, text: str) -> None: ...


def get_connector(shop: Shop) -> MarketplaceConnector:
    """The connector for ``shop``: its configured marketplace account's connector, else local.

    The one resolution lives in ``connectors.connector_for_shop`` (which never calls back
    into this function). Tests replace this function (monkeypatch
    ``sellerdesk.marketplaces.base.get_connector``, or ``sellerdesk.marketplaces.get_connector``
    for callers importing it from the package) to simulate failures.
    """
    from sellerdesk.marketplaces.connectors import connector_for_shop

    return connector_for_shop(shop)
