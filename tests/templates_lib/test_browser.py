"""Templates in a real Chromium: the editor (variable, live preview, blocked save) and the
picker in the chat reply box (/ to open, insert at the cursor, send refused while a
variable is unresolved)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from chats.models import Direction, Message
from sellerdesk.core.models import Role
from templates_lib import services
from templates_lib.models import ReplyTemplate
from tests.chats.helpers import conversation_with
from tests.conftest import browser_login
from tests.factories import ProductFactory, ShopFactory, member

pytestmark = pytest.mark.browser

DELIVERY_BODY = (
    "Здравствуйте, {{ buyer_name }}! Спасибо за обращение. Заказ № {{ order_number }} "
    "с товаром «{{ product_name }}» уже в пути. Хорошего дня!"
)


@pytest.fixture
def shop(page):
    shop = ShopFactory(name="Уютный дом")
    member(shop, Role.MANAGER, username="igor-templates")
    member(shop, Role.SELLER, username="olga-templates")
    return shop


def test_create_a_template_with_a_variable_and_live_preview(page, shop):
    browser_login(page, "olga-templates")
    page.goto(page.base_url + "/templates/new/")
    page.fill("#id_name", "Спасибо за вопрос")
    page.fill("#id_body", "Здравствуйте, ")
    page.click('[data-insert-variable="buyer_name"]')  # inserted at the cursor
    page.type("#id_body", "! Спасибо за вопрос. Ответим сегодня. Хорошего дня!")
    expect(page.locator("#id_body")).to_have_value(
        "Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. Ответим сегодня. Хорошего дня!"
    )
    # the preview renders the variable on sample data and checks the chat channel
    expect(page.locator("[data-preview-text]")).to_have_text(
        "Здравствуйте, Анна! Спасибо за вопрос. Ответим сегодня. Хорошего дня!"
    )
    expect(
        page.locator('.tpl-channel-check[data-channel="chat"] .replycheck-findings')
    ).to_be_visible()
    page.get_by_role("button", name="Сохранить").click()

    expect(page.locator(".message-success")).to_be_visible()
    template = ReplyTemplate.objects.get()
    assert template.body.startswith("Здравствуйте, {{ buyer_name }}!")
    assert template.owner.username == "olga-templates" and template.channels == ["chat"]


def test_syntax_error_shows_line_and_column(page, shop):
    browser_login(page, "olga-templates")
    page.goto(page.base_url + "/templates/new/")
    page.fill("#id_body", "Здравствуйте!\n{{ buyer_name }")
    problem = page.locator(".tpl-problems .tpl-problem[data-line]")
    expect(problem).to_contain_text("2")
    expect(problem).to_have_attribute("data-column", "15")


def test_save_blocked_by_a_policy_error(page, shop):
    browser_login(page, "igor-templates")
    page.goto(page.base_url + "/templates/new/")
    page.fill("#id_name", "Отзыв с телефоном")
    page.check('input[name="channels"][value="review_reply"]')
    page.uncheck('input[name="channels"][value="chat"]')
    page.fill(
        "#id_body",
        "Здравствуйте, {{ buyer_name }}! Спасибо за отзыв. Позвоните нам: +7 916 123-45-67. Хорошего дня!",
    )
    checked = page.locator('.tpl-channel-check[data-channel="review_reply"]')
    expect(checked.locator(".finding-error").first).to_be_visible()
    page.get_by_role("button", name="Сохранить").click()

    expect(page.locator("#template-form .errorlist")).to_be_visible()
    expect(page.locator("#id_body")).to_have_value(
        "Здравствуйте, {{ buyer_name }}! Спасибо за отзыв. Позвоните нам: +7 916 123-45-67. Хорошего дня!"
    )
    assert not ReplyTemplate.objects.exists()


@pytest.fixture
def chat(page, shop, monkeypatch):
    # No Celery worker here: delivery is not what these tests look at.
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    kettle = ProductFactory(shop=shop, sku="WB-150320", name="Чайник стеклянный")
    conversation_with(shop, buyer="Анна", product=kettle, texts=("Здравствуйте! Где мой заказ?",))
    services.template_save(
        shop=shop,
        user=shop.memberships.get(role=Role.MANAGER).user,
        role=Role.MANAGER,
        personal=False,
        name="Доставка: заказ в пути",
        body=DELIVERY_BODY,
        channels=["chat"],
        language="ru",
        category="delivery",
    )
    services.template_save(
        shop=shop,
        user=shop.memberships.get(role=Role.MANAGER).user,
        role=Role.MANAGER,
        personal=False,
        name="Размер по меркам",
        body="Здравствуйте! Спасибо за вопрос. Вам подойдёт размер {{ size }}. Хорошего дня!",
        channels=["chat"],
        language="ru",
        category="sizing",
    )
    browser_login(page, "olga-templates")
    page.goto(page.base_url + "/chats/")
    page.locator("[data-conv-row]", has_text="Анна").click()
    expect(page.locator("#reply-text")).to_be_visible()
    # The thread arrives by htmx; typing before it settles would type into the box it replaces.
    page.wait_for_load_state("networkidle")
    return shop


def _insert_with_slash(page, query: str) -> None:
    page.click("#reply-text")
    page.keyboard.type("/")
    search = page.locator("[data-tpl-picker-query]")
    expect(search).to_be_focused()
    search.type(query)
    expect(page.locator(".tpl-picker-option").first).to_contain_text("Доставка")
    page.keyboard.press("Enter")


def test_insert_into_a_chat_reply_with_slash(page, chat):
    _insert_with_slash(page, "доставка")

    reply = page.locator("#reply-text")
    expect(reply).to_have_value(
        "Здравствуйте, Анна! Спасибо за обращение. Заказ № {{ order_number }} "
        "с товаром «Чайник стеклянный» уже в пути. Хорошего дня!"
    )  # the "/" that opened the picker is replaced
    expect(page.locator(".tpl-picker-popover")).to_be_hidden()
    # the unresolved variable is marked, and selected so the seller can type over it
    expect(page.locator("[data-tpl-picker-note]")).to_contain_text("{{ order_number }}")
    expect(reply).to_have_class("tpl-unresolved")
    assert (
        page.evaluate(
            "() => { const f = document.getElementById('reply-text');"
            " return f.value.slice(f.selectionStart, f.selectionEnd); }"
        )
        == "{{ order_number }}"
    )
    assert ReplyTemplate.objects.get(name="Доставка: заказ в пути").usage_count == 1


def test_keyboard_navigation_picks_the_second_result(page, chat):
    page.click("#reply-text")
    page.keyboard.type("Добрый день. /")
    expect(page.locator(".tpl-picker-option")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    expect(page.locator('.tpl-picker-option[aria-selected="true"]')).to_contain_text(
        "Размер по меркам"
    )
    page.keyboard.press("Enter")
    expect(page.locator("#reply-text")).to_have_value(
        "Добрый день. Здравствуйте! Спасибо за вопрос. Вам подойдёт размер {{ size }}. Хорошего дня!"
    )


def test_escape_closes_the_picker_and_keeps_the_slash(page, chat):
    page.click("#reply-text")
    page.keyboard.type("1/")
    expect(page.locator(".tpl-picker-popover")).to_be_hidden()  # "/" inside a word: no picker
    page.keyboard.type(" /")
    expect(page.locator(".tpl-picker-popover")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".tpl-picker-popover")).to_be_hidden()
    expect(page.locator("#reply-text")).to_be_focused()
    expect(page.locator("#reply-text")).to_have_value("1/ /")


def test_send_refused_while_a_variable_is_unresolved(page, chat):
    _insert_with_slash(page, "доставка")
    reply = page.locator("#reply-text")
    expect(reply).to_have_class("tpl-unresolved")
    # the live check flags the placeholder as an error
    expect(page.locator('.replycheck-live .finding[data-code="placeholder"]').first).to_be_visible()

    page.click("#reply-send")
    expect(page.locator("[data-tpl-picker-note]")).to_contain_text("{{ order_number }}")
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()

    # filling the selected blank makes the reply sendable
    page.keyboard.type("45678123")
    expect(reply).not_to_have_class("tpl-unresolved")
    expect(page.locator("[data-tpl-picker-note]")).to_be_hidden()
    page.click("#reply-send")
    expect(page.locator(".msg-out").last).to_contain_text("Заказ № 45678123")
    sent = Message.objects.get(direction=Direction.OUTGOING)
    assert "{{" not in sent.text and "45678123" in sent.text
