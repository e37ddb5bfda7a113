"""One time zone per shop, on every page and in the exports: a known instant reads the same
local time everywhere — in Moscow (UTC+3, Russian UI) and in Shanghai (UTC+8, Chinese UI)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from chats.models import Conversation, Message
from questions.models import AutoDecision, Question
from reviews.models import Review
from sellerdesk.core.demo import DEMO_SHOPS, demo_login, demo_reset, demo_seed
from sellerdesk.core.models import Role, Shop
from sellerdesk.marketplaces.models import MarketplaceAccount, OutboundItem
from sellerdesk.replycheck.models import ShopPolicy
from sellerdesk.sla.models import Reminder, SlaClock, SlaEvent
from templates_lib.models import ReplyTemplate

INSTANT = datetime(2026, 3, 10, 12, 33, tzinfo=UTC)
UTC_TEXT = "12:33"
LOCAL = {"Europe/Moscow": ("15:33", "ru"), "Asia/Shanghai": ("20:33", "zh-hans")}


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo_seed()
    yield
    with django_db_blocker.unblock():
        demo_reset()


def _pin_every_time_to_the_instant(shop: Shop) -> None:
    Message.objects.for_shop(shop).update(created_at=INSTANT)
    Conversation.objects.for_shop(shop).update(last_message_at=INSTANT)
    Question.objects.for_shop(shop).update(created_at=INSTANT, answered_at=INSTANT)
    AutoDecision.objects.for_shop(shop).update(decided_at=INSTANT)
    Review.objects.for_shop(shop).update(created_at=INSTANT, answered_at=INSTANT)
    ReplyTemplate.objects.for_shop(shop).update(last_used_at=INSTANT)
    SlaClock.objects.for_shop(shop).update(
        period_started_at=INSTANT, sla_warn_at=INSTANT, sla_due_at=INSTANT
    )
    SlaEvent.objects.for_shop(shop).update(at=INSTANT)
    Reminder.objects.for_shop(shop).update(created_at=INSTANT)
    MarketplaceAccount.objects.filter(shop=shop).update(last_sync_at=INSTANT)
    OutboundItem.objects.filter(shop=shop).update(created_at=INSTANT)
    ShopPolicy.objects.filter(shop=shop).update(updated_at=INSTANT)


def _pages(shop: Shop) -> dict[str, str]:
    conversation = Conversation.objects.for_shop(shop).order_by("pk").first()
    question = Question.objects.for_shop(shop).order_by("pk").first()
    review = Review.objects.for_shop(shop).order_by("pk").first()
    clock = SlaClock.objects.for_shop(shop).order_by("pk").first()
    used = ReplyTemplate.objects.for_shop(shop).order_by("pk").first()
    return {
        "chat list": reverse("chats:inbox"),
        "conversation": reverse("chats:conversation", args=[conversation.pk]),
        "question list": reverse("questions:list") + "?status=all",
        "question": reverse("questions:detail", args=[question.pk]),
        "auto-decisions": reverse("questions:decisions"),
        "review list": reverse("reviews:list") + "?status=all",
        "review": reverse("reviews:detail", args=[review.pk]),
        "templates": reverse("templates_lib:list"),
        "template": reverse("templates_lib:edit", args=[used.pk]),
        "sla dashboard": reverse("sla:dashboard") + "?start=2026-03-01&end=2026-03-31",
        "sla clock": reverse("sla:clock", args=[clock.pk]),
        "reminders": reverse("sla:reminders"),
        "marketplace": reverse("marketplaces:account"),
        "policy": reverse("replycheck:policy_settings"),
        "sla csv": reverse("sla:export") + "?start=2026-03-01&end=2026-03-31",
    }


@pytest.mark.parametrize("spec", DEMO_SHOPS, ids=lambda spec: spec.time_zone)
def test_a_known_instant_reads_the_same_local_time_on_every_page(spec, demo_data, db):
    shop = Shop.objects.get(name=spec.name)
    Reminder.objects.get_or_create(
        shop=shop,
        user=get_user_model().objects.get(username=demo_login(spec, Role.ADMIN)),
        slot="2026-03-10 15:00",
        defaults={"text": "…"},
    )
    _pin_every_time_to_the_instant(shop)
    local, language = LOCAL[spec.time_zone]
    client = Client()
    client.force_login(get_user_model().objects.get(username=demo_login(spec, Role.ADMIN)))
    client.cookies["django_language"] = language

    wrong = {}
    for name, url in _pages(shop).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        if local not in body or UTC_TEXT in body:
            wrong[name] = url
    assert not wrong, f"pages not in {spec.time_zone} ({local}): {wrong}"


def test_chat_dates_follow_the_ui_language(demo_data, db):
    spec = next(spec for spec in DEMO_SHOPS if spec.time_zone == "Asia/Shanghai")
    shop = Shop.objects.get(name=spec.name)
    _pin_every_time_to_the_instant(shop)
    client = Client()
    client.force_login(get_user_model().objects.get(username=demo_login(spec, Role.SELLER)))
    pages = {}
    for language in ("zh-hans", "ru"):
        client.cookies["django_language"] = language
        pages[language] = client.get(reverse("chats:inbox")).content.decode()
    assert "3月10日 20:33" in pages["zh-hans"]
    assert "10.03 20:33" in pages["ru"] and "3月10日" not in pages["ru"]
