"""A seller types in the playground, sees the live check and fixes the reply in one click."""

from __future__ import annotations

import pytest

from sellerdesk.core.models import Role
from tests.conftest import browser_login
from tests.factories import ShopFactory, member


@pytest.mark.browser
def test_missing_greeting_warning_disappears_after_the_fix(page):
    shop = ShopFactory(name="Уютный дом")
    member(shop, Role.SELLER, username="olga-check")
    browser_login(page, "olga-check")

    page.goto(page.base_url + "/check/")
    page.fill("#reply-text", "Спасибо за вопрос. Плед можно стирать при 30 градусах. Хорошего дня!")
    warning = page.locator('.replycheck-live .finding[data-code="missing_greeting"]')
    warning.wait_for()
    assert "Нет приветствия" in warning.inner_text()
    assert page.locator('.replycheck-live [data-part="greeting"].part-missing').count() == 1

    warning.get_by_role("button", name="Добавить приветствие").click()

    warning.wait_for(state="detached")
    assert page.input_value("#reply-text").startswith("Здравствуйте!")
    page.locator('.replycheck-live [data-part="greeting"].part-present').wait_for()
    assert page.locator(".replycheck-live .replycheck-status.status-ok").count() == 1
