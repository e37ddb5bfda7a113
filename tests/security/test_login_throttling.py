"""Login throttling (django-axes): per account and per address, a translated 429 page,
and a shop admin unlocks a member from the Members page."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from sellerdesk.core.models import Role
from tests.factories import TEST_PASSWORD

LOCKED = "Слишком много неудачных попыток входа. Вход приостановлен на 15 мин."


def _login(username: str, password: str, address: str = "10.0.0.1", client: Client | None = None):
    client = client or Client()
    response = client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    return response


def test_an_account_locks_after_five_wrong_passwords_even_from_new_addresses(shops):
    seller = shops.users[Role.SELLER]
    for attempt in range(4):
        response = _login(seller.username, "wrong", address=f"10.0.1.{attempt}")
        assert response.status_code == 200  # the form again, "wrong login or password"
    # the fifth failure locks the account
    assert _login(seller.username, "wrong", address="10.0.1.9").status_code == 429
    # the right password no longer helps, from yet another address
    locked = _login(seller.username, TEST_PASSWORD, address="10.0.2.1")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    assert "_auth_user_id" not in locked.client.session


def test_an_address_locks_after_five_wrong_passwords_for_any_accounts(shops):
    for number in range(5):
        _login(f"nobody-{number}", "wrong", address="10.0.3.3")
    victim = shops.users[Role.MANAGER]
    assert _login(victim.username, TEST_PASSWORD, address="10.0.3.3").status_code == 429
    # the account itself is fine from elsewhere
    assert _login(victim.username, TEST_PASSWORD, address="10.0.3.4").status_code == 302


def test_a_right_password_before_the_limit_resets_the_count(shops):
    seller = shops.users[Role.SELLER]
    for _ in range(4):
        _login(seller.username, "wrong")
    assert _login(seller.username, TEST_PASSWORD).status_code == 302
    for _ in range(4):
        _login(seller.username, "wrong")
    assert _login(seller.username, TEST_PASSWORD).status_code == 302


def test_a_shop_admin_sees_the_lockout_and_unlocks_the_member(shops, admin_client_shop):
    seller = shops.users[Role.SELLER]
    for _ in range(6):
        _login(seller.username, "wrong", address="10.0.4.1")
    assert _login(seller.username, TEST_PASSWORD, address="10.0.4.2").status_code == 429

    page = admin_client_shop.get(reverse("core:member_list"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "заблокирован после неудачных входов" in page.content.decode()
    membership = seller.memberships.get(shop=shops.mine)
    response = admin_client_shop.post(
        reverse("core:member_update", args=[membership.pk]), {"action": "unlock"}
    )
    assert response.status_code == 302
    assert _login(seller.username, TEST_PASSWORD, address="10.0.4.2").status_code == 302


def test_an_admin_of_another_shop_cannot_unlock_this_shops_member(shops):
    seller = shops.users[Role.SELLER]
    for _ in range(5):
        _login(seller.username, "wrong", address="10.0.5.1")
    other_admin = Client()
    other_admin.force_login(shops.other_users[Role.ADMIN])
    membership = seller.memberships.get(shop=shops.mine)
    response = other_admin.post(
        reverse("core:member_update", args=[membership.pk]), {"action": "unlock"}
    )
    assert response.status_code == 404
    assert _login(seller.username, TEST_PASSWORD, address="10.0.5.2").status_code == 429
