"""The page cache (sellerdesk/core/page_cache.py): a repeated page is served without
rendering while its shop is unchanged, a change shows at once, and nobody else's page is
ever served."""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chats import services
from sellerdesk.core.models import Role
from tests.chats.helpers import conversation_with


@pytest.fixture(autouse=True)
def _page_cache_on():
    caches["default"].clear()
    caches["live"].clear()
    with override_settings(PAGE_CACHE_SECONDS=30):
        yield
    caches["default"].clear()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get(reverse("chats:inbox"))  # the CSRF cookie a browser has
    return client


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_a_repeated_page_is_served_without_rendering_and_a_change_shows_at_once(
    shops, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation = conversation_with(shops.mine, buyer="Анна Первая")
    seller = _client(shops.users[Role.SELLER])
    url = reverse("chats:inbox")
    rendered, first = _queries(seller, url)
    cached, second = _queries(seller, url)
    assert second == first and "Анна Первая" in second
    assert cached < rendered  # only the session user and membership are read

    with django_capture_on_commit_callbacks(execute=True):
        services.buyer_message_receive(conversation=conversation, text="Ещё вопрос про размер")
        conversation_with(shops.mine, buyer="Борис Новый")
    _count, after = _queries(seller, url)
    assert "Борис Новый" in after


def test_another_person_or_role_never_gets_someone_elses_page(shops):
    conversation_with(shops.mine, buyer="Анна Первая")
    seller = _client(shops.users[Role.SELLER])
    manager = _client(shops.users[Role.MANAGER])
    url = reverse("questions:list")
    _count, seller_page = _queries(seller, url)
    _count, manager_page = _queries(manager, url)
    assert shops.users[Role.MANAGER].username not in seller_page
    assert shops.users[Role.SELLER].username not in manager_page
    other = _client(shops.other_users[Role.SELLER])
    _count, other_page = _queries(other, reverse("chats:inbox"))
    assert "Анна Первая" not in other_page


def test_a_second_browser_of_the_same_person_gets_its_own_csrf_token(shops):
    user = shops.users[Role.SELLER]
    first, second = _client(user), _client(user)
    url = reverse("chats:inbox")
    _queries(first, url)
    _count, page_two = _queries(second, url)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # the page the second browser got carries a token for its own cookie: a POST passes CSRF
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page_two)
    assert token is not None
    enforcing = Client(enforce_csrf_checks=True)
    enforcing.cookies = second.cookies
    response = enforcing.post(
        reverse("core:shop_switch"), {"shop": shops.mine.pk}, HTTP_X_CSRFTOKEN=token[1]
    )
    assert response.status_code == 302


def test_pages_with_flash_messages_are_not_cached(shops, django_capture_on_commit_callbacks):
    seller = _client(shops.users[Role.SELLER])
    session = seller.session
    session["_messages"] = "[]"
    session.save()
    url = reverse("chats:inbox")
    first, _page = _queries(seller, url)
    second, _page = _queries(seller, url)
    assert second == first
