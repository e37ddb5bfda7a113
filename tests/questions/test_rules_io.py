"""Rules files: import is all-or-nothing with messages naming the rule and the field."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questions import services
from questions.models import DeclineRule
from tests.questions.conftest import BROKEN_REPLY, POLITE_DECLINE

pytestmark = pytest.mark.django_db


def _rule(name, phrases, **extra):
    return {
        "name": name,
        "phrases": phrases,
        "exclude": [],
        "fuzzy": False,
        "kind": "keywords",
        **extra,
    }


def test_export_then_import_round_trip(shops, supplier_rule):
    data = services.rules_export(shop=shops.mine)
    assert data == {
        "rules": [
            {
                "name": "Поставщики",
                "phrases": ["поставщик", "где закупаете"],
                "exclude": [],
                "fuzzy": False,
                "kind": "keywords",
                "enabled": True,
                "reply": POLITE_DECLINE,
            }
        ]
    }
    services.rules_import(shop=shops.other, data=json.dumps(data))
    assert services.rules_export(shop=shops.other) == data


def test_import_without_reply_uses_standard_reason(shops):
    services.rules_import(shop=shops.mine, data={"rules": [_rule("Склад", ["склад"])]})
    assert DeclineRule.objects.get(shop=shops.mine).reply_text == POLITE_DECLINE


@pytest.mark.parametrize(
    ("bad_rule", "field"),
    [
        (_rule("Мат", ["поставщик"], kind="swearing"), "kind"),
        (_rule("Склад", "склад"), "phrases"),
        (_rule("Склад", ["склад"], reply=BROKEN_REPLY), "reply"),
    ],
)
def test_bad_file_names_rule_and_field_and_saves_nothing(
    shops, supplier_rule, manager_client, bad_rule, field
):
    data = {"rules": [_rule("Хорошее", ["конкурент"]), bad_rule]}
    upload = SimpleUploadedFile(
        "rules.json", json.dumps(data, ensure_ascii=False).encode(), "application/json"
    )
    response = manager_client.post(reverse("questions:rules_import"), {"file": upload})
    assert response.status_code == 400
    errors = " ".join(
        re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S)
    )
    assert f"2 («{bad_rule['name']}»)" in errors  # the rule, by number and name
    assert f"«{field}»" in errors  # the field
    # Nothing from the file was saved; the old rules are untouched.
    assert list(DeclineRule.objects.for_shop(shops.mine).values_list("name", flat=True)) == [
        "Поставщики"
    ]


def test_not_json_is_refused(shops, supplier_rule):
    with pytest.raises(services.RulesImportError):
        services.rules_import(shop=shops.mine, data=b"{not json")
    assert DeclineRule.objects.for_shop(shops.mine).count() == 1


def test_export_view_downloads_json(manager_client, supplier_rule):
    response = manager_client.get(reverse("questions:rules_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["rules"][0]["name"] == "Поставщики"
