"""Questions synced from the marketplace: imported once, and settled when handled on its portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from questions import services
from questions.models import DeclineKind, Question, QuestionStatus
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.inbound import IncomingProduct, IncomingQuestion, handler_for
from sellerdesk.sla.models import SlaClock
from tests.questions.conftest import GOOD_ANSWER, POLITE_DECLINE

pytestmark = pytest.mark.django_db


def incoming(
    external_id="wb-q-1",
    text="Можно ли стирать плед в машинке?",
    *,
    answered=False,
    declined=False,
    answer_text=None,
    sku="WB-118871",
    nm_id="118871",
    created_at=None,
) -> IncomingQuestion:
    return IncomingQuestion(
        external_id=external_id,
        text=text,
        created_at=created_at or timezone.now() - timedelta(minutes=5),
        product=IncomingProduct(external_id=nm_id, sku=sku, name="Плед"),
        answered=answered,
        declined=declined,
        answer_text=answer_text,
        was_viewed=False,
    )


@pytest.fixture
def no_delivery(monkeypatch):
    """Any call to the marketplace fails the test: portal-handled questions send nothing."""

    class Refusing:
        def __getattr__(self, name):
            raise AssertionError(f"the connector was called: {name}")

    monkeypatch.setattr(
        "sellerdesk.marketplaces.connectors.connector_for", lambda shop, *, remote_ref: Refusing()
    )


def open_clocks(question):
    return SlaClock.objects.filter(
        channel="question", item_id=question.pk, answered_at__isnull=True
    )


def test_the_marketplace_hook_is_the_questions_service():
    assert handler_for("question") is services.question_import_from_marketplace


def test_a_new_question_is_imported_once_with_its_product_and_clock(
    shops, products, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
        again = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
    assert first.pk == again.pk
    assert Question.objects.for_shop(shops.mine).count() == 1
    assert first.status == QuestionStatus.NEW and first.product == products[1]
    assert open_clocks(first).count() == 1
    # Another shop with the same marketplace id is a different question.
    other = services.question_import_from_marketplace(shop=shops.other, item=incoming())
    assert other.pk != first.pk and other.product is None


def test_the_decline_rules_run_on_imported_questions(
    shops, supplier_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_import_from_marketplace(
            shop=shops.mine, item=incoming(text="Кто ваш поставщик пледов?")
        )
    question.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED and question.decline_kind == DeclineKind.AUTO


def test_answered_on_the_portal_stops_the_clock_and_sends_nothing(
    shops, products, no_delivery, django_capture_on_commit_callbacks
):
    question = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        settled = services.question_import_from_marketplace(
            shop=shops.mine, item=incoming(answered=True, answer_text="Да, при 30 градусах.")
        )
    assert callbacks == [] or all("_publish" not in repr(cb) for cb in callbacks)
    assert settled.pk == question.pk
    assert (
        settled.status == QuestionStatus.ANSWERED and settled.answer_text == "Да, при 30 градусах."
    )
    assert settled.handled_on_marketplace and settled.answered_by is None
    assert settled.outbound is None  # nothing of ours to deliver
    assert not open_clocks(question).exists()
    assert SlaClock.objects.filter(channel="question", item_id=question.pk).count() == 1


def test_declined_on_the_portal(shops, no_delivery):
    question = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
    services.question_import_from_marketplace(
        shop=shops.mine, item=incoming(declined=True, answer_text="Неуместно")
    )
    question.refresh_from_db()
    assert (
        question.status == QuestionStatus.DECLINED and question.decline_kind == DeclineKind.MANUAL
    )
    assert question.handled_on_marketplace and not open_clocks(question).exists()


def test_a_question_first_seen_already_answered_never_waits(
    shops, no_delivery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_import_from_marketplace(
            shop=shops.mine, item=incoming(answered=True, answer_text="Да.")
        )
    assert question.status == QuestionStatus.ANSWERED and question.handled_on_marketplace
    assert not SlaClock.objects.filter(channel="question", item_id=question.pk).exists()


def test_our_own_answer_coming_back_changes_nothing(shops, products, monkeypatch):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    question = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
    services.question_answer(
        question=question, text=GOOD_ANSWER, user=shops.users[Role.SELLER], warnings_confirmed=True
    )
    again = services.question_import_from_marketplace(
        shop=shops.mine, item=incoming(answered=True, answer_text=GOOD_ANSWER)
    )
    assert again.status == QuestionStatus.ANSWERED and not again.handled_on_marketplace
    assert again.answered_by == shops.users[Role.SELLER]


def test_handled_on_marketplace_keeps_a_reply_made_here(shops, monkeypatch):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    question = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
    services.question_decline(
        question=question,
        text=POLITE_DECLINE,
        user=shops.users[Role.SELLER],
        warnings_confirmed=True,
    )
    result = services.question_handled_on_marketplace(
        question=question, declined=False, text="Другое"
    )
    assert result.status == QuestionStatus.DECLINED and result.answer_text == POLITE_DECLINE


def test_the_detail_page_names_the_marketplace_as_the_author(shops, seller_client):
    question = services.question_import_from_marketplace(shop=shops.mine, item=incoming())
    services.question_handled_on_marketplace(question=question, declined=False, text="Да.")
    page = seller_client.get(f"/questions/{question.pk}/")
    assert page.status_code == 200
    assert "Автоматическое правило" not in page.content.decode()
    assert "На маркетплейсе" in page.content.decode()
