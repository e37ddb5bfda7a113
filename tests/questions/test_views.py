from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions import services
from questions.models import AutoDecision, Question, QuestionStatus
from sellerdesk.core.models import Role
from tests.questions.conftest import BROKEN_REPLY, GOOD_ANSWER, POLITE_DECLINE, ask, rule_fields

pytestmark = pytest.mark.django_db
LIST = reverse("questions:list")


def _tab_count(body: str, status: str) -> int:
    match = re.search(rf'data-tab="{status}"[^>]*>[^<]*<span class="count">(\d+)</span>', body)
    assert match, f"no tab {status}"
    return int(match.group(1))


def _listed_ids(body: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-question="(\d+)"', body)]


def test_list_tabs_counts_and_newest_first(shops, products, seller_client):
    old = ask(shops.mine, "Старый вопрос про плед", created_at=timezone.now() - timedelta(days=2))
    new = ask(shops.mine, "Новый вопрос про кофемолку")
    answered = ask(shops.mine, "Можно стирать?")
    services.question_answer(
        question=answered, text=GOOD_ANSWER, user=shops.users[Role.SELLER], warnings_confirmed=True
    )
    ask(shops.other, "Чужой вопрос")
    body = seller_client.get(LIST).content.decode()
    assert (
        _tab_count(body, "new"),
        _tab_count(body, "answered"),
        _tab_count(body, "declined"),
    ) == (2, 1, 0)
    assert _listed_ids(body) == [new.pk, old.pk]
    assert "Чужой вопрос" not in body


def test_list_query_count_does_not_grow_with_rows(
    shops, products, seller_client, django_assert_max_num_queries
):
    for number in range(40):
        ask(shops.mine, f"Вопрос номер {number}", product=products[number % 2])
    # session, user, membership, savepoint pair, shell memberships + page, tab counts, products,
    # the page's SLA badges (one due_at_map).
    with django_assert_max_num_queries(10):
        response = seller_client.get(LIST)
    assert len(_listed_ids(response.content.decode())) == 25


def test_search_by_text_word_form_and_sku(shops, products, seller_client):
    plaid = ask(shops.mine, "Плед линяет после стирки?", product=products[1])
    grinder = ask(shops.mine, "Кофемолка громкая?", product=products[0])
    assert _listed_ids(seller_client.get(LIST, {"q": "линяет"}).content.decode()) == [plaid.pk]
    assert _listed_ids(seller_client.get(LIST, {"q": "104233"}).content.decode()) == [grinder.pk]
    # PostgreSQL full-text search with Russian stemming: another form of the word.
    assert _listed_ids(seller_client.get(LIST, {"q": "стирка"}).content.decode()) == [plaid.pk]


def test_filter_by_product_and_htmx_partial(shops, products, seller_client):
    ask(shops.mine, "Про плед", product=products[1])
    grinder = ask(shops.mine, "Про кофемолку", product=products[0])
    response = seller_client.get(LIST, {"product": products[0].pk}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert _listed_ids(body) == [grinder.pk]
    assert "<html" not in body and 'data-tab="new"' in body


def test_keyset_pagination_walks_every_question_once(shops, seller_client):
    moment = timezone.now()
    created = [
        ask(shops.mine, f"Вопрос {n}", created_at=moment - timedelta(minutes=n // 3))
        for n in range(60)
    ]
    seen: list[int] = []
    url = LIST
    while url:
        body = seller_client.get(url).content.decode()
        seen += _listed_ids(body)
        found = re.search(r'href="(\?[^"]*cursor=[^"]+)"[^>]*rel="next"', body)
        url = LIST + found.group(1).replace("&amp;", "&") if found else ""
    assert sorted(seen) == sorted(q.pk for q in created)
    assert len(seen) == len(set(seen))


def test_answer_blocked_by_policy_error_shows_findings(shops, seller_client):
    question = ask(shops.mine, "Можно стирать плед?")
    response = seller_client.post(
        reverse("questions:answer", args=[question.pk]), {"text": BROKEN_REPLY}
    )
    assert response.status_code == 400
    assert "replycheck-findings" in response.content.decode()
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_answer_and_decline_through_views(shops, seller_client):
    first = ask(shops.mine, "Можно стирать плед?")
    second = ask(shops.mine, "Кто поставщик?")
    response = seller_client.post(
        reverse("questions:answer", args=[first.pk]),
        {"text": GOOD_ANSWER, "warnings_confirmed": "1"},
    )
    assert response.status_code == 302
    response = seller_client.post(
        reverse("questions:decline", args=[second.pk]), {"text": POLITE_DECLINE}
    )
    assert response.status_code == 302
    assert set(Question.objects.values_list("status", flat=True)) == {"answered", "declined"}


def test_detail_offers_reasons_and_already_asked(shops, products, seller_client):
    from templates_lib.services import templates_install_defaults

    templates_install_defaults(shop=shops.mine)
    earlier = ask(shops.mine, "Можно ли стирать плед в машинке?", product=products[1])
    services.question_answer(
        question=earlier, text=GOOD_ANSWER, user=shops.users[Role.SELLER], warnings_confirmed=True
    )
    again = ask(shops.mine, "Можно стирать плед в машинке?", product=products[1])
    body = seller_client.get(reverse("questions:detail", args=[again.pk])).content.decode()
    assert "data-suggestion" in body and "при 30 градусах" in body
    assert body.count('class="use-reason"') == 5


def test_rules_pages_are_for_managers(shops, seller_client, manager_client, supplier_rule):
    assert seller_client.get(reverse("questions:rules")).status_code == 403
    response = manager_client.get(reverse("questions:rules"))
    assert response.status_code == 200 and "Поставщики" in response.content.decode()


def test_rule_editor_refuses_reply_with_policy_error(shops, manager_client):
    response = manager_client.post(
        reverse("questions:rule_create"),
        {
            "name": "Склад",
            "phrases": "склад",
            "kind": "keywords",
            "enabled": "on",
            "text": BROKEN_REPLY,
        },
    )
    assert response.status_code == 400
    assert not shops.mine.decline_rules.exists()
    response = manager_client.post(
        reverse("questions:rule_create"),
        {
            "name": "Склад",
            "phrases": "склад\nсклада нет",
            "kind": "keywords",
            "enabled": "on",
            "text": POLITE_DECLINE,
        },
    )
    assert response.status_code == 302
    assert shops.mine.decline_rules.get().phrase_list == ["склад", "склада нет"]


def test_undo_view(shops, manager_client, supplier_rule, seller_client):
    question = ask(shops.mine, "Кто поставщик?")
    decision = services.question_autodecline_apply(question_id=question.pk)
    url = reverse("questions:decision_undo", args=[decision.pk])
    assert seller_client.post(url).status_code == 403
    assert manager_client.post(url).status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW
    assert AutoDecision.objects.get().undone_at is not None
    body = manager_client.get(reverse("questions:decisions")).content.decode()
    assert "Поставщики" in body


def test_new_badge_counts_new_questions(shops, seller_client):
    assert seller_client.get(reverse("questions:new_badge")).content == b""
    ask(shops.mine, "Вопрос")
    assert seller_client.get(reverse("questions:new_badge")).content == b"1"


def test_settings_update(shops, manager_client):
    response = manager_client.post(
        reverse("questions:settings"),
        {"repeat_threshold": 85, "mark_repeats": "on", "dry_run_size": 500},
    )
    assert response.status_code == 302
    assert shops.mine.question_settings.dry_run_size == 500


def test_rule_reorder_and_delete(shops, manager_client):
    first = services.decline_rule_create(shop=shops.mine, fields=rule_fields("А", ["склад"]))
    services.decline_rule_create(shop=shops.mine, fields=rule_fields("Б", ["поставщик"]))
    manager_client.post(reverse("questions:rule_move", args=[first.pk]), {"direction": "down"})
    assert list(shops.mine.decline_rules.order_by("position").values_list("name", flat=True)) == [
        "Б",
        "А",
    ]
    manager_client.post(reverse("questions:rule_delete", args=[first.pk]))
    assert list(shops.mine.decline_rules.values_list("name", flat=True)) == ["Б"]


def test_answer_with_warnings_asks_to_confirm_then_sends(shops, seller_client):
    question = ask(shops.mine, "Можно стирать плед?")
    url = reverse("questions:answer", args=[question.pk])
    response = seller_client.post(url, {"text": "Да"})
    assert response.status_code == 400
    assert 'name="warnings_confirmed"' in response.content.decode()
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.NEW
    response = seller_client.post(url, {"text": "Да", "warnings_confirmed": "1"})
    assert response.status_code == 302
    assert Question.objects.get(pk=question.pk).status == QuestionStatus.ANSWERED


def test_undo_ignores_foreign_next_url(shops, manager_client, supplier_rule):
    question = ask(shops.mine, "Кто поставщик?")
    decision = services.question_autodecline_apply(question_id=question.pk)
    response = manager_client.post(
        reverse("questions:decision_undo", args=[decision.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("questions:decisions")


def test_htmx_results_skip_the_product_menu_query(shops, products, seller_client):
    """The product menu sits outside the results fragment: tab switches and paging do not read it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ask(shops.mine, "Про плед", product=products[1])
    for htmx, menu_queries in ((False, 1), (True, 0)):
        with CaptureQueriesContext(connection) as captured:
            response = seller_client.get(LIST, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
        assert response.status_code == 200
        assert sum('FROM "core_product"' in query["sql"] for query in captured) == menu_queries
