"""SLA badges in the conversation list and the "due soon first" order of the Unread tab."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chats import services
from chats.models import Conversation
from sellerdesk.core.models import Role
from sellerdesk.sla.models import SlaClock
from tests.chats.helpers import GOOD_REPLY, conversation_with

pytestmark = pytest.mark.django_db
INBOX = reverse("chats:inbox")


def _rows(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-conv-row\s+id="conv-row-(\d+)"', body)]


def _due_in(conversation: Conversation, minutes: int) -> None:
    SlaClock.objects.filter(
        channel="chat", item_id=conversation.pk, answered_at__isnull=True
    ).update(
        sla_due_at=timezone.now() + timedelta(minutes=minutes),
        sla_warn_at=timezone.now() + timedelta(minutes=minutes - 10),
    )


@pytest.fixture
def waiting(shops):
    """Three unread conversations whose due order differs from their recency order."""
    now = timezone.now()
    relaxed = conversation_with(shops.mine, buyer="Спокойная", at=now - timedelta(minutes=1))
    urgent = conversation_with(shops.mine, buyer="Срочный", at=now - timedelta(minutes=3))
    middle = conversation_with(shops.mine, buyer="Средняя", at=now - timedelta(minutes=5))
    _due_in(relaxed, 50)
    _due_in(urgent, -5)  # already overdue
    _due_in(middle, 20)
    return relaxed, urgent, middle


def test_rows_carry_sla_badges(shops, seller_client, waiting):
    body = seller_client.get(INBOX).content.decode()
    assert body.count("sla-badge ") == 3
    assert "sla-badge-breached" in body
    assert "sla-badge-ok" in body


def test_answered_conversation_has_no_badge(shops, seller_client, monkeypatch):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    conversation = conversation_with(shops.mine)
    services.chat_message_send(
        conversation=conversation,
        author=shops.users[Role.SELLER],
        text=GOOD_REPLY,
        warnings_confirmed=True,
    )
    assert "sla-badge " not in seller_client.get(INBOX).content.decode()


def test_unread_tab_offers_the_toggle_and_orders_by_due_time(shops, seller_client, waiting):
    relaxed, urgent, middle = waiting
    all_tab = seller_client.get(INBOX).content.decode()
    assert 'id="due-sort"' not in all_tab
    unread = seller_client.get(INBOX, {"tab": "unread"}).content.decode()
    assert _rows(unread) == [relaxed.pk, urgent.pk, middle.pk]  # newest activity first
    assert 'href="/chats/?tab=unread&amp;sort=due"' in unread
    due = seller_client.get(INBOX, {"tab": "unread", "sort": "due"}).content.decode()
    assert _rows(due) == [urgent.pk, middle.pk, relaxed.pk]
    assert 'aria-pressed="true"' in due
    assert '<input type="hidden" name="sort" value="due">' in due  # searching keeps the order
    # The toggle switches back.
    assert 'href="/chats/?tab=unread"' in due


def test_due_order_keeps_the_tab_filter_and_search(shops, seller_client, waiting):
    relaxed, urgent, middle = waiting
    Conversation.objects.filter(pk=urgent.pk).update(unread_count=0)  # read, still waiting
    due = seller_client.get(INBOX, {"tab": "unread", "sort": "due"}).content.decode()
    assert _rows(due) == [middle.pk, relaxed.pk]
    found = seller_client.get(
        INBOX, {"tab": "unread", "sort": "due", "q": "Спокойная"}
    ).content.decode()
    assert _rows(found) == [relaxed.pk]


def test_due_order_ignored_outside_the_unread_tab(shops, seller_client, waiting):
    relaxed, urgent, middle = waiting
    body = seller_client.get(INBOX, {"sort": "due"}).content.decode()
    assert _rows(body) == [relaxed.pk, urgent.pk, middle.pk]


def test_due_order_pages_by_keyset(shops, seller_client, monkeypatch, waiting):
    relaxed, urgent, middle = waiting
    monkeypatch.setattr("chats.selectors.LIST_PAGE_SIZE", 2)
    from chats import selectors

    page = selectors.conversation_list_due(shop=shops.mine, limit=2)
    assert [row.pk for row in page.items] == [urgent.pk, middle.pk] and page.next_cursor
    rest = selectors.conversation_list_due(shop=shops.mine, cursor=page.next_cursor, limit=2)
    assert [row.pk for row in rest.items] == [relaxed.pk] and rest.next_cursor == ""
    assert set(rest.sla_map) == {relaxed.pk}


def test_another_shops_waiting_chats_never_leak(shops, seller_client, waiting):
    theirs = conversation_with(shops.other, buyer="Чужой покупатель")
    _due_in(theirs, -60)  # the most urgent of all, but another shop's
    due = seller_client.get(INBOX, {"tab": "unread", "sort": "due"}).content.decode()
    assert theirs.pk not in _rows(due)
    assert "Чужой покупатель" not in due
    assert len(_rows(due)) == 3
