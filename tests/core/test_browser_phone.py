"""Every main page on a phone (390×844): nothing wider than the screen, the inbox one pane at a
time. Screenshots land in var/screenshots/phone/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from chats.models import Conversation
from questions.models import Question
from reviews.models import Review
from sellerdesk.core.demo import DEMO_PASSWORD, DEMO_SHOPS, demo_login, demo_seed
from sellerdesk.core.models import Role, Shop
from sellerdesk.sla.models import SlaClock
from templates_lib.models import ReplyTemplate
from tests.conftest import browser_login

pytestmark = pytest.mark.browser

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "phone"
PHONE = {"width": 390, "height": 844}


def _pages(shop: Shop) -> dict[str, str]:
    first = {
        model: model.objects.for_shop(shop).order_by("pk").values_list("pk", flat=True).first()
        for model in (Conversation, Question, Review, ReplyTemplate, SlaClock)
    }
    return {
        "chats": reverse("chats:inbox"),
        "conversation": reverse("chats:conversation", args=[first[Conversation]]),
        "questions": reverse("questions:list"),
        "question": reverse("questions:detail", args=[first[Question]]),
        "decline-rules": reverse("questions:rules"),
        "reviews": reverse("reviews:list"),
        "review": reverse("reviews:detail", args=[first[Review]]),
        "review-settings": reverse("reviews:settings"),
        "templates": reverse("templates_lib:list"),
        "template": reverse("templates_lib:edit", args=[first[ReplyTemplate]]),
        "sla": reverse("sla:dashboard"),
        "sla-clock": reverse("sla:clock", args=[first[SlaClock]]),
        "sla-settings": reverse("sla:policies"),
        "reminders": reverse("sla:reminders"),
        "marketplace": reverse("marketplaces:account"),
        "policy": reverse("replycheck:policy_settings"),
        "members": reverse("core:member_list"),
    }


def _overflow(page) -> dict:
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1 && el.getClientRects().length)
            .slice(0, 5).map(el => el.tagName + '.' + el.className + '#' + el.id);
          return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )


@pytest.mark.parametrize("spec", DEMO_SHOPS, ids=lambda spec: spec.key)
def test_every_main_page_fits_a_phone(page, spec):
    demo_seed()
    shop = Shop.objects.get(name=spec.name)
    page.set_viewport_size(PHONE)
    browser_login(page, demo_login(spec, Role.ADMIN), DEMO_PASSWORD)
    SHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}
    for name, url in _pages(shop).items():
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{spec.key}-{name}.png"))
        measured = _overflow(page)
        if measured["scroll"] > measured["width"]:
            too_wide[name] = measured
    assert not too_wide, too_wide


def test_phone_inbox_shows_one_pane_at_a_time(page):
    demo_seed()
    spec = DEMO_SHOPS[0]
    page.set_viewport_size(PHONE)
    browser_login(page, demo_login(spec, Role.SELLER), DEMO_PASSWORD)
    page.goto(page.base_url + reverse("chats:inbox"))
    rows = page.locator("#conversation-list > [data-conv-row]")
    expect(rows.first).to_be_visible()
    expect(page.locator(".chats-thread-pane")).to_be_hidden()

    buyer = rows.first.locator(".conv-buyer").inner_text()
    rows.first.click()
    expect(page.locator("#thread h2")).to_have_text(buyer)
    expect(page.locator(".chats-list-pane")).to_be_hidden()
    expect(page.locator("#reply-text")).to_be_visible()

    page.locator("#thread .thread-back").click()
    expect(rows.first).to_be_visible()
    expect(page.locator(".chats-thread-pane")).to_be_hidden()
