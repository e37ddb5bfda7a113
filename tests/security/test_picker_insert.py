"""The picker insert (POST /templates/picker/insert/): hostile values are refused at the
boundary with a translated message; nothing is counted as used."""

from __future__ import annotations

import json

from django.urls import reverse

from sellerdesk.core.models import Role
from templates_lib.models import ReplyTemplate
from tests.security._hostile import DEEP_BRACKETS, LONG_NUMBER, MEGABYTE_NAME, SELF_JOIN_BODY
from tests.templates_lib.factories import ReplyTemplateFactory


def _insert(client, template, variables: str, language: str = "ru"):
    return client.post(
        reverse("templates_lib:picker_insert"),
        {"template": template.pk, "channel": "chat", "variables": variables},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def _self_join(shops) -> ReplyTemplate:
    return ReplyTemplateFactory(
        shop=shops.mine, owner=shops.users[Role.SELLER], name="Эхо", body=SELF_JOIN_BODY
    )


def test_a_megabyte_buyer_name_is_refused_with_a_message(shops, seller_client):
    template = _self_join(shops)
    response = _insert(seller_client, template, json.dumps({"buyer_name": MEGABYTE_NAME}))
    assert response.status_code == 400
    assert response.json()["error"] == (
        "«Имя покупателя» длиннее 200 символов: сократите и попробуйте снова."
    )
    template.refresh_from_db()
    assert template.usage_count == 0


def test_a_name_at_the_limit_cannot_make_the_self_join_template_explode(shops, seller_client):
    template = _self_join(shops)
    response = _insert(seller_client, template, json.dumps({"buyer_name": "Б" * 200}), "en")
    assert response.status_code == 422
    assert "builds a text longer than 5000 characters" in response.json()["error"]
    ok = _insert(seller_client, template, json.dumps({"buyer_name": "Анна"}))
    assert ok.status_code == 200 and len(ok.json()["text"]) == 1200


def test_deep_odd_or_oversized_json_is_a_400_with_a_message(shops, seller_client):
    template = _self_join(shops)
    for raw in (
        DEEP_BRACKETS,
        '{"buyer_name": ' + LONG_NUMBER + "}",
        '{"buyer_name": NaN}',
        '{"buyer_name": {"a": 1}}',
        '{"buyer_name": true}',
        "[]",
        '{"buyer_name": "' + "а" * 20_000 + '"}',
    ):
        response = _insert(seller_client, template, raw, "en")
        assert response.status_code == 400, raw[:40]
        assert response.json()["error"] in {
            "The reply box sent values the server cannot read.",
            "“Buyer's name” is longer than 200 characters: shorten it and try again.",
        }


def test_a_missing_or_bad_template_id_is_a_400(shops, seller_client):
    for template_id in ("", "abc", LONG_NUMBER, "-1"):
        response = seller_client.post(
            reverse("templates_lib:picker_insert"),
            {"template": template_id, "variables": "{}"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "error" in response.json()
