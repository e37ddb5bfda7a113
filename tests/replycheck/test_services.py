"""The server-side guard every reply box relies on, and per-shop rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sellerdesk.policy import Policy
from sellerdesk.replycheck.models import ShopPolicy
from sellerdesk.replycheck.selectors import shop_policy_get
from sellerdesk.replycheck.services import (
    ReplyBlocked,
    ReplyNeedsConfirmation,
    reply_check,
    reply_guard,
    shop_policy_update,
)

COMPLETE_RU = "Здравствуйте! Спасибо за вопрос. Плед можно стирать при 30 градусах. Хорошего дня!"
WITH_PHONE_RU = "Здравствуйте! Спасибо, что написали. Позвоните нам: +7 916 123-45-67, всё объясним. Хорошего дня!"
NO_GREETING_RU = "Спасибо за вопрос. Плед можно стирать при 30 градусах. Хорошего дня!"


def test_guard_lets_a_complete_reply_through(shops):
    report = reply_guard(shop=shops.mine, text=COMPLETE_RU, channel="question_answer")
    assert report.ok
    assert not report.findings


def test_guard_refuses_contacts_in_an_answer_and_carries_the_report(shops):
    with pytest.raises(ReplyBlocked) as caught:
        reply_guard(shop=shops.mine, text=WITH_PHONE_RU, channel="question_answer")
    assert isinstance(caught.value, ValidationError)
    codes = {f.code for f in caught.value.report.findings if f.severity == "error"}
    assert codes == {"contact_outside_chat"}
    # Confirming warnings never overrides an error.
    with pytest.raises(ReplyBlocked):
        reply_guard(
            shop=shops.mine, text=WITH_PHONE_RU, channel="question_answer", warnings_confirmed=True
        )


def test_guard_asks_to_confirm_warnings_and_accepts_the_confirmation(shops):
    with pytest.raises(ReplyNeedsConfirmation) as caught:
        reply_guard(shop=shops.mine, text=NO_GREETING_RU, channel="chat")
    assert isinstance(caught.value, ValidationError)
    assert "missing_greeting" in caught.value.report.codes()
    report = reply_guard(
        shop=shops.mine, text=NO_GREETING_RU, channel="chat", warnings_confirmed=True
    )
    assert "missing_greeting" in report.codes()


def test_contacts_in_chat_follow_each_shops_policy(shops):
    # Default rules: a chat may carry a phone number.
    assert reply_guard(shop=shops.mine, text=WITH_PHONE_RU, channel="chat").ok

    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": False}, user=None)
    with pytest.raises(ReplyBlocked):
        reply_guard(shop=shops.mine, text=WITH_PHONE_RU, channel="chat")
    # The other shop keeps its own (default) rules.
    assert reply_guard(shop=shops.other, text=WITH_PHONE_RU, channel="chat").ok

    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": True}, user=None)
    assert reply_guard(shop=shops.mine, text=WITH_PHONE_RU, channel="chat").ok


def test_extra_forbidden_words_and_severity_overrides_apply(shops):
    shop_policy_update(
        shop=shops.mine,
        data={
            "extra_forbidden_words": ["предоплата"],
            "severity_overrides": {"missing_greeting": "off"},
        },
        user=shops.users["manager"],
    )
    assert reply_guard(shop=shops.mine, text=NO_GREETING_RU, channel="chat").ok
    with pytest.raises(ReplyBlocked):
        reply_guard(shop=shops.mine, text=COMPLETE_RU + " Только предоплата.", channel="chat")
    record = ShopPolicy.objects.get(shop=shops.mine)
    assert record.updated_by == shops.users["manager"]


def test_bad_policy_is_refused_with_the_field_named_and_nothing_saved(shops):
    with pytest.raises(ValidationError) as caught:
        shop_policy_update(shop=shops.mine, data={"max_length": {"chat": -5}}, user=None)
    message = " ".join(caught.value.messages)
    assert "max_length.chat" in message and "Макс. длина" in message
    assert not ShopPolicy.objects.filter(shop=shops.mine).exists()


def test_policy_is_parsed_once_per_change(shops, django_assert_num_queries, monkeypatch):
    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": False}, user=None)
    first = shop_policy_get(shop=shops.mine)
    calls = []
    monkeypatch.setattr(Policy, "from_dict", classmethod(lambda cls, data: calls.append(data)))
    with django_assert_num_queries(1):  # only the freshness probe
        assert shop_policy_get(shop=shops.mine) is first
    assert calls == []


def test_messages_follow_the_interface_language(shops):
    with translation.override("zh-hans"):
        zh = reply_check(shop=shops.mine, text=NO_GREETING_RU, channel="chat")
    with translation.override("ru"):
        ru = reply_check(shop=shops.mine, text=NO_GREETING_RU, channel="chat")
    zh_message = next(f.message for f in zh.findings if f.code == "missing_greeting")
    ru_message = next(f.message for f in ru.findings if f.code == "missing_greeting")
    assert zh_message != ru_message
    assert any("\u4e00" <= char <= "\u9fff" for char in zh_message)
    with translation.override("zh-hans"), pytest.raises(ReplyNeedsConfirmation) as caught:
        reply_guard(shop=shops.mine, text=NO_GREETING_RU, channel="chat")
    assert zh_message in caught.value.messages[0]


def test_unknown_channel_is_a_programming_error(shops):
    with pytest.raises(ValueError):
        reply_check(shop=shops.mine, text=COMPLETE_RU, channel="email")


def test_live_check_may_reuse_a_fresh_policy_but_the_guard_never_does(
    shops, django_assert_num_queries
):
    from sellerdesk.replycheck.services import reply_check_with_policy

    reply_check_with_policy(shop=shops.mine, text=COMPLETE_RU, channel="chat", policy_max_age=60)
    with django_assert_num_queries(0):
        reply_check_with_policy(
            shop=shops.mine, text=COMPLETE_RU, channel="chat", policy_max_age=60
        )
    with django_assert_num_queries(1):
        reply_guard(shop=shops.mine, text=COMPLETE_RU, channel="chat")
    # Saving rules in this process is seen at once, even by the live check.
    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": False}, user=None)
    report, policy = reply_check_with_policy(
        shop=shops.mine, text=WITH_PHONE_RU, channel="chat", policy_max_age=60
    )
    assert policy.allow_contacts_in_chat is False
    assert not report.ok


def test_unreadable_stored_rules_fall_back_to_defaults_and_are_reported(shops):
    from sellerdesk.replycheck.selectors import shop_policy_problem

    ShopPolicy.objects.create(shop=shops.mine, data={"max_length": {"chat": "long"}})
    assert reply_guard(shop=shops.mine, text=COMPLETE_RU, channel="chat").ok
    assert "max_length.chat" in shop_policy_problem(shop=shops.mine)
