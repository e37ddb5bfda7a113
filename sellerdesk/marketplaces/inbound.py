"""How synced items reach the apps that own them: plain dataclasses handed to app hooks.

Each stream has exactly one hook, a service of the owning app, declared on the app's
AppConfig next to ``nav_items``::

    class QuestionsConfig(AppConfig):
        @property
        def inbound_handlers(self) -> dict[str, Handler]:
            from questions.services import question_import_from_marketplace
            return {"question": question_import_from_marketplace}

The hooks are called inside the sync's transaction with keyword arguments ``shop`` and
``item``. A hook must be idempotent by the external id (it is called again when the
marketplace's copy of an item changes) and take the item through the same path as any other
new item (auto-decline rules, SLA clock, unread counters); it returns ``Incomplete`` when part
of the item (a file) could not be fetched yet. A stream without a hook, claimed
by two apps, or a hook for a stream that does not exist stops the process at start-up
(``MarketplacesConfig.ready``): nothing is parked silently because of a typo. An item whose
hook raised or answered ``Incomplete`` stays pending in ``InboundRecord``, and
``inbound_import_pending`` (beat) hands it over again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from sellerdesk.marketplaces.models import InboundRecord, InboundStream

logger = logging.getLogger(__name__)


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
    # The reply's moderation on the marketplace: "" (none or shown), "pending" or "rejected".
    answer_moderation: str = ""


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
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_empty(self) -> bool:
        """No text and no files: an event that carries no message (the marketplace's
        description shows seller events without ``message``); nothing was said."""
        return not self.text.strip() and not self.attachments


Handler = Callable[..., object]


@dataclass(frozen=True)
class Incomplete:
    """What a hook returns when it took the item in but part of it must be fetched later
    (a buyer's file refused by the rate limit): the record stays pending, the work done is
    kept, and the hook is called with the same item again."""

    reason: str


# Filled once by MarketplacesConfig.ready(); read by the sync and the pending import.
_handlers: dict[str, Handler] = {}


def handlers_from_configs(configs: Iterable[AppConfig]) -> dict[str, Handler]:
    """Every stream's hook from the apps' ``inbound_handlers``; ImproperlyConfigured otherwise."""
    found: dict[str, Handler] = {}
    owners: dict[str, str] = {}
    problems: list[str] = []
    for config in configs:
        declared: Mapping[str, Handler] = getattr(config, "inbound_handlers", None) or {}
        for stream, handler in declared.items():
            if stream not in InboundStream.values:
                problems.append(f"{config.label}: unknown inbound stream {stream!r}")
            elif not callable(handler):
                problems.append(f"{config.label}: the {stream} handler is not callable")
            elif stream in found:
                problems.append(
                    f"{config.label}: the {stream} stream is already handled by {owners[stream]}"
                )
            else:
                found[stream], owners[stream] = handler, config.label
    problems.extend(
        f"no installed app declares an inbound handler for the {stream} stream"
        for stream in InboundStream.values
        if stream not in found
    )
    if problems:
        raise ImproperlyConfigured(
            "Marketplace inbound handlers (AppConfig.inbound_handlers): " + "; ".join(problems)
        )
    return found


def handlers_install(configs: Iterable[AppConfig]) -> None:
    _handlers.clear()
    _handlers.update(handlers_from_configs(configs))


def handler_for(stream: str) -> Handler:
    return _handlers[stream]


@contextmanager
def handlers_replaced(replacements: Mapping[str, Handler]) -> Iterator[None]:
    """Point streams at other hooks for a while (tests, benchmarks); restores the apps' own."""
    unknown = set(replacements) - set(InboundStream.values)
    if unknown:
        raise ValueError(f"unknown inbound streams: {sorted(unknown)}")
    saved = dict(_handlers)
    _handlers.update(replacements)
    try:
        yield
    finally:
        _handlers.clear()
        _handlers.update(saved)


def inbound_record_import(*, record: InboundRecord, item: object, handler: Handler) -> bool:
    """Hand one staged record to its app; True if imported. Runs inside the caller's transaction."""
    try:
        with transaction.atomic():
            result = handler(shop=record.shop, item=item)
    except Exception as error:  # an app bug must not block the stream: keep the record pending
        logger.exception("inbound %s %s: import hook failed", record.stream, record.external_id)
        record.import_error = f"{error.__class__.__name__}: {error}"[:2000]
        record.imported_at = None
        return False
    if isinstance(result, Incomplete):
        record.import_error = result.reason[:2000]
        record.imported_at = None
        return False
    record.imported_at = timezone.now()
    record.import_error = ""
    return True
