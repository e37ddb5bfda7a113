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
    """A marketplace call failed; the attributes tell the outbox what to do next.

    ``retryable``: a later attempt may succeed (network trouble, rate limit, 5xx).
    ``outcome_unknown``: the request may have taken effect (timeout, lost response): the next
    attempt reads the marketplace back before sending again.
    ``retry_after``: seconds the marketplace asked us to wait (a 429's Retry-After), if any.
    ``status``: the HTTP status, when there was a response.
    ``auth_refused``: the marketplace refused the shop's token; retrying cannot help until a
    manager sets a new one.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = True,
        outcome_unknown: bool = False,
        retry_after: float | None = None,
        status: int | None = None,
        auth_refused: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.outcome_unknown = outcome_unknown
        self.retry_after = retry_after
        self.status = status
        self.auth_refused = auth_refused or status in (401, 403)

    def __str__(self) -> str:
        return self.message


class PartialDelivery(ConnectorError):
    """The marketplace took the message but not all of it (Wildberries: a 200 whose ``errors``
    list files it could not upload). What went out is out: sending again would repeat the
    text, so the outbox records the reply as sent, with this message beside it, and the
    seller sees that the files did not arrive."""

    def __init__(self, message: str, *, remote_id: str) -> None:
        super().__init__(message, retryable=False)
        self.remote_id = remote_id


@dataclass(frozen=True)
class OutgoingFile:
    """A file to send with a chat message. ``open`` returns a fresh binary stream."""

    name: str
    content_type: str
    size: int
    open: Callable[[], IO[bytes]] = field(repr=False, compare=False)


@runtime_checkable
class MarketplaceConnector(Protocol):
    """What every marketplace connector offers. Methods raise ``ConnectorError`` on failure.

    Only the outbox (``marketplaces.services.outbox_deliver``) calls these, outside any
    transaction; it calls ``close()`` once after each attempt.
    """

    def send_chat_message(
        self,
        *,
        shop: Shop,
        chat_ref: str,
        text: str,
        attachments: Sequence[OutgoingFile],
        sent_after_ms: int | None = None,
    ) -> str:
        """Deliver a seller message into a buyer chat; return the marketplace's message id.

        ``chat_ref`` is what the marketplace needs to address the chat (Wildberries:
        the chat's ``replySign``). ``sent_after_ms`` is set when an earlier attempt's outcome
        is unknown (Unix ms of its start): look for the message sent since then and return
        its id instead of sending it a second time.
        """
        ...

    def answer_question(self, *, shop: Shop, question_ref: str, text: str) -> None: ...

    def decline_question(self, *, shop: Shop, question_ref: str, text: str) -> None: ...

    def withdraw_question_answer(self, *, shop: Shop, question_ref: str) -> bool:
        """Take a published answer back; False where the marketplace cannot."""
        ...

    def answer_review(self, *, shop: Shop, review_ref: str, text: str) -> None: ...

    def close(self) -> None:
        """Release connections (HTTP clients) the calls opened."""
        ...
