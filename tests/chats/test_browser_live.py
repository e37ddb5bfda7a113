"""The inbox updates itself in a real Chromium: buyer messages and sent replies, no reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from chats import services
from sellerdesk.core.models import Role
from tests.chats.helpers import conversation_with
from tests.conftest import browser_login
from tests.factories import ProductFactory, ShopFactory, member

pytestmark = pytest.mark.browser

WASHING_REPLY = (
    "Здравствуйте, Борис! Спасибо за вопрос. Плед можно стирать в машинке при 30 градусах. "
    "Хорошего дня!"
)


@pytest.fixture
def inbox(page):
    shop = ShopFactory(name="Уютный дом")
    member(shop, Role.SELLER, username="olga-live")
    kettle = ProductFactory(shop=shop, sku="WB-150320", name="Чайник стеклянный")
    boris = conversation_with(shop, buyer="Борис", texts=("Можно ли стирать плед?",))
    anna = conversation_with(shop, buyer="Анна", product=kettle, texts=("Чайник с трещиной.",))
    browser_login(page, "olga-live")
    return {"shop": shop, "anna": anna, "boris": boris}


def _first_row(page):
    return page.locator("#conversation-list > [data-conv-row]").first


def test_buyer_messages_appear_without_reload(page, inbox):
    anna, boris = inbox["anna"], inbox["boris"]
    page.goto(page.base_url + f"/chats/{anna.pk}/")
    expect(page.locator("#thread h2")).to_have_text("Анна")
    expect(_first_row(page)).to_contain_text("Анна")
    expect(page.locator("#inbox-unread")).to_have_text("1")  # Борис; Анна was read on opening
    page.evaluate("window.__loaded = true")  # gone if the page reloads

    # A message into a conversation in the list: its row moves to the top, counters follow.
    services.buyer_message_receive(conversation=boris, text="Ответьте, пожалуйста, про плед")
    expect(_first_row(page)).to_contain_text("Ответьте, пожалуйста, про плед")
    expect(_first_row(page)).to_contain_text("Борис")
    expect(page.locator("#inbox-unread")).to_have_text("1 · 2")
    expect(page).to_have_title(re.compile(r"^\(2\) "))
    expect(page.locator(".shell-nav [data-live-badge]")).to_have_text("1")

    # A message into the open conversation appears in the thread (and counts as read).
    services.buyer_message_receive(conversation=anna, text="И крышка не закрывается")
    expect(page.locator("#thread-messages .msg-in").last).to_contain_text("И крышка не закрывается")
    expect(_first_row(page)).to_contain_text("Анна")
    expect(page.locator("#inbox-unread")).to_have_text("1 · 2")
    assert page.evaluate("window.__loaded") is True


def test_the_row_of_a_sent_reply_updates(page, inbox):
    anna = inbox["anna"]
    page.goto(page.base_url + f"/chats/{inbox['boris'].pk}/")
    boris_row = page.locator(f"#conv-row-{inbox['boris'].pk}")
    expect(boris_row.locator(".sla-badge")).to_have_count(1)
    expect(_first_row(page)).to_contain_text("Анна")

    page.fill("#reply-text", WASHING_REPLY)
    page.click("#reply-send")
    expect(page.locator("#thread-messages .msg-out")).to_have_count(1)

    # The row moves up with the reply's excerpt and loses its SLA badge, without a reload.
    expect(_first_row(page)).to_contain_text("Борис")
    expect(boris_row).to_contain_text("Плед можно стирать в машинке")
    expect(boris_row.locator(".sla-badge")).to_have_count(0)
    expect(page.locator(f"#conv-row-{anna.pk}")).to_contain_text("Чайник с трещиной.")


def test_the_conversation_keeps_half_the_pane_while_findings_pile_up(page, inbox):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + f"/chats/{inbox['anna'].pk}/")
    page.fill(
        "#reply-text",
        "Пиши мне в телеграм @shop_help или звони +7 999 123-45-67, идиот, гарантируем 100% "
        "вернём деньги завтра, поставь 5 звёзд и удали отзыв",
    )
    expect(page.locator(".replycheck-live .finding").first).to_be_visible()
    heights = page.evaluate(
        """() => ({
          pane: document.getElementById('thread').clientHeight,
          header: document.querySelector('.thread-header').offsetHeight,
          messages: document.getElementById('thread-messages').clientHeight,
        })"""
    )
    assert heights["messages"] >= (heights["pane"] - heights["header"]) / 2, heights
