from __future__ import annotations

import pytest
from django.urls import reverse

from questions.selectors import rules_dry_run
from tests.questions.conftest import POLITE_DECLINE, ask

pytestmark = pytest.mark.django_db


def _rules(*rules):
    return {
        "rules": [{"exclude": [], "fuzzy": False, "kind": "keywords", **rule} for rule in rules]
    }


def test_dry_run_shows_new_and_stopped_declines(shops, supplier_rule):
    supplier = ask(shops.mine, "Кто ваш поставщик?")
    rival = ask(shops.mine, "А у конкурентов дешевле")
    ask(shops.mine, "Какой размер?")
    edited = _rules({"name": "Конкуренты", "phrases": ["конкурент"]})
    result = rules_dry_run(shop=shops.mine, edited_data=edited)
    assert result.sample_size == 3
    assert [(row.item_id, row.label, row.highlight) for row in result.newly_matched] == [
        (rival.pk, "Конкуренты", "конкурентов")
    ]
    assert [(row.item_id, row.label) for row in result.no_longer_matched] == [
        (supplier.pk, "Поставщики")
    ]


def test_dry_run_sample_is_latest_n(shops, supplier_rule):
    ask(shops.mine, "Кто ваш поставщик?")
    ask(shops.mine, "Какой размер?")
    result = rules_dry_run(
        shop=shops.mine, edited_data=_rules({"name": "x", "phrases": ["поставщик"]}), sample_size=1
    )
    assert result.sample_size == 1 and result.matched == []


def test_dry_run_panel_in_editor(shops, supplier_rule, manager_client):
    ask(shops.mine, "Кто ваш поставщик?")
    ask(shops.mine, "Где вы закупаете и кто поставщик?")
    ask(shops.mine, "Есть в других магазинах?")
    url = reverse("questions:rule_edit", args=[supplier_rule.pk])
    response = manager_client.post(
        url,
        {
            "action": "dry_run",
            "name": "Поставщики",
            "phrases": "магазин",
            "kind": "keywords",
            "enabled": "on",
            "text": POLITE_DECLINE,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>магазинах</mark>" in body
    assert "<mark>поставщик</mark>" in body  # what it would stop declining
    assert "<html" not in body  # the partial only
    supplier_rule.refresh_from_db()
    assert supplier_rule.phrases == "поставщик\nгде закупаете"  # a dry run saves nothing


def test_dry_run_reports_invalid_phrase(shops, manager_client):
    response = manager_client.post(
        reverse("questions:rule_create"),
        {
            "action": "dry_run",
            "name": "Пусто",
            "phrases": "!!!",
            "kind": "keywords",
            "enabled": "on",
            "text": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
