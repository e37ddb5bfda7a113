"""The chat inbox: list and conversation panes, sending, retrying, files, the unread badge.

One page template (chats/inbox.html); htmx requests get one of its partials.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from chats import selectors, services
from chats.forms import ChatReplyForm
from chats.models import Attachment, Conversation, Message
from chats.search import normalise_query
from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.live import (
    LIVE_OVERLAP_SECONDS,
    live_token,
    live_token_read,
    shared_answer_get,
    shared_answer_key,
    shared_answer_set,
    shop_cursor,
    ticket_current,
)
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.base import CHAT_ALLOWED_CONTENT_TYPES
from sellerdesk.replycheck.reply_box import ReplyTarget
from sellerdesk.sla.selectors import due_at_map

REPLY_FORM_ID = "reply-%s"  # the textarea is #reply-text: chats.js and the keyboard help use it


def _positive_int(raw: str | None) -> int | None:
    """A number typed into the address bar, or None (str.isdigit() alone also accepts "²")."""
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None


def _list_params(request: ShopRequest) -> dict:
    tab = request.GET.get("tab", "all")
    tab = tab if tab in ("all", "unread") else "all"
    # "Due soon" orders the Unread tab by the SLA clock; it is a flat list (no grouping).
    due = tab == "unread" and request.GET.get("sort") == "due"
    return {
        "tab": tab,
        "q": normalise_query(request.GET.get("q")),
        "group": request.GET.get("group") == "1" and not due,
        "product": _positive_int(request.GET.get("product")),
        "sort": "due" if due else "",
    }


def _list_query_string(params: dict, **overrides) -> str:
    merged = {**params, **overrides}
    pairs = {
        "tab": merged["tab"] if merged["tab"] != "all" else "",
        "q": merged["q"],
        "group": "1" if merged["group"] else "",
        "product": merged["product"] or "",
        "sort": merged.get("sort", ""),
    }
    return urlencode({k: v for k, v in pairs.items() if v})


def _list_context(request: ShopRequest) -> dict:
    params = _list_params(request)
    context: dict = {
        "inbox_url": reverse("chats:inbox"),
        "params": params,
        "list_qs": _list_query_string(params),
        "unread": selectors.unread_totals(shop=request.shop),
    }
    if params["group"] and not params["product"]:
        context["groups"] = selectors.conversation_groups(
            shop=request.shop, tab=params["tab"], query=params["q"]
        )
        rows = [row for group in context["groups"] for row in group["rows"]]
        context["sla_map"] = due_at_map("chat", [row.pk for row in rows], shop=request.shop)
    else:
        list_page = (
            selectors.conversation_list_due
            if params["sort"] == "due"
            else selectors.conversation_list
        )
        context["page"] = list_page(
            shop=request.shop,
            tab=params["tab"],
            query=params["q"],
            product_id=params["product"],
            cursor=request.GET.get("cursor"),
        )
        sla_map = context["page"].sla_map
        if sla_map is None:  # one query for the badges of the whole page
            sla_map = due_at_map(
                "chat", [row.pk for row in context["page"].items], shop=request.shop
            )
        context["sla_map"] = sla_map
        if params["tab"] == "unread":
            context["due_sort_url"] = "?" + _list_query_string(
                params, sort="" if params["sort"] else "due"
            )
        if params["product"]:
            context["product_filter"] = next(
                (
                    row.product
                    for row in context["page"].items
                    if row.product_id == params["product"]
                ),
                None,
            )
    return context


def _thread_context(
    request: ShopRequest, conversation: Conversation, *, before: str | None = None
) -> dict:
    find = normalise_query(request.GET.get("find"))
    hits: list[int] = []
    hit_index = 0
    window = None
    if find:
        hits = selectors.thread_hits(conversation=conversation, query=find)
        hit_index = min(_positive_int(request.GET.get("hit")) or 0, len(hits) - 1) if hits else 0
        if hits:
            target_row = Message.objects.filter(pk=hits[hit_index]).only("pk", "created_at").first()
            if target_row is not None:
                window = selectors.thread_around(conversation=conversation, message=target_row)
    if window is None:
        window = selectors.thread_latest(conversation=conversation, before=before)
    return {
        "conversation": conversation,
        "window": window,
        "find": find,
        "hits": hits,
        "hit_index": hit_index,
        "hit_id": hits[hit_index] if hits else None,
        "attachments": selectors.conversation_attachments(conversation=conversation),
        "reply_form": ChatReplyForm(auto_id=REPLY_FORM_ID),
        "reply_target": _reply_target(conversation),
    }


def _reply_target(conversation: Conversation) -> ReplyTarget:
    return ReplyTarget(
        shop=conversation.shop,
        channel="chat",
        buyer_name=conversation.buyer_name,
        product=conversation.product,
        item=conversation,
    )


def _conversation_for(request: ShopRequest, conversation_id: int) -> Conversation:
    return get_for_shop(
        Conversation.objects.select_related("product", "shop"), request.shop, pk=conversation_id
    )


@shop_view(role=Role.SELLER)
@require_GET
def inbox(request: ShopRequest) -> HttpResponse:
    context = _list_context(request)
    if request.htmx and request.htmx.target in ("conversation-list", "list-more"):
        return render(request, "chats/inbox.html#conversation-list", context)
    return render(request, "chats/inbox.html", context)


@shop_view(role=Role.SELLER)
@require_GET
def conversation_detail(request: ShopRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_for(request, conversation_id)
    was_unread = conversation.unread_count > 0
    services.conversation_mark_read(conversation=conversation)
    context = _thread_context(request, conversation)
    if request.htmx and request.htmx.target == "thread":
        response = render(request, "chats/inbox.html#thread", context)
    else:
        context |= _list_context(request)
        response = render(request, "chats/inbox.html", context)
    if was_unread:
        trigger_client_event(response, "chats:read")
    return response


@shop_view(role=Role.SELLER)
@require_GET
def conversation_messages(request: ShopRequest, conversation_id: int) -> HttpResponse:
    """Older messages for upward paging (a partial), or the whole page at that point."""
    conversation = _conversation_for(request, conversation_id)
    before = request.GET.get("before")
    if request.htmx:
        window = selectors.thread_latest(conversation=conversation, before=before)
        return render(
            request,
            "chats/inbox.html#older-messages",
            {"conversation": conversation, "window": window},
        )
    context = _thread_context(request, conversation, before=before) | _list_context(request)
    return render(request, "chats/inbox.html", context)


@shop_view(role=Role.SELLER)
@require_POST
def message_send(request: ShopRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_for(request, conversation_id)
    form = ChatReplyForm(request.POST, auto_id=REPLY_FORM_ID)
    if form.is_valid():
        try:
            services.chat_message_send(
                conversation=conversation,
                author=request.user,
                text=form.cleaned_data["text"],
                files=request.FILES.getlist("files"),
                warnings_confirmed=form.cleaned_data["warnings_confirmed"],
            )
        except ValidationError as refused:
            form.add_refusal(refused)
        else:
            if request.htmx:
                return render(
                    request, "chats/inbox.html#thread", _thread_context(request, conversation)
                )
            return redirect("chats:conversation", conversation_id=conversation.pk)

    refusal = {
        "conversation": conversation,
        "reply_form": form,
        "reply_target": _reply_target(conversation),
    }
    if request.htmx:
        response = render(request, "chats/inbox.html#reply-box", refusal)
        return reswap(retarget(response, "#reply-box"), "outerHTML")
    context = _thread_context(request, conversation) | _list_context(request) | refusal
    return render(request, "chats/inbox.html", context, status=400)


@shop_view(role=Role.SELLER)
@require_GET
def message_status(request: ShopRequest, message_id: int) -> HttpResponse:
    """One message as the thread shows it (an htmx fragment; a full page redirects to the thread)."""
    message = get_for_shop(
        Message.objects.select_related("author", "conversation", "outbound").prefetch_related(
            "attachments"
        ),
        request.shop,
        pk=message_id,
    )
    if not request.htmx:
        return redirect(
            reverse("chats:conversation", kwargs={"conversation_id": message.conversation_id})
        )
    return render(
        request,
        "chats/inbox.html#message",
        {"message": message, "conversation": message.conversation},
    )


@shop_view(role=Role.SELLER)
@require_GET
def attachment_file(request: ShopRequest, attachment_id: int) -> FileResponse:
    attachment = get_for_shop(Attachment, request.shop, pk=attachment_id)
    field = (
        attachment.thumbnail
        if request.GET.get("thumb") and attachment.thumbnail
        else attachment.file
    )
    if not field.name:
        raise Http404
    try:
        handle = field.storage.open(field.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline_safe = attachment.content_type in CHAT_ALLOWED_CONTENT_TYPES
    response = FileResponse(
        handle,
        content_type=attachment.content_type if inline_safe else "application/octet-stream",
        filename=attachment.original_name,
        as_attachment=request.GET.get("download") == "1" or not inline_safe,
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


@shop_view(role=Role.SELLER)
@require_GET
def unread_badge(request: ShopRequest) -> HttpResponse:
    unread = selectors.unread_totals(shop=request.shop)
    return render(request, "chats/inbox.html#unread-count", {"unread": unread})


def _live_shared_variant(request: HttpRequest) -> str | None:
    """The part of a live request that shapes its answer, when that answer is the same for
    every member polling with the same cursor (no open conversation, no forced refresh)."""
    if request.GET.get("force") or request.GET.get("conversation"):
        return None
    # Rows carry translated words and dates in the UI language's pattern.
    return (
        get_language()
        + "?"
        + "&".join(
            f"{key}={request.GET.get(key, '')}"
            for key in ("list", "tab", "q", "group", "product", "sort")
        )
    )


def _live_idle(request: HttpRequest) -> HttpResponse | None:
    """The answer to most polls, from the signed token, the session and the cache alone:
    204 when nothing changed in the shop since the cursor the page holds, or the answer
    another page of the shop already got for the same question.

    Anything else (no or bad token, another user's session, membership changes since the
    token, a forced refresh, an answer nobody computed yet) returns None and the full
    access check runs.
    """
    if request.GET.get("force"):
        return None
    ticket = live_token_read(request.GET.get("t", ""))
    since = _positive_int(request.GET.get("since"))
    if ticket is None or since is None:
        return None
    # The browser's session cookie, not the session's contents: no cache or database read.
    # A session ended server-side stops here within the token's lifetime (TOKEN_MAX_AGE).
    if not ticket.matches_session(request.COOKIES.get(settings.SESSION_COOKIE_NAME)):
        return None
    cursor = shop_cursor(shop_id=ticket.shop_id)
    if cursor <= since:
        return HttpResponse(status=204)
    variant = _live_shared_variant(request)
    if variant is None or not ticket_current(ticket):
        return None
    shared = shared_answer_get(
        shared_answer_key(shop_id=ticket.shop_id, since=since, cursor=cursor, variant=variant)
    )
    if shared is None:
        return None
    return HttpResponse(shared, content_type="application/json")


@shop_view(role=Role.SELLER, precheck=_live_idle)
@transaction.non_atomic_requests  # an idle poll must not even open a database connection
@require_GET
def live(request: ShopRequest) -> HttpResponse:
    """What changed in the shop since the page's cursor: counters, the list's changed rows,
    the open conversation's new messages (JSON; the polling is in static/js/live.js)."""
    ticket = live_token_read(request.GET.get("t", ""))
    if ticket is None or ticket.shop_id != request.shop.pk:
        # The token expired or the session switched shop in another tab: reload the page.
        return JsonResponse({"reload": True})
    # Read first (fresh, not the process memo): later changes make the page poll again.
    cursor = shop_cursor(shop_id=request.shop.pk, fresh=True)
    since_us = _positive_int(request.GET.get("since")) or 0
    since = datetime.fromtimestamp(since_us / 1_000_000, tz=UTC) - timedelta(
        seconds=LIVE_OVERLAP_SECONDS
    )
    payload: dict = {"cursor": cursor}
    with transaction.atomic():
        conversation_id = _positive_int(request.GET.get("conversation"))
        conversation = None
        if conversation_id:
            conversation = (
                Conversation.objects.for_shop(request.shop)
                .select_related("product", "shop")
                .filter(pk=conversation_id)
                .first()
            )
        if conversation is not None:
            if request.GET.get("read") == "1" and conversation.unread_count:
                services.conversation_mark_read(conversation=conversation)
            after = _positive_int(request.GET.get("after")) or 0
            messages = selectors.thread_after(conversation=conversation, after_id=after)
            if messages:
                payload["messages"] = render_to_string(
                    "chats/inbox.html#live-messages",
                    {"live_messages": messages, "conversation": conversation},
                    request,
                )
                payload["conversation"] = conversation.pk
        if request.GET.get("list") == "1":
            params = _list_params(request)
            if params["group"] or params["sort"]:
                # Grouped and due-ordered lists are re-fetched whole: a row may move groups.
                payload["reload_list"] = True
            else:
                rows, dropped = selectors.conversations_changed(
                    shop=request.shop,
                    since=since,
                    tab=params["tab"],
                    query=params["q"],
                    product_id=params["product"],
                )
                payload["drop"] = dropped
                if rows:
                    payload["rows"] = render_to_string(
                        "chats/inbox.html#live-rows",
                        {
                            "live_rows": rows,
                            "params": params,
                            "inbox_url": reverse("chats:inbox"),
                            "list_qs": _list_query_string(params),
                            "sla_map": due_at_map(
                                "chat", [row.pk for row in rows], shop=request.shop
                            ),
                            "conversation": conversation,
                        },
                        request,
                    )
        unread = selectors.unread_totals(shop=request.shop)
        payload["unread"] = {"conversations": unread.conversations, "messages": unread.messages}
        newest = selectors.newest_unread_since(shop=request.shop, since=since)
        if newest is not None:
            payload["newest"] = {
                "id": newest.pk,
                "buyer": newest.buyer_name,
                "excerpt": newest.last_message_excerpt,
                "url": reverse("chats:conversation", kwargs={"conversation_id": newest.pk}),
                "unread": newest.unread_count,
            }
    if (
        ticket.user_id != request.user.pk
        or ticket.due_for_refresh
        or not ticket_current(ticket)
        or not ticket.matches_session(request.session.session_key)
    ):
        # An old token, or membership changed since: this member is still in (the checks
        # above passed), so hand over a fresh token instead of reloading the page.
        payload["token"] = live_token(
            user_id=request.user.pk,
            shop_id=request.shop.pk,
            session_key=request.session.session_key,
        )
    response = JsonResponse(payload)
    variant = _live_shared_variant(request)
    if variant is not None and "token" not in payload:
        shared_answer_set(
            shared_answer_key(
                shop_id=request.shop.pk, since=since_us, cursor=cursor, variant=variant
            ),
            response.content,
        )
    return response
