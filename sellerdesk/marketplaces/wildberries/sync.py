"""Inbound sync from Wildberries: questions, feedbacks and chat events since the cursors.

Each page is one transaction: lock the account row, upsert the page into
``InboundRecord`` by the marketplace's ids, hand new or changed items to the owning app,
advance the cursor (never backwards). A crash between pages loses nothing (the cursor
still points before the uncommitted page) and duplicates nothing (the re-read page hits
the unique key). The account row lock also serialises two syncs of one account.

Cursors: questions and feedbacks have no "since" token in the API, only ``dateFrom`` in
Unix seconds, inclusive, sorted ``dateAsc``; we store the creation second of the newest
item committed and re-read from that second (overlap is harmless). Chat events have the
API's own ``next`` paginator; we store the ``next`` of the last committed page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sellerdesk.core.services import products_marketplace_ids_learn
from sellerdesk.marketplaces.inbound import (
    IncomingAttachment,
    IncomingChatMessage,
    IncomingFeedback,
    IncomingProduct,
    IncomingQuestion,
    handler_for,
    inbound_record_import,
)
from sellerdesk.marketplaces.models import (
    InboundRecord,
    InboundStream,
    MarketplaceAccount,
    RemoteChat,
)
from sellerdesk.marketplaces.wildberries.client import WildberriesClient
from sellerdesk.marketplaces.wildberries.connector import ANSWER_IN_MODERATION, ANSWER_REJECTED

logger = logging.getLogger(__name__)

QUESTIONS_PAGE = 1000
FEEDBACKS_PAGE = 1000
MAX_EVENT_PAGES_PER_RUN = 500
SENDERS = {"client": "buyer", "seller": "seller", "wb": "marketplace"}
MODERATION = {ANSWER_IN_MODERATION: "pending", ANSWER_REJECTED: "rejected"}


@dataclass
class SyncStats:
    questions: int = 0
    feedbacks: int = 0
    chat_events: int = 0
    pages: int = 0
    imported: int = 0
    pending: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def items(self) -> int:
        return self.questions + self.feedbacks + self.chat_events


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.replace("Z", "+00:00")
    # Wildberries sends nanoseconds; Python parses up to microseconds.
    if "." in text:
        head, rest = text.split(".", 1)
        digits = "".join(ch for ch in rest if ch.isdigit())
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6]}{zone}"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _product(details: dict | None) -> IncomingProduct:
    details = details or {}
    return IncomingProduct(
        external_id=str(details.get("nmId") or ""),
        sku=str(details.get("supplierArticle") or ""),
        name=str(details.get("productName") or ""),
    )


def question_from_payload(payload: dict) -> IncomingQuestion:
    answer = payload.get("answer") or None
    state = payload.get("state")
    return IncomingQuestion(
        external_id=payload["id"],
        text=payload.get("text") or "",
        created_at=parse_time(payload.get("createdDate")) or timezone.now(),
        product=_product(payload.get("productDetails")),
        answered=state == "wbRu" and bool(answer),
        declined=state == "none",
        answer_text=(answer or {}).get("text"),
        was_viewed=bool(payload.get("wasViewed")),
    )


def feedback_from_payload(payload: dict) -> IncomingFeedback:
    answer = payload.get("answer") or None
    photos = tuple(
        link.get("fullSize", "")
        for link in payload.get("photoLinks") or []
        if isinstance(link, dict)
    )
    return IncomingFeedback(
        external_id=payload["id"],
        text=payload.get("text") or "",
        pros=payload.get("pros") or "",
        cons=payload.get("cons") or "",
        rating=int(payload.get("productValuation") or 0),
        created_at=parse_time(payload.get("createdDate")) or timezone.now(),
        buyer_name=payload.get("userName") or "",
        product=_product(payload.get("productDetails")),
        answer_text=(answer or {}).get("text"),
        photo_urls=photos,
        answer_moderation=MODERATION.get((answer or {}).get("state") or "", ""),
    )


def chat_message_from_payload(payload: dict, *, reply_sign: str) -> IncomingChatMessage:
    message = payload.get("message") or {}
    attachments = message.get("attachments") or {}
    files: list[IncomingAttachment] = []
    for item in attachments.get("files") or []:
        files.append(
            IncomingAttachment(
                download_ref=item.get("downloadID", ""),
                name=item.get("name", ""),
                content_type=item.get("contentType", ""),
                size=item.get("size"),
                url=item.get("url", ""),
            )
        )
    for index, item in enumerate(attachments.get("images") or [], start=1):
        files.append(
            IncomingAttachment(
                download_ref=item.get("downloadID", ""),
                name=f"image-{index}.jpg",
                content_type="image/jpeg",
                size=None,
                url=item.get("url", ""),
            )
        )
    card = attachments.get("goodCard") or None
    product = (
        IncomingProduct(external_id=str(card.get("nmID") or ""), sku="", name="") if card else None
    )
    created = payload.get("addTimestamp")
    created_at = (
        datetime.fromtimestamp(int(created) / 1000, tz=UTC)
        if created
        else parse_time(payload.get("addTime")) or timezone.now()
    )
    sender = SENDERS.get(payload.get("sender", ""), "marketplace")
    return IncomingChatMessage(
        chat_external_id=payload["chatID"],
        message_external_id=payload["eventID"],
        chat_ref=reply_sign,
        buyer_name=payload.get("clientName") or "",
        buyer_external_id=str(payload.get("clientID") or ""),
        sender=sender,
        text=message.get("text") or "",
        created_at=created_at,
        attachments=tuple(files),
        product=product,
        order_ref=(card or {}).get("rid", ""),
        extra={"source": payload.get("source", ""), "eventType": payload.get("eventType", "")},
    )


def _learn_product_ids(account: MarketplaceAccount, payloads: list[dict]) -> None:
    """Questions and reviews name their product by both ids (nmId and the seller's article);
    chats only by nmID. Products known by their article learn the nmID here, before the
    page's items are imported, so this page's and later chats find their product."""
    ids_by_sku: dict[str, str] = {}
    for payload in payloads:
        details = payload.get("productDetails") or {}
        sku, external_id = details.get("supplierArticle"), details.get("nmId")
        if sku and external_id:
            ids_by_sku[str(sku)] = str(external_id)
    products_marketplace_ids_learn(shop=account.shop, ids_by_sku=ids_by_sku)


def _created_second(payload: dict) -> int:
    moment = parse_time(payload.get("createdDate"))
    return int(moment.timestamp()) if moment else 0


def _commit_page(
    *,
    account_id: int,
    stream: str,
    payloads: list[dict],
    external_id: Callable[[dict], str],
    to_item: Callable[[dict], object],
    cursor_field: str,
    cursor_value: int | None,
    created_at: Callable[[dict], datetime | None],
    stats: SyncStats,
    before_import: Callable[[MarketplaceAccount, list[dict]], None] | None = None,
) -> None:
    handler = handler_for(stream)
    with transaction.atomic():
        account = (
            MarketplaceAccount.objects.select_for_update(of=("self",))
            .select_related("shop")
            .get(pk=account_id)
        )
        if before_import:
            before_import(account, payloads)
        by_id = {external_id(payload): payload for payload in payloads}
        existing = {
            record.external_id: record
            for record in InboundRecord.objects.for_shop(account.shop).filter(
                stream=stream, external_id__in=by_id
            )
        }
        for ext_id, payload in by_id.items():
            record = existing.get(ext_id)
            if record is not None and record.payload == payload and record.imported_at:
                continue  # seen before, unchanged: nothing to do
            if record is None:
                record = InboundRecord(
                    shop=account.shop,
                    stream=stream,
                    external_id=ext_id,
                    payload=payload,
                    remote_created_at=created_at(payload),
                )
            else:
                record.payload = payload
            record.shop = account.shop
            imported = inbound_record_import(record=record, item=to_item(payload), handler=handler)
            record.save()
            stats.imported += imported
            stats.pending += not imported
        current = getattr(account, cursor_field)
        if cursor_value is not None and (current is None or cursor_value > current):
            setattr(account, cursor_field, cursor_value)
        account.last_sync_at = timezone.now()
        account.save(update_fields=[cursor_field, "last_sync_at", "updated_at"])
        stats.pages += 1


def _sync_dated(
    *,
    account_id: int,
    stream: str,
    fetch: Callable[..., list[dict]],
    page_size: int,
    max_window: int,
    cursor_field: str,
    to_item: Callable[[dict], object],
    stats: SyncStats,
) -> int:
    cursor = getattr(MarketplaceAccount.objects.get(pk=account_id), cursor_field)
    skip = 0
    seen = 0
    while True:
        # One second of extra overlap: correct whether the API's dateFrom is inclusive or not.
        page = fetch(take=page_size, skip=skip, date_from=None if cursor is None else cursor - 1)
        if not page:
            break
        newest = max(_created_second(payload) for payload in page)
        _commit_page(
            account_id=account_id,
            stream=stream,
            payloads=page,
            external_id=lambda p: p["id"],
            to_item=to_item,
            cursor_field=cursor_field,
            cursor_value=newest,
            created_at=lambda p: parse_time(p.get("createdDate")),
            stats=stats,
            before_import=_learn_product_ids,
        )
        seen += len(page)
        if len(page) < page_size:
            break
        if cursor is not None and newest <= cursor:
            skip += len(page)  # a whole page inside one second: step over it
            if skip + page_size > max_window:
                logger.warning(
                    "%s: more than %d items in one second; stopping this run", stream, max_window
                )
                break
        else:
            cursor, skip = newest, 0
    return seen


def sync_questions(
    account: MarketplaceAccount, client: WildberriesClient, stats: SyncStats
) -> None:
    stats.questions += _sync_dated(
        account_id=account.pk,
        stream=InboundStream.QUESTION,
        page_size=QUESTIONS_PAGE,
        max_window=10_000,
        fetch=lambda **kw: client.questions(is_answered=False, order="dateAsc", **kw),
        cursor_field="questions_cursor",
        to_item=question_from_payload,
        stats=stats,
    )


def sync_feedbacks(
    account: MarketplaceAccount, client: WildberriesClient, stats: SyncStats
) -> None:
    stats.feedbacks += _sync_dated(
        account_id=account.pk,
        stream=InboundStream.FEEDBACK,
        page_size=FEEDBACKS_PAGE,
        max_window=199_990,
        fetch=lambda **kw: client.feedbacks(is_answered=False, order="dateAsc", **kw),
        cursor_field="feedbacks_cursor",
        to_item=feedback_from_payload,
        stats=stats,
    )


def sync_chat_events(
    account: MarketplaceAccount, client: WildberriesClient, stats: SyncStats
) -> None:
    cursor = MarketplaceAccount.objects.get(pk=account.pk).chat_events_cursor
    chats_listing: dict[str, dict] | None = None
    for _ in range(MAX_EVENT_PAGES_PER_RUN):
        result = client.events(next_cursor=cursor)
        events = [
            event
            for event in result.get("events") or []
            if event.get("chatID") and event.get("eventID")
        ]
        if not result.get("totalEvents") or not events:
            break
        # Replies need each chat's replySign; events carry it only when a chat is new.
        known = set(
            RemoteChat.objects.for_shop(account.shop_id)
            .exclude(reply_sign="")
            .filter(chat_id__in={event["chatID"] for event in events})
            .values_list("chat_id", flat=True)
        )
        missing = {event["chatID"] for event in events if not event.get("replySign")} - known
        if missing and chats_listing is None:
            chats_listing = {chat.get("chatID"): chat for chat in client.chats()}
        listing = chats_listing or {}
        signs: dict[str, str] = {}

        def remember_chats(
            locked_account: MarketplaceAccount, payloads: list[dict], signs=signs, listing=listing
        ) -> None:
            for payload in payloads:
                chat_id = payload["chatID"]
                sign = (
                    payload.get("replySign") or (listing.get(chat_id) or {}).get("replySign") or ""
                )
                name = (
                    payload.get("clientName")
                    or (listing.get(chat_id) or {}).get("clientName")
                    or ""
                )
                chat, _ = RemoteChat.objects.get_or_create(
                    shop=locked_account.shop, chat_id=chat_id
                )
                changed = False
                if sign and chat.reply_sign != sign:
                    chat.reply_sign, changed = sign, True
                if name and chat.client_name != name:
                    chat.client_name, changed = name, True
                if changed:
                    chat.save()
                signs[chat_id] = chat.reply_sign

        next_cursor = int(result.get("next") or 0) or None
        _commit_page(
            account_id=account.pk,
            stream=InboundStream.CHAT_EVENT,
            payloads=events,
            external_id=lambda p: p["eventID"],
            to_item=lambda p, signs=signs: chat_message_from_payload(
                p, reply_sign=signs.get(p["chatID"], "")
            ),
            cursor_field="chat_events_cursor",
            cursor_value=next_cursor,
            created_at=lambda p: (
                datetime.fromtimestamp(int(p["addTimestamp"]) / 1000, tz=UTC)
                if p.get("addTimestamp")
                else None
            ),
            stats=stats,
            before_import=remember_chats,
        )
        stats.chat_events += len(events)
        if next_cursor is None or (cursor is not None and next_cursor <= cursor):
            break
        cursor = next_cursor


# Questions answered or declined on the seller portal leave the "unanswered" listing the sync
# reads, and so do reviews whose reply moderation published; a rejected reply makes a review
# unanswered again but older than the cursor. Nothing in the listings would tell the apps, so
# each run reads back a few staged items whose last known state may still change (least
# recently checked first, none checked twice within the age) and hands on those that did.
STATE_CHECKS_PER_RUN = 10
STATE_CHECK_AGE = timedelta(minutes=10)


def _sync_states(
    account: MarketplaceAccount,
    stats: SyncStats,
    *,
    stream: str,
    open_records: Q,
    read: Callable[[str], dict],
    to_item: Callable[[dict], object],
    cursor_field: str,
) -> None:
    from sellerdesk.marketplaces.wildberries.errors import WildberriesRequestError

    now = timezone.now()
    due = list(
        InboundRecord.objects.for_shop(account.shop_id)
        .filter(open_records, stream=stream, updated_at__lt=now - STATE_CHECK_AGE)
        .order_by("updated_at", "pk")
        .values_list("pk", "external_id", "payload")[:STATE_CHECKS_PER_RUN]
    )
    if not due:
        return
    changed: list[dict] = []
    for _pk, external_id, known in due:
        try:
            payload = read(external_id)
        except WildberriesRequestError:
            continue  # gone from the marketplace (deleted): nothing to settle
        if _state_of(payload) != _state_of(known):
            changed.append(payload)
    # Unchanged ones wait their turn again; changed ones are re-saved by the import below.
    InboundRecord.objects.filter(pk__in=[pk for pk, _ext, _payload in due]).update(updated_at=now)
    if changed:
        _commit_page(
            account_id=account.pk,
            stream=stream,
            payloads=changed,
            external_id=lambda p: p["id"],
            to_item=to_item,
            cursor_field=cursor_field,
            cursor_value=None,
            created_at=lambda p: parse_time(p.get("createdDate")),
            stats=stats,
        )


def _state_of(payload: dict) -> tuple:
    answer = payload.get("answer") or {}
    return (payload.get("state"), answer.get("text"), answer.get("state"))


def sync_question_states(
    account: MarketplaceAccount, client: WildberriesClient, stats: SyncStats
) -> None:
    """Hand questions handled on the portal to the app again (its hook settles them, sends nothing)."""
    _sync_states(
        account,
        stats,
        stream=InboundStream.QUESTION,
        open_records=Q(payload__answer=None) & ~Q(payload__state="none"),
        read=client.question,
        to_item=question_from_payload,
        cursor_field="questions_cursor",
    )


def sync_feedback_states(
    account: MarketplaceAccount, client: WildberriesClient, stats: SyncStats
) -> None:
    """Reviews answered on the portal, and replies whose moderation ended (published or rejected)."""
    _sync_states(
        account,
        stats,
        stream=InboundStream.FEEDBACK,
        # Rejected too: a new reply to it goes through moderation again.
        open_records=Q(payload__answer=None)
        | Q(payload__answer__state__in=[ANSWER_IN_MODERATION, ANSWER_REJECTED]),
        read=client.feedback,
        to_item=feedback_from_payload,
        cursor_field="feedbacks_cursor",
    )


STREAMS = (
    sync_questions,
    sync_question_states,
    sync_feedbacks,
    sync_feedback_states,
    sync_chat_events,
)
