"""Reads for buyer chats. Every function runs a fixed number of queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import RowNumber

from chats.models import Attachment, Conversation, Message
from chats.search import (
    BigramPhraseMatch,
    ConversationVectorMatch,
    RussianTextMatch,
    cjk_bigrams,
    has_cjk,
    normalise_query,
    snippet,
    sqlite_contains_q,
)
from sellerdesk.core.models import Product, Shop
from sellerdesk.core.pagination import (
    KeysetPage,
    keyset_before_q,
    keyset_cursor_encode,
    keyset_filter_before,
    keyset_page,
)

LIST_PAGE_SIZE = 30  # about two screens; the rest loads as the list scrolls
THREAD_PAGE_SIZE = 40
GROUP_PREVIEW = 5
MAX_CONVERSATION_HITS = 1000
MAX_MATCHING_PRODUCTS = 500


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


# --- message matching ---------------------------------------------------------------------


def message_match_q(query: str) -> Q:
    """Messages whose text matches ``query`` (a Q usable in any Message queryset)."""
    if not _is_postgresql():
        return sqlite_contains_q("text", query)
    if has_cjk(query):
        grams = cjk_bigrams(query)
        if " " in grams or len(grams) == 2:
            return Q(BigramPhraseMatch(F("text_ngrams"), Value(grams)))
        return Q(text__contains=query)  # a single character: no bigram to look up
    return Q(RussianTextMatch(F("text"), Value(query)))


# --- the conversation list ----------------------------------------------------------------


def _filtered(
    *, shop: Shop, tab: str, query: str, product_id: int | None
) -> QuerySet[Conversation]:
    conversations = Conversation.objects.for_shop(shop)
    if tab == "unread":
        conversations = conversations.filter(unread_count__gt=0)
    if product_id:
        conversations = conversations.filter(product_id=product_id)
    if query:
        conversations = conversations.filter(_search_q(shop=shop, query=query))
    return conversations


def _search_q(*, shop: Shop, query: str) -> Q:
    """Conversations whose buyer, product (SKU or name) or messages match ``query``."""
    if not _is_postgresql():
        matching_messages = Message.objects.for_shop(shop).filter(sqlite_contains_q("text", query))
        return (
            sqlite_contains_q("buyer_name", query)
            | Q(product__sku__icontains=query)
            | sqlite_contains_q("product__name", query)
            | Q(pk__in=matching_messages.values("conversation_id"))
        )
    # The matching products first (one small query, pg_trgm-indexed): the conversation
    # query then has only conditions on its own table, which PostgreSQL can combine with
    # the (shop, recency) order — scan recent rows for common words, use indexes for rare.
    product_ids = list(
        Product.objects.for_shop(shop)
        .filter(Q(sku__icontains=query) | Q(name__icontains=query))
        .values_list("pk", flat=True)[:MAX_MATCHING_PRODUCTS]
    )
    condition = Q(buyer_name__icontains=query)
    if product_ids:
        condition |= Q(product_id__in=product_ids)
    grams = cjk_bigrams(query)
    if has_cjk(query) and " " not in grams and len(grams) == 1:
        # A single Chinese character has no bigram: look in the messages themselves.
        matching_messages = (
            Message.objects.for_shop(shop).filter(text__contains=query).values("conversation_id")
        )
        return condition | Q(pk__in=matching_messages)
    return condition | Q(ConversationVectorMatch(F("search_vector"), query))


def conversation_list(
    *,
    shop: Shop,
    tab: str = "all",
    query: str = "",
    product_id: int | None = None,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
) -> KeysetPage[Conversation]:
    """One page of conversations, newest activity first (1 query; 3 when searching)."""
    query = normalise_query(query)
    conversations = _filtered(shop=shop, tab=tab, query=query, product_id=product_id)
    conversations = keyset_filter_before(conversations, cursor, field="last_message_at")
    rows = list(
        conversations.select_related("product")
        # Plain DESC (nulls first, never null in practice) so chats_conv_shop_recent serves the order.
        .order_by("-last_message_at", "-pk")[: limit + 1]
    )
    page = keyset_page(rows, size=limit, field="last_message_at")
    if query and page.items:
        _attach_snippets(page.items, shop=shop, query=query)
    return page


def conversation_list_due(
    *,
    shop: Shop,
    tab: str = "unread",
    query: str = "",
    product_id: int | None = None,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
) -> KeysetPage[Conversation]:
    """ "Due soon": conversations waiting for a reply, the open SLA period due first.

    Paged over the SLA clock table (keyset on due time, see ``sla.selectors.open_clock_page``),
    restricted by the same tab/product/search filters inside that one statement; then the
    page's conversations in one query (2 queries; +2 when searching). ``sla_map`` is set.
    """
    from sellerdesk.sla.selectors import open_clock_page

    query = normalise_query(query)
    due = open_clock_page(
        shop=shop,
        channel="chat",
        items=_filtered(shop=shop, tab=tab, query=query, product_id=product_id),
        cursor=cursor,
        limit=limit,
    )
    by_pk = Conversation.objects.for_shop(shop).select_related("product").in_bulk(due.item_ids)
    rows = [by_pk[pk] for pk in due.item_ids if pk in by_pk]
    if query and rows:
        _attach_snippets(rows, shop=shop, query=query)
    return KeysetPage(items=rows, next_cursor=due.next_cursor, sla_map=due.sla_map)


def _attach_snippets(rows: list[Conversation], *, shop: Shop, query: str) -> None:
    """Give each row the newest message that matched, highlighted (one query)."""
    matches = (
        Message.objects.for_shop(shop)
        .filter(conversation_id__in=[row.pk for row in rows])
        .filter(message_match_q(query))
        .only("conversation_id", "text", "created_at")
    )
    if _is_postgresql():
        matches = matches.order_by("conversation_id", "-created_at").distinct("conversation_id")
    else:
        matches = matches.order_by("conversation_id", "-created_at")
    found: dict[int, Message] = {}
    for message in matches:
        found.setdefault(message.conversation_id, message)
    for row in rows:
        message = found.get(row.pk)
        row.search_snippet = snippet(message.text, query) if message else ""  # type: ignore[attr-defined]


def conversation_groups(
    *, shop: Shop, tab: str = "all", query: str = "", limit: int = 100
) -> list[dict]:
    """Products with their conversation counts and latest few conversations (2 queries)."""
    query = normalise_query(query)
    base = _filtered(shop=shop, tab=tab, query=query, product_id=None)
    groups = list(
        base.values("product_id", "product__sku", "product__name")
        .annotate(
            total=Count("pk"),
            unread=Count("pk", filter=Q(unread_count__gt=0)),
            unread_messages=Sum("unread_count"),
            latest=Max("last_message_at"),
        )
        .order_by(F("latest").desc(nulls_last=True))[:limit]
    )
    product_ids = [g["product_id"] for g in groups]
    ranked = (
        base.filter(
            Q(product_id__in=[p for p in product_ids if p is not None]) | Q(product__isnull=True)
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("product_id")],
                order_by=[F("last_message_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=GROUP_PREVIEW)
        .select_related("product")
        .order_by("-last_message_at", "-pk")
    )
    by_product: dict[int | None, list[Conversation]] = {}
    for row in ranked:
        by_product.setdefault(row.product_id, []).append(row)
    for group in groups:
        group["rows"] = by_product.get(group["product_id"], [])
    return groups


def unread_conversation_count(*, shop: Shop) -> int:
    """Conversations holding buyer messages nobody in the shop has read (partial index)."""
    return Conversation.objects.for_shop(shop).filter(unread_count__gt=0).count()


@dataclass(frozen=True)
class UnreadTotals:
    conversations: int
    messages: int


def unread_totals(*, shop: Shop) -> UnreadTotals:
    """Unread conversations and the unread buyer messages in them (1 query, partial index)."""
    totals = (
        Conversation.objects.for_shop(shop)
        .filter(unread_count__gt=0)
        .aggregate(conversations=Count("pk"), messages=Sum("unread_count"))
    )
    return UnreadTotals(
        conversations=totals["conversations"] or 0, messages=totals["messages"] or 0
    )


LIVE_MAX_ROWS = 50


def conversations_changed(
    *,
    shop: Shop,
    since: datetime,
    tab: str = "all",
    query: str = "",
    product_id: int | None = None,
    limit: int = LIVE_MAX_ROWS,
) -> tuple[list[Conversation], list[int]]:
    """Conversations changed after ``since``: (rows the list shows now, newest first; ids of
    changed ones that no longer belong in it, e.g. read while the Unread tab is open).

    2 queries (+1 when searching); ``(shop, changed_at)`` index.
    """
    changed_ids = list(
        Conversation.objects.for_shop(shop)
        .filter(changed_at__gt=since)
        .order_by("-changed_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not changed_ids:
        return [], []
    query = normalise_query(query)
    rows = list(
        _filtered(shop=shop, tab=tab, query=query, product_id=product_id)
        .filter(pk__in=changed_ids)
        .select_related("product")
        .order_by("-last_message_at", "-pk")
    )
    if query and rows:
        _attach_snippets(rows, shop=shop, query=query)
    shown = {row.pk for row in rows}
    return rows, [pk for pk in changed_ids if pk not in shown]


def newest_unread_since(*, shop: Shop, since: datetime) -> Conversation | None:
    """The conversation a buyer wrote into most recently, if that was after ``since`` and is
    still unread (what a new-message notification names; 1 query)."""
    return (
        Conversation.objects.for_shop(shop)
        .filter(
            changed_at__gt=since,
            last_message_at__gt=since,
            unread_count__gt=0,
            last_message_direction="in",
        )
        .order_by("-last_message_at", "-pk")
        .only("pk", "buyer_name", "last_message_excerpt", "unread_count")
        .first()
    )


def thread_after(
    *, conversation: Conversation, after_id: int, limit: int = THREAD_PAGE_SIZE
) -> list[Message]:
    """Messages of the conversation newer than the one a page shows last, oldest first (2 queries)."""
    return list(
        _thread_base(conversation).filter(pk__gt=after_id).order_by("created_at", "pk")[:limit]
    )


# --- one conversation ---------------------------------------------------------------------


@dataclass
class ThreadWindow:
    messages: list[Message]  # oldest first, ready to render
    older_cursor: str = ""  # set when older messages exist
    newer_cursor: str = ""  # set when this window is not the latest


def _thread_base(conversation: Conversation) -> QuerySet[Message]:
    return (
        Message.objects.filter(conversation=conversation)
        .select_related("author", "outbound")
        .prefetch_related("attachments")
    )


def thread_latest(
    *, conversation: Conversation, before: str | None = None, limit: int = THREAD_PAGE_SIZE
) -> ThreadWindow:
    """The newest ``limit`` messages (or those before a cursor), for upward paging (2 queries)."""
    messages = _thread_base(conversation)
    messages = keyset_filter_before(messages, before)
    page = list(messages.order_by("-created_at", "-pk")[: limit + 1])
    older = ""
    if len(page) > limit:
        page = page[:limit]
        older = keyset_cursor_encode(page[-1].created_at, page[-1].pk)
    page.reverse()
    return ThreadWindow(messages=page, older_cursor=older)


def thread_around(
    *, conversation: Conversation, message: Message, limit: int = THREAD_PAGE_SIZE
) -> ThreadWindow:
    """A window centred on ``message`` (a search hit), with cursors both ways (4 queries)."""
    half = limit // 2
    base = _thread_base(conversation)
    before = keyset_before_q(message.created_at, message.pk)
    older = list(base.filter(before).order_by("-created_at", "-pk")[: half + 1])
    newer = list(base.exclude(before).order_by("created_at", "pk")[: half + 1])
    older_cursor = newer_cursor = ""
    if len(older) > half:
        older = older[:half]
        older_cursor = keyset_cursor_encode(older[-1].created_at, older[-1].pk)
    if len(newer) > half:
        newer = newer[:half]
        newer_cursor = keyset_cursor_encode(newer[-1].created_at, newer[-1].pk)
    older.reverse()
    return ThreadWindow(
        messages=older + newer, older_cursor=older_cursor, newer_cursor=newer_cursor
    )


def thread_hits(*, conversation: Conversation, query: str) -> list[int]:
    """Ids of this conversation's messages matching ``query``, newest first (1 query)."""
    query = normalise_query(query)
    if not query:
        return []
    return list(
        Message.objects.filter(conversation=conversation)
        .filter(message_match_q(query))
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:MAX_CONVERSATION_HITS]
    )


def conversation_attachments(*, conversation: Conversation, limit: int = 200) -> list[Attachment]:
    """Every file sent or received in the conversation, newest first (1 query)."""
    return list(
        Attachment.objects.filter(message__conversation=conversation)
        .select_related("message")
        .order_by("-message__created_at", "-pk")[:limit]
    )
