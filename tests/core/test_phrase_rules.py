"""The phrase-rule component: one ordering, one cache per rules version, one editor, dry runs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from questions import services as question_services
from questions.models import DeclineRule
from questions.ruleset import DECLINE_RULES
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import Situation, SituationRule
from reviews.situations import SITUATION_RULES
from sellerdesk.core.phrase_rules import phrase_rules_reorder
from tests.questions.conftest import rule_fields


@pytest.fixture(autouse=True)
def _fresh_caches():
    DECLINE_RULES.cache_clear()
    SITUATION_RULES.cache_clear()
    yield
    DECLINE_RULES.cache_clear()
    SITUATION_RULES.cache_clear()


def _names(shop) -> list[str]:
    return [rule.name for rule in DECLINE_RULES.rules(shop)]


def test_one_ordering_for_both_kinds(shops):
    shop = shops.mine
    for name in ("Поставщики", "Конкуренты", "Склад"):
        question_services.decline_rule_create(shop=shop, fields=rule_fields(name, [name.lower()]))
    review_services.situation_rules_install_defaults(shop=shop)
    situations = [rule.situation for rule in SITUATION_RULES.rules(shop)]

    last = DeclineRule.objects.get(shop=shop, name="Склад")
    question_services.decline_rule_move(rule=last, offset=-1)
    assert _names(shop) == ["Поставщики", "Склад", "Конкуренты"]
    question_services.decline_rule_move(rule=last, offset=-5)  # clamped at the top
    assert _names(shop) == ["Склад", "Поставщики", "Конкуренты"]
    assert [rule.position for rule in DECLINE_RULES.rules(shop)] == [0, 1, 2]

    first = SituationRule.objects.for_shop(shop).order_by("position").first()
    review_services.situation_rule_move(rule=first, offset=1)
    moved = [rule.situation for rule in SITUATION_RULES.rules(shop)]
    assert moved == [situations[1], situations[0], *situations[2:]]
    assert [rule.position for rule in SITUATION_RULES.rules(shop)] == list(range(len(moved)))


def test_reorder_reports_only_the_rules_it_moved():
    rules = [SituationRule(pk=pk, position=pk) for pk in range(4)]
    changed = phrase_rules_reorder(rules, rules[3], -1)
    assert sorted(rule.pk for rule in changed) == [2, 3]
    rules = [SituationRule(pk=pk, position=pk) for pk in range(4)]
    assert phrase_rules_reorder(rules, rules[0], -1) == []  # already first: nothing to save


def test_the_compiled_rules_follow_the_shops_rules_version(shops):
    shop = shops.mine
    review_services.situation_rules_install_defaults(shop=shop)
    before = SITUATION_RULES.compiled(shop)
    assert SITUATION_RULES.compiled(shop) is before  # one compile per version
    review_services.situation_rule_create(
        shop=shop, fields={"situation": Situation.DEFECT, "phrases": "облупиться", "fuzzy": True}
    )
    after = SITUATION_RULES.compiled(shop)
    assert after is not before
    assert SITUATION_RULES.compiled(shops.other) is not after  # another shop, another entry


def test_situation_rules_dry_run_shows_what_an_edit_would_change(shops):
    shop = shops.mine
    review_services.situation_rules_install_defaults(shop=shop)
    peeled = review_services.review_create(shop=shop, rating=2, text="Краска облупилась на ручке.")
    broken = review_services.review_create(
        shop=shop, rating=1, text="Пришёл разбитым, коробка мятая."
    )
    review_services.review_create(shop=shop, rating=5, text="Краска облупилась, но всё равно люблю")
    edited = SituationRule(shop=shop, situation=Situation.DEFECT)
    SITUATION_RULES.fill(edited, {"phrases": "облупиться", "fuzzy": True})
    result = review_selectors.situation_rules_dry_run(
        shop=shop, edited=[edited, *SITUATION_RULES.rules(shop)]
    )
    assert result.sample_size == 2  # happy reviews get no situation and are not checked
    assert [(row.item_id, row.highlight) for row in result.newly_matched] == [
        (peeled.pk, "облупилась")
    ]
    assert broken.pk in {row.item_id for row in result.matched}
    assert result.no_longer_matched == []
    # Nothing was saved.
    assert review_services.situation_rules_install_defaults(shop=shop) == []
    assert not SituationRule.objects.filter(phrases="облупиться").exists()


def test_the_situation_editor_dry_runs_without_saving(shops, manager_client):
    shop = shops.mine
    review_services.situation_rules_install_defaults(shop=shop)
    review_services.review_create(shop=shop, rating=2, text="Краска облупилась на ручке.")
    count = SituationRule.objects.for_shop(shop).count()
    page = manager_client.get(reverse("reviews:rule_create"))
    assert page.status_code == 200 and 'id="dry-run-button"' in page.content.decode()
    response = manager_client.post(
        reverse("reviews:rule_create"),
        {
            "situation": Situation.DEFECT,
            "phrases": "облупиться",
            "fuzzy": "on",
            "enabled": "on",
            "action": "dry_run",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="dry-run-new"' in body and "<mark>облупилась</mark>" in body
    assert SituationRule.objects.for_shop(shop).count() == count


def test_both_editors_are_one_page(shops, manager_client):
    review_services.situation_rules_install_defaults(shop=shops.mine)
    rule = question_services.decline_rule_create(
        shop=shops.mine, fields=rule_fields("Поставщики", ["поставщик"])
    )
    situation = SituationRule.objects.for_shop(shops.mine).first()
    for url in (
        reverse("questions:rule_edit", args=[rule.pk]),
        reverse("reviews:rule_edit", args=[situation.pk]),
    ):
        response = manager_client.get(url)
        assert next(t.name for t in response.templates) == "core/phrase_rule_edit.html"
        assert 'id="rule-form"' in response.content.decode()
    # A bad line is refused the same way by both kinds, and nothing is saved.
    for url, fields in (
        (
            reverse("questions:rule_create"),
            {"name": "X", "kind": "keywords", "text": "Здравствуйте!"},
        ),
        (reverse("reviews:rule_create"), {"situation": Situation.DEFECT}),
    ):
        response = manager_client.post(url, {**fields, "phrases": "!!!\n???", "action": "save"})
        assert response.status_code == 400
        assert "!!!, ???" in response.content.decode()
