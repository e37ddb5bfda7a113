"""The inbox in a real Chromium: counters, search, grouping, replies with files, refusals."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from chats import services
from chats.demo import demo_pdf
from chats.models import Direction, Message
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.models import OutboundState
from sellerdesk.marketplaces.services import outbox_deliver
from sellerdesk.replycheck.services import shop_policy_update
from tests.chats.helpers import GOOD_REPLY, conversation_with
from tests.conftest import browser_login
from tests.factories import ProductFactory, ShopFactory, member

pytestmark = pytest.mark.browser


@pytest.fixture
def inbox(page):
    shop = ShopFactory(name="Уютный дом")
    member(shop, Role.SELLER, username="olga-chats")
    plaid = ProductFactory(shop=shop, sku="WB-118871", name="Плед флисовый")
    kettle = ProductFactory(shop=shop, sku="WB-150320", name="Чайник стеклянный")
    anna = conversation_with(
        shop, buyer="Анна", product=kettle, texts=("Здравствуйте! Чайник пришёл с трещиной.",)
    )
    boris = conversation_with(
        shop, buyer="Борис Орлов", product=plaid, texts=("Можно ли стирать плед?",)
    )
    vera = conversation_with(shop, buyer="Вера", product=plaid, texts=("Есть плед побольше?",))
    services.conversation_mark_read(conversation=vera)
    browser_login(page, "olga-chats")
    return {"shop": shop, "anna": anna, "boris": boris, "vera": vera}


def _open(page, name: str) -> None:
    page.locator("[data-conv-row]", has_text=name).click()
    expect(page.locator("#thread h2")).to_have_text(name)


def test_unread_counter_drops_after_opening_a_conversation(page, inbox):
    page.goto(page.base_url + "/chats/?tab=unread")
    counter = page.locator("#inbox-unread")
    expect(counter).to_have_text("2")
    expect(page).to_have_title(re.compile(r"^\(2\) Чаты"))
    expect(page.locator("[data-conv-row]")).to_have_count(2)

    _open(page, "Анна")

    expect(counter).to_have_text("1")
    expect(page).to_have_title(re.compile(r"^\(1\) Чаты"))
    expect(page.locator(".shell-nav [data-live-badge]")).to_have_text("1")


def test_search_by_sku_and_by_buyer_name(page, inbox):
    page.goto(page.base_url + "/chats/")
    page.fill("#chat-q", "150320")
    rows = page.locator("[data-conv-row]")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Анна")
    expect(rows.first.locator("mark")).to_have_text("150320")

    page.fill("#chat-q", "орлов")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("mark")).to_have_text("Орлов")
    assert "q=" in page.url  # the search is in the address, so reload and back keep it


def test_group_by_product(page, inbox):
    page.goto(page.base_url + "/chats/")
    page.check("#chat-group")
    plaid = page.locator(".conv-group", has_text="WB-118871")
    expect(plaid.locator(".conv-group-title .count").first).to_have_text("2")
    expect(plaid.locator("[data-conv-row]")).to_have_count(2)
    expect(
        page.locator(".conv-group", has_text="WB-150320").locator("[data-conv-row]")
    ).to_have_count(1)


def test_reply_with_a_pdf_is_sent(page, inbox, monkeypatch):
    # No Celery worker here: the outbox delivers right after commit, as the worker would.
    monkeypatch.setattr(
        "sellerdesk.marketplaces.services._publish",
        lambda item_id, countdown: outbox_deliver(item_id=item_id),
    )
    page.goto(page.base_url + "/chats/")
    _open(page, "Анна")
    page.fill("#reply-text", GOOD_REPLY)
    page.set_input_files(
        "#reply-files",
        files=[
            {"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": demo_pdf("invoice")}
        ],
    )
    page.click("#reply-send")

    sent = page.locator(".msg-out").last
    expect(sent).to_contain_text("Заказ уже в пути")
    expect(sent.locator(".msg-file")).to_contain_text("invoice.pdf")
    expect(sent.locator("[data-delivery]")).to_contain_text("Доставлено", timeout=10_000)
    expect(page.locator("#reply-text")).to_have_value("")
    message = Message.objects.get(direction=Direction.OUTGOING)
    assert message.outbound.state == OutboundState.SENT
    assert message.attachments.get().content_type == "application/pdf"


def test_policy_warning_when_the_greeting_is_missing(page, inbox):
    page.goto(page.base_url + "/chats/")
    _open(page, "Анна")
    page.fill("#reply-text", "Спасибо за вопрос. Замену отправим завтра. Хорошего дня!")
    expect(page.locator('.replycheck-live .finding[data-code="missing_greeting"]')).to_be_visible()


def test_send_refused_when_the_shop_forbids_contacts_in_chat(page, inbox):
    shop_policy_update(shop=inbox["shop"], data={"allow_contacts_in_chat": False})
    page.goto(page.base_url + "/chats/")
    _open(page, "Анна")
    text = "Здравствуйте, Анна! Спасибо за вопрос. Позвоните нам: +7 916 123-45-67. Хорошего дня!"
    page.fill("#reply-text", text)
    expect(page.locator(".replycheck-live .finding-error").first).to_be_visible()
    page.click("#reply-send")

    expect(page.locator("#reply-text-errors")).to_be_visible()
    expect(page.locator("#reply-text")).to_have_value(text)
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()


def test_fake_pdf_is_refused_and_the_text_is_kept(page, inbox):
    page.goto(page.base_url + "/chats/")
    _open(page, "Анна")
    page.fill("#reply-text", GOOD_REPLY)
    page.set_input_files(
        "#reply-files",
        files=[
            {
                "name": "contract.pdf",
                "mimeType": "application/pdf",
                "buffer": b"not a pdf at all\n" * 20,
            }
        ],
    )
    page.click("#reply-send")

    errors = page.locator("#reply-text-errors")
    expect(errors).to_contain_text("contract.pdf")
    expect(errors).to_contain_text("не настоящий")
    expect(page.locator("#reply-text")).to_have_value(GOOD_REPLY)
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()


def test_keyboard_moves_between_conversations_and_focuses_search(page, inbox):
    page.goto(page.base_url + "/chats/")
    page.locator("body").press("j")
    page.keyboard.press("j")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Борис" in focused
    page.keyboard.press("Enter")
    expect(page.locator("#thread h2")).to_have_text("Борис Орлов")
    page.keyboard.press("/")
    expect(page.locator("#chat-q")).to_be_focused()


def test_search_inside_a_conversation_steps_with_enter(page, inbox):
    conversation = conversation_with(
        inbox["shop"],
        buyer="Глеб",
        texts=("Где посылка?", "Жду ответа", "Посылка так и не пришла", "Алло"),
    )
    page.goto(page.base_url + f"/chats/{conversation.pk}/")
    page.fill("#thread-find-q", "посылка")
    page.keyboard.press("Enter")
    expect(page.locator("#hit-counter")).to_have_text("1 / 2")
    expect(page.locator(".msg-hit")).to_contain_text("так и не пришла")
    page.focus("#thread-find-q")
    page.keyboard.press("Enter")
    expect(page.locator("#hit-counter")).to_have_text("2 / 2")
    expect(page.locator(".msg-hit")).to_contain_text("Где посылка?")
