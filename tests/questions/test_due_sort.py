"""SLA badges on the New tab and its "due soon first" order."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions import services
from questions.models import QuestionStatus
from sellerdesk.core.models import Role
from sellerdesk.sla.models import SlaClock
from tests.questions.conftest import GOOD_ANSWER, ask

pytestmark = pytest.mark.django_db
LIST = reverse("questions:list")


def _listed_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-question="(\d+)"', body)]


def _due_in(question, minutes: int) -> None:
    SlaClock.objects.filter(
        channel="question", item_id=question.pk, answered_at__isnull=True
    ).update(
        sla_due_at=timezone.now() + timedelta(minutes=minutes),
        sla_warn_at=timezone.now() + timedelta(minutes=minutes - 30),
    )


@pytest.fixture
def waiting(shops, products):
    now = timezone.now()
    newest = ask(
        shops.mine,
        "Новый вопрос про плед",
        product=products[1],
        created_at=now - timedelta(minutes=1),
    )
    urgent = ask(
        shops.mine,
        "Вопрос про кофемолку",
        product=products[0],
        created_at=now - timedelta(minutes=2),
    )
    middle = ask(
        shops.mine,
        "Ещё вопрос про плед",
        product=products[1],
        created_at=now - timedelta(minutes=3),
    )
    _due_in(newest, 600)
    _due_in(urgent, -10)
    _due_in(middle, 20)
    return newest, urgent, middle


def test_new_tab_rows_carry_badges_and_the_toggle(shops, seller_client, waiting):
    body = seller_client.get(LIST).content.decode()
    assert (
        body.count("sla-badge ") == 3 and "sla-badge-breached" in body and "sla-badge-soon" in body
    )
    assert 'id="due-sort"' in body and "sort=due" in body
    answered_tab = seller_client.get(LIST, {"tab": "answered"}).content.decode()
    assert 'id="due-sort"' not in answered_tab


def test_due_soon_orders_new_questions_by_due_time(shops, seller_client, waiting):
    newest, urgent, middle = waiting
    assert _listed_ids(seller_client.get(LIST).content.decode()) == [
        newest.pk,
        urgent.pk,
        middle.pk,
    ]
    due = seller_client.get(LIST, {"sort": "due"}).content.decode()
    assert _listed_ids(due) == [urgent.pk, middle.pk, newest.pk]
    assert '<input type="hidden" name="sort" value="due">' in due
    assert 'aria-pressed="true"' in due


def test_due_soon_keeps_product_and_search_filters(shops, products, seller_client, waiting):
    newest, urgent, middle = waiting
    by_product = seller_client.get(
        LIST, {"sort": "due", "product": products[1].pk}
    ).content.decode()
    assert _listed_ids(by_product) == [middle.pk, newest.pk]
    found = seller_client.get(LIST, {"sort": "due", "q": "кофемолку"}).content.decode()
    assert _listed_ids(found) == [urgent.pk]


def test_answered_questions_leave_the_due_list(shops, seller_client, waiting, monkeypatch):
    newest, urgent, middle = waiting
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    services.question_answer(
        question=urgent, text=GOOD_ANSWER, user=shops.users[Role.SELLER], warnings_confirmed=True
    )
    urgent.refresh_from_db()
    assert urgent.status == QuestionStatus.ANSWERED
    assert _listed_ids(seller_client.get(LIST, {"sort": "due"}).content.decode()) == [
        middle.pk,
        newest.pk,
    ]


def test_due_soon_pages_by_keyset(shops, seller_client, waiting, monkeypatch):
    newest, urgent, middle = waiting
    monkeypatch.setattr("questions.selectors.PAGE_SIZE", 2)
    from questions import selectors

    filters = selectors.QuestionFilters(due_soon=True)
    first = selectors.question_page(shop=shops.mine, filters=filters, size=2)
    assert [q.pk for q in first.items] == [urgent.pk, middle.pk] and first.next_cursor
    rest = selectors.question_page(
        shop=shops.mine, filters=filters, cursor=first.next_cursor, size=2
    )
    assert [q.pk for q in rest.items] == [newest.pk] and rest.next_cursor == ""
    body = seller_client.get(LIST, {"sort": "due", "cursor": first.next_cursor}).content.decode()
    assert _listed_ids(body) == [newest.pk]


def test_another_shops_questions_never_leak(
    shops, seller_client, waiting, django_assert_max_num_queries
):
    theirs = ask(shops.other, "Чужой срочный вопрос")
    _due_in(theirs, -600)
    with django_assert_max_num_queries(10):  # same budget as the newest-first page
        body = seller_client.get(LIST, {"sort": "due"}).content.decode()
    assert theirs.pk not in _listed_ids(body) and "Чужой срочный вопрос" not in body
    assert len(_listed_ids(body)) == 3
