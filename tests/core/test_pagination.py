"""Keyset pagination shared by the questions, reviews and chats lists.

A cursor travels through the address bar: whatever comes back, the list shows its first page
instead of an error, and walking the pages shows every row exactly once, ties included.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from questions.models import Question
from questions.services import question_create
from reviews.services import review_create
from sellerdesk.core.pagination import (
    keyset_cursor_decode,
    keyset_cursor_encode,
    keyset_filter_before,
    keyset_page,
)
from tests.chats.helpers import conversation_with

BAD_CURSORS = [
    "garbage",
    "-",
    "123",
    "123-",
    "-45",
    "12-x",
    "x-12",
    "1.5-2",
    "-100-3",  # before 1970: never written by us
    "１２-３",  # full-width digits
    "²-1",  # str.isdigit() says yes, int() says no
    "1000000000000000000-1",  # past year 9999
    "99999999999999999999999-1",  # past what timedelta holds
    "1700000000000000-1-2",
    "1700000000000000 -1",
    "1" * 200 + "-1",
    "<script>-1",
]


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    pk=st.integers(min_value=1, max_value=2**63 - 1),
)
def test_a_cursor_names_its_row_to_the_microsecond(moment, pk):
    assert keyset_cursor_decode(keyset_cursor_encode(moment, pk)) == (moment, pk)


def test_a_cursor_does_not_depend_on_the_time_zone_it_was_written_in():
    moscow = datetime(2026, 3, 1, 12, 30, 0, 999_999, tzinfo=timezone(timedelta(hours=3)))
    decoded, pk = keyset_cursor_decode(keyset_cursor_encode(moscow, 7))
    assert decoded == moscow and pk == 7


@pytest.mark.parametrize("text", [None, "", *BAD_CURSORS])
def test_anything_else_is_not_a_cursor(text):
    assert keyset_cursor_decode(text) is None


@pytest.mark.django_db
def test_pages_walk_every_row_once_when_rows_share_a_moment(shops):
    moment = datetime(2026, 5, 1, 10, 0, 0, 123_457, tzinfo=UTC)
    # Seven questions, five of them in the same microsecond: only the pk tells them apart.
    created = [
        question_create(
            shop=shops.mine, text=f"Вопрос {n}", created_at=moment - timedelta(microseconds=n // 5)
        )
        for n in range(7)
    ]
    newest_first = sorted(created, key=lambda q: (q.created_at, q.pk), reverse=True)
    queryset = Question.objects.for_shop(shops.mine).order_by("-created_at", "-id")
    seen: list[int] = []
    cursor = ""
    for _page in range(10):
        page = keyset_page(list(keyset_filter_before(queryset, cursor)[:3]), size=2)
        seen += [question.pk for question in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [question.pk for question in newest_first]


@pytest.mark.django_db
def test_a_full_last_page_offers_no_next_page(shops):
    for n in range(2):
        question_create(shop=shops.mine, text=f"Вопрос {n}")
    rows = list(Question.objects.for_shop(shops.mine).order_by("-created_at", "-id")[:3])
    page = keyset_page(rows, size=2)
    assert len(page.items) == 2 and page.next_cursor == ""


@pytest.mark.django_db
def test_a_bad_cursor_leaves_the_query_alone(shops):
    question_create(shop=shops.mine, text="Вопрос")
    queryset = Question.objects.for_shop(shops.mine)
    for text in BAD_CURSORS:
        assert list(keyset_filter_before(queryset, text)) == list(queryset)


@pytest.mark.django_db
@pytest.mark.parametrize("text", BAD_CURSORS)
def test_lists_show_their_first_page_for_a_bad_cursor(shops, seller_client, text):
    question = question_create(shop=shops.mine, text="Можно стирать плед?")
    review = review_create(shop=shops.mine, rating=5, text="Отличный плед", buyer_name="Анна")
    conversation = conversation_with(shops.mine, buyer="Борис Орлов")
    pages = [
        (reverse("questions:list"), {"cursor": text}, f'data-question="{question.pk}"'),
        (reverse("reviews:list"), {"cursor": text}, review.text),
        (reverse("chats:inbox"), {"cursor": text}, conversation.buyer_name),
        (reverse("chats:messages", args=[conversation.pk]), {"before": text}, "Где мой заказ?"),
    ]
    for url, query, shown in pages:
        response = seller_client.get(url, query)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url
