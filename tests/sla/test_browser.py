"""An admin reads the SLA dashboard in a real browser and opens a breached chat."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from sellerdesk.core.models import Role
from sellerdesk.sla import services
from tests.conftest import browser_login
from tests.factories import MembershipFactory, ShopFactory, member


@pytest.mark.browser
def test_admin_filters_the_dashboard_and_opens_a_breached_chat(page):
    from chats import services as chat_services

    shop = ShopFactory(name="Уютный дом")
    admin = member(shop, Role.ADMIN, username="sla-admin")
    # A second shop where the same person is only a seller must not be offered.
    MembershipFactory(user=admin, shop=ShopFactory(name="Чужой магазин"), role=Role.SELLER)

    conversation = chat_services.conversation_create(shop=shop, buyer_name="Анна Петрова")
    chat_services.buyer_message_receive(
        conversation=conversation,
        text="Здравствуйте! Когда отправите заказ?",
        created_at=timezone.now() - timedelta(hours=3),
    )
    services.sla_sweep()

    browser_login(page, "sla-admin")
    page.goto(page.base_url + reverse("sla:dashboard"))
    assert page.locator("#sla-filters").get_by_text("Чужой магазин").count() == 0

    # The dashboard's days are the shop's days (Moscow), not the test process's (UTC).
    today = timezone.now().astimezone(ZoneInfo(shop.time_zone)).date()
    page.fill("#id_start", (today - timedelta(days=6)).isoformat())
    page.fill("#id_end", today.isoformat())
    page.click("#sla-filters button[type=submit]")
    page.wait_for_url("**/sla/?*start=*")  # htmx swapped the results and pushed the filter URL
    assert page.locator("[data-kpi=breaches]").inner_text() == "1"

    page.locator("#sla-breached a.sla-item-link").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(
        reverse("chats:conversation", kwargs={"conversation_id": conversation.pk})
    )
    assert page.get_by_text("Анна Петрова").first.is_visible()
