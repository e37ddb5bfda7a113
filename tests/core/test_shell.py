import json

import pytest
from django.urls import reverse

from sellerdesk.core.models import Role
from tests.conftest import browser_login
from tests.factories import ShopFactory, member


def test_login_page_is_russian_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Войти" in response.content.decode()


def test_shop_switcher_lists_only_own_shops_and_switches(shops, client):
    user = shops.users[Role.SELLER]
    second = ShopFactory(name="Второй магазин")
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, shop=second, role=Role.MANAGER)
    client.force_login(user)
    page = client.get(reverse("core:member_list"))  # any page renders the shell
    assert page.status_code == 403  # a seller is no admin here
    home = client.get(reverse("home"), follow=True).content.decode()
    assert "Второй магазин" in home and "Уютный дом" in home
    assert "Чужой магазин" not in home

    response = client.post(reverse("core:shop_switch"), {"shop": second.pk})
    assert response.status_code == 302
    # Now a manager in the second shop: the members page is still admin-only.
    assert client.get(reverse("core:member_list")).status_code == 403

    foreign = client.post(reverse("core:shop_switch"), {"shop": shops.other.pk})
    assert foreign.status_code == 404


def test_member_without_shop_sees_explanation(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="lonely"))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "не состоите" in response.content.decode()


def test_admin_adds_member_and_bad_input_keeps_form(admin_client_shop, shops):
    url = reverse("core:member_list")
    bad = admin_client_shop.post(
        url, {"username": "mine-seller", "password": "x", "role": "seller"}
    )
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "занят" in text  # login taken, in Russian
    ok = admin_client_shop.post(
        url,
        {
            "username": "new-person",
            "first_name": "Анна",
            "password": "a-Long-pass-42",
            "role": "manager",
        },
    )
    assert ok.status_code == 302
    assert shops.mine.memberships.filter(user__username="new-person", role=Role.MANAGER).exists()


def test_healthz_reports_database_and_broker(client, db):
    response = client.get(reverse("healthz"))
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert response.status_code in (200, 503)
    assert set(body) >= {"status", "database", "broker"}


def test_healthz_reports_broker_down(client, db, settings):
    from sellerdesk.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert json.loads(response.content)["broker"].startswith("error")


@pytest.mark.browser
def test_seller_logs_in_sees_russian_shell_and_switches_to_chinese(page):
    shop = ShopFactory(name="Уютный дом")
    member(shop, Role.SELLER, username="olga")
    browser_login(page, "olga")
    assert page.locator(".shop-switcher select").input_value() == str(shop.pk)
    assert page.locator("button:has-text('Выйти')").is_visible()
    with page.expect_navigation():
        page.select_option("#language-switch", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("button:has-text('退出')").is_visible()


def test_new_shop_gets_default_templates_after_commit(db, django_capture_on_commit_callbacks):
    from sellerdesk.celery import app
    from sellerdesk.core.services import shop_create
    from templates_lib.models import ReplyTemplate

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            shop = shop_create(
                name="Новый магазин",
                marketplace="ozon",
                time_zone="Europe/Moscow",
                default_language="ru",
            )
            assert not ReplyTemplate.objects.filter(shop=shop).exists()  # nothing before the commit
    finally:
        app.conf.task_always_eager = False
    assert ReplyTemplate.objects.filter(shop=shop, language="ru").exists()
