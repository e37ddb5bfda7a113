"""The live check panel, the playground and the managers' rules page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sellerdesk.core.models import Role
from sellerdesk.replycheck.models import ShopPolicy
from sellerdesk.replycheck.services import ReplyBlocked, reply_guard, shop_policy_update

PHONE = "+7 916 123-45-67"
WITH_PHONE = f"Здравствуйте! Спасибо за вопрос. Позвоните {PHONE}, всё расскажем. Хорошего дня!"
NO_GREETING = "Спасибо за вопрос. Плед можно стирать при 30 градусах. Хорошего дня!"


def _live(client, text, channel="chat", **extra):
    data = {"text": text, "channel": channel, "field_id": "reply-text", **extra}
    return client.post(reverse("replycheck:live"), data, headers={"HX-Request": "true"})


def test_live_check_marks_the_contact_and_offers_to_remove_it(seller_client):
    response = _live(seller_client, WITH_PHONE, channel="question_answer")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<mark class="mark-error"[^>]*>\s*' + re.escape(PHONE), html), html
    assert 'data-code="contact_outside_chat"' in html
    start = WITH_PHONE.index(PHONE)
    assert f'data-action="remove" data-text="" data-start="{start}"' in html
    assert "Контакты" in html  # the message is in the interface language (Russian)
    assert 'name="warnings_confirmed"' not in html  # errors cannot be confirmed away


def test_live_check_lists_missing_greeting_with_a_fix_and_the_confirm_box(seller_client):
    html = _live(seller_client, NO_GREETING).content.decode()
    assert 'data-part="greeting"' in html and "part-missing" in html
    assert 'data-code="missing_greeting"' in html
    assert 'data-action="insert" data-text="Здравствуйте! " data-start="0"' in html
    assert 'name="warnings_confirmed"' in html
    # Parts a chat does not need are not in its checklist.
    assert 'data-part="reason"' not in html


def test_live_check_shows_decline_parts_only_for_declines(seller_client):
    html = _live(
        seller_client, "Здравствуйте! Спасибо за вопрос.", channel="question_decline"
    ).content
    assert b'data-part="reason"' in html and b'data-part="alternative"' in html


def test_live_check_keeps_the_confirmation_ticked(seller_client):
    html = _live(seller_client, NO_GREETING, warnings_confirmed="1").content.decode()
    assert re.search(r'name="warnings_confirmed" value="1"\s+checked', html)


def test_live_check_is_empty_for_an_empty_box_and_rejects_bad_input(seller_client):
    assert _live(seller_client, "   ").content == b""
    assert _live(seller_client, "Привет", channel="email").status_code == 400
    assert seller_client.get(reverse("replycheck:live")).status_code == 405


def test_live_check_uses_the_shops_rules_with_few_queries(
    shops, seller_client, django_assert_max_num_queries
):
    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": False}, user=None)
    _live(seller_client, WITH_PHONE)  # warm the per-process policy cache
    # session, user, membership; the freshness probe is skipped within LIVE_POLICY_MAX_AGE
    with django_assert_max_num_queries(3):
        html = _live(seller_client, WITH_PHONE).content.decode()
    assert 'data-code="contact_outside_chat"' in html


def test_playground_works_without_javascript(seller_client):
    page = seller_client.get(reverse("replycheck:playground"))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="reply-text"' in body and 'hx-post="/check/live/"' in body
    assert "Проверка ответа" in body  # the menu entry

    response = seller_client.post(
        reverse("replycheck:playground"),
        {"channel": "question_answer", "buyer_name": "", "text": WITH_PHONE},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "replycheck-static" in html and 'data-code="contact_outside_chat"' in html
    assert PHONE in html  # the draft is kept in the box


def test_refusal_include_renders_the_report(shops, rf):
    from django.template.loader import render_to_string

    with pytest.raises(ReplyBlocked) as caught:
        reply_guard(shop=shops.mine, text=WITH_PHONE, channel="review_reply")
    html = render_to_string("replycheck/findings.html", {"report": caught.value.report})
    assert "finding-error" in html and 'data-code="contact_outside_chat"' in html


def test_manager_changes_rules_through_the_form(shops, manager_client, seller_client):
    url = reverse("replycheck:policy_settings")
    page = manager_client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: value
        for name, value in ((f.html_name, f.value()) for f in form)
        if value not in (None, False, "")
    }
    data.pop("allow_contacts_in_chat", None)  # untick: no contacts in chat
    data["extra_forbidden_words"] = "предоплата\nперевод на карту"
    data["severity_review_reply_missing_closing"] = "off"
    data["severity_chat_blame"] = "error"
    data["max_length_chat"] = "500"
    response = manager_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""

    stored = ShopPolicy.objects.get(shop=shops.mine)
    assert stored.data["allow_contacts_in_chat"] is False
    assert stored.data["extra_forbidden_words"] == ["предоплата", "перевод на карту"]
    assert stored.data["channel_severity"]["review_reply"] == {"missing_closing": "off"}
    assert stored.data["channel_severity"]["chat"] == {"blame": "error"}
    assert stored.data["max_length"]["chat"] == 500
    assert stored.updated_by == shops.users[Role.MANAGER]
    html = _live(seller_client, WITH_PHONE).content.decode()
    assert 'data-code="contact_outside_chat"' in html

    assert seller_client.get(url).status_code == 403


def test_bad_rules_get_a_clear_message_and_nothing_is_lost(shops, manager_client):
    url = reverse("replycheck:policy_settings")
    form = manager_client.get(url).context["form"]
    data = {f.html_name: f.value() for f in form if f.value() not in (None, False, "")}
    data["allowed_domains"] = "wildberries.ru\nэто не домен!"
    data["extra_forbidden_words"] = "предоплата"
    data["max_length_review_reply"] = "0"
    response = manager_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Правила не сохранены" in html
    assert "Строка 2" in html and "это не домен!" in html
    assert "предоплата" in html  # what the manager typed is still there
    assert not ShopPolicy.objects.filter(shop=shops.mine).exists()


def test_live_check_speaks_the_interface_language(seller_client):
    seller_client.cookies["django_language"] = "zh-hans"
    html = _live(seller_client, NO_GREETING).content.decode()
    assert "警告" in html  # group title from this app's catalogue
    assert "添加问候语" in html  # the fix button
    assert "Нет приветствия" not in html  # the engine's message follows the UI language too


def test_settings_page_lists_every_check_with_its_default_and_a_choice_per_channel(
    shops, manager_client
):
    from sellerdesk.policy import CHANNELS, REGISTRY

    html = manager_client.get(reverse("replycheck:policy_settings")).content.decode()
    for check in REGISTRY:
        assert f'data-code="{check.code}"' in html, check.code
        if check.overridable:
            for channel in CHANNELS:
                assert f'name="severity_{channel}_{check.code}"' in html
    # Marketplaces forbid rating requests outright: shown, but not for a shop to lower.
    assert 'name="severity_chat_rating_manipulation"' not in html
    assert "Грубость по отношению к покупателю" in html  # the rude check, in Russian
    assert "Предупреждение: нужно подтверждение" in html  # blame's default, translated


def test_a_severity_set_for_one_channel_applies_there_only(shops, manager_client):
    url = reverse("replycheck:policy_settings")
    form = manager_client.get(url).context["form"]
    data = {
        name: value
        for name, value in ((f.html_name, f.value()) for f in form)
        if value not in (None, False, "")
    }
    data["severity_chat_blame"] = "error"
    data["severity_review_reply_blame"] = "off"
    assert manager_client.post(url, data).status_code == 302

    text = "Здравствуйте! Сами виноваты, размер указан в карточке. Хорошего дня!"
    with pytest.raises(ReplyBlocked):
        reply_guard(shop=shops.mine, text=text, channel="chat")
    report = reply_guard(
        shop=shops.mine, text=text, channel="review_reply", warnings_confirmed=True
    )
    assert "blame" not in report.codes()
    # The other channels keep the default: a warning to confirm.
    report = reply_guard(
        shop=shops.mine, text=text, channel="question_answer", warnings_confirmed=True
    )
    assert [f.severity for f in report.findings if f.code == "blame"] == ["warning"]
