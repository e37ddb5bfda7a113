"""The "due soon" page over the clock table: order, keyset paging, filters, shop isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chats.models import Conversation
from sellerdesk.sla.hooks import waiting_started, waiting_stopped
from sellerdesk.sla.selectors import due_cursor_decode, open_clock_page

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _wait(shop, item_id, minutes, channel="chat"):
    waiting_started(
        shop=shop, channel=channel, item_id=item_id, since=T0 + timedelta(minutes=minutes)
    )


def test_most_urgent_first_in_keyset_pages(shops, django_assert_num_queries):
    for item_id, minutes in [(11, 30), (12, 0), (13, 10), (14, 10), (15, 50)]:
        _wait(shops.mine, item_id, minutes)
    _wait(shops.mine, 16, 0)
    waiting_stopped(
        shop=shops.mine, channel="chat", item_id=16, at=T0 + timedelta(minutes=5)
    )  # answered
    _wait(shops.mine, 17, 0, channel="question")  # another channel
    with django_assert_num_queries(1):
        first = open_clock_page(shop=shops.mine, channel="chat", limit=2)
    assert first.item_ids == [12, 13]
    assert first.sla_map[12][0] == T0 + timedelta(minutes=60)  # same shape as due_at_map
    second = open_clock_page(shop=shops.mine, channel="chat", cursor=first.next_cursor, limit=2)
    assert second.item_ids == [14, 11]  # the tie on due time is broken by item id, none lost
    third = open_clock_page(shop=shops.mine, channel="chat", cursor=second.next_cursor, limit=2)
    assert third.item_ids == [15] and third.next_cursor == ""


def test_another_shops_clocks_never_appear(shops):
    _wait(shops.other, 21, 0)  # more urgent, but not ours
    _wait(shops.mine, 22, 20)
    page = open_clock_page(shop=shops.mine, channel="chat")
    assert page.item_ids == [22] and set(page.sla_map) == {22}
    assert open_clock_page(shop=shops.other, channel="chat").item_ids == [21]


def test_items_queryset_restricts_the_page(shops):
    from tests.chats.helpers import conversation_with

    read = conversation_with(shops.mine, buyer="Прочитано", at=T0)
    unread = conversation_with(shops.mine, buyer="Новое", at=T0 + timedelta(minutes=5))
    Conversation.objects.filter(pk=read.pk).update(unread_count=0)
    page = open_clock_page(
        shop=shops.mine,
        channel="chat",
        items=Conversation.objects.for_shop(shops.mine).filter(unread_count__gt=0),
    )
    assert page.item_ids == [unread.pk]


def test_bad_cursors_start_from_the_top():
    assert due_cursor_decode("garbage") is None
    assert due_cursor_decode("1~x") is None
    assert due_cursor_decode("") is None
