"""How synced items reach the apps that own them: plain dataclasses handed to app hooks.

Each stream has one hook, a service of the owning app, called inside the sync's
transaction with keyword arguments ``shop`` and ``item``::

    questions.services.question_import_from_marketplace(*, shop, item: IncomingQuestion)
    chats.services.chat_message_import_from_marketplace(*, shop, item: IncomingChatMessage)
    reviews.services.review_import_from_marketplace(*, shop, item: IncomingFeedback)

A hook must be idempotent by the external id (it is called again when the marketplace's
copy of an item changes) and take the item through the same path as any other new item
(auto-decline rules, SLA clock, unread counters). ``bridges`` keeps stable names that delegate
to these hooks. ``settings.MARKETPLACE_INBOUND_HANDLERS`` may point a stream
elsewhere (a dotted path, or "" for none). While a hook does not exist the item stays staged in
``InboundRecord`` and ``inbound_import_pending`` hands it over once it does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from sellerdesk.marketplaces.models import InboundRecord, InboundStream

logger = logging.getLogger(__name__)

# Per stream: the app's own hook first, then our bridge over the app's public services.
DEFAULT_HANDLERS = {
    InboundStream.QUESTION: (
        "questions.services.question_import_from_marketplace",
        "sellerdesk.marketplaces.bridges.question_import",
    ),
    InboundStream.CHAT_EVENT: (
        "chats.services.chat_message_import_from_marketplace",
        "sellerdesk.marketplaces.bridges.chat_message_import",
    ),
    InboundStream.FEEDBACK: ("reviews.services.review_import_from_marketplace",),
}


@dataclass(frozen=True)
class IncomingProduct:
    external_id: str  # Wildberries nmId
    sku: str  # the seller's own article (supplierArticle)
    name: str


@dataclass(frozen=True)
class IncomingQuestion:
    external_id: str
    text: str
    created_at: datetime
    product: IncomingProduct
    answered: bool
    declined: bool
    answer_text: str | None
    was_viewed: bool


@dataclass(frozen=True)
class IncomingFeedback:
    external_id: str
    text: str
    pros: str
    cons: str
    rating: int
    created_at: datetime
    buyer_name: str
    product: IncomingProduct
    answer_text: str | None
    photo_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class IncomingAttachment:
    download_ref: str  # fetch the bytes with services.marketplace_file_download
    name: str
    content_type: str
    size: int | None
    url: str


@dataclass(frozen=True)
class IncomingChatMessage:
    chat_external_id: str
    message_external_id: str
    # What send_chat_message needs as chat_ref (Wildberries: replySign); may be "" when the
    # marketplace has not told us yet — a later item of the same chat carries it.
    chat_ref: str
    buyer_name: str
    buyer_external_id: str
    sender: str  # "buyer" | "seller" | "marketplace"
    text: str
    created_at: datetime
    attachments: tuple[IncomingAttachment, ...] = ()
    product: IncomingProduct | None = None
    order_ref: str = ""
    # Equal to what send_chat_message returned for a message we sent ourselves: chats can
    # recognise its own outgoing message coming back through the event stream.
    remote_send_ref: str = ""
    extra: dict = field(default_factory=dict, compare=False)


Handler = Callable[..., None]


def handler_for(stream: str) -> Handler | None:
    overrides = settings.MARKETPLACE_INBOUND_HANDLERS
    paths = (overrides[stream],) if stream in overrides else DEFAULT_HANDLERS.get(stream, ())
    for path in paths:
        if not path:
            continue
        try:
            return import_string(path)
        except ImportError:
            continue
    return None


def inbound_record_import(*, record: InboundRecord, item: object, handler: Handler | None) -> bool:
    """Hand one staged record to its app; True if imported. Runs inside the caller's transaction."""
    if handler is None:
        return False
    try:
        with transaction.atomic():
            handler(shop=record.shop, item=item)
    except Exception as error:  # an app bug must not block the stream: keep the record pending
        logger.exception("inbound %s %s: import hook failed", record.stream, record.external_id)
        record.import_error = f"{error.__class__.__name__}: {error}"[:2000]
        record.imported_at = None
        return False
    record.imported_at = timezone.now()
    record.import_error = ""
    return True
