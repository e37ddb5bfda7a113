"""The live view: idle polls cost no query, changes come back as rows, messages and counters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from chats import services
from sellerdesk.core.live import live_token, shop_cursor
from sellerdesk.core.models import Role
from tests.chats.helpers import conversation_with

WASHING_REPLY = (
    "Здравствуйте, Борис! Спасибо за вопрос. Плед можно стирать в машинке при 30 градусах. "
    "Хорошего дня!"
)

pytestmark = pytest.mark.django_db


def _live_url(client: Client) -> str:
    """The live URL exactly as the page shell renders it (token included)."""
    page = client.get(reverse("chats:inbox"))
    return page.context["live"]()["url"]


def _poll(client: Client, url: str, since: int, **params):
    query = "&".join(f"{key}={value}" for key, value in {"since": since, **params}.items())
    return client.get(f"{url}&{query}")


def test_idle_poll_answers_204_without_a_database_query(
    shops, seller_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conversation_with(shops.mine, buyer="Анна")
    url = _live_url(seller_client)
    since = shop_cursor(shop_id=shops.mine.pk)
    with django_assert_num_queries(0):
        response = _poll(seller_client, url, since, list=1)
    assert response.status_code == 204


def test_a_buyer_message_comes_back_as_row_message_and_counters(
    shops, seller_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna = conversation_with(shops.mine, buyer="Анна", texts=("Где заказ?",))
        conversation_with(shops.mine, buyer="Борис", texts=("Есть синий?",))
    url = _live_url(seller_client)
    since = shop_cursor(shop_id=shops.mine.pk)
    page = seller_client.get(reverse("chats:conversation", kwargs={"conversation_id": anna.pk}))
    last_id = max(m.pk for m in page.context["window"].messages)
    since = shop_cursor(shop_id=shops.mine.pk)  # opening marked Анна read and moved the cursor

    with django_capture_on_commit_callbacks(execute=True):
        services.buyer_message_receive(conversation=anna, text="Вы тут? Жду ответа")
        services.buyer_message_receive(conversation=anna, text="Очень жду")
    response = _poll(seller_client, url, since, list=1, conversation=anna.pk, after=last_id)
    assert response.status_code == 200
    data = response.json()
    assert data["cursor"] > since
    assert "Вы тут? Жду ответа" in data["messages"] and "Очень жду" in data["messages"]
    assert f'id="conv-row-{anna.pk}"' in data["rows"] and "Очень жду" in data["rows"]
    # Борис: one unread message; Анна: two new ones in a conversation already counted.
    assert data["unread"] == {"conversations": 2, "messages": 3}
    assert data["newest"]["buyer"] == "Анна"

    # Nothing happened since: the next poll with the returned cursor is idle again.
    assert _poll(seller_client, url, data["cursor"], list=1).status_code == 204


def test_a_sent_reply_updates_its_row(shops, seller_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        boris = conversation_with(shops.mine, buyer="Борис", texts=("Где заказ?",))
    url = _live_url(seller_client)
    since = shop_cursor(shop_id=shops.mine.pk)
    before = _poll(seller_client, url, since - 60_000_000, list=1, force=1).json()
    assert 'class="sla-badge' in before["rows"] and "Где заказ?" in before["rows"]
    with django_capture_on_commit_callbacks(execute=False):  # delivery is not under test here
        services.chat_message_send(
            conversation=boris, author=shops.users[Role.SELLER], text=WASHING_REPLY
        )
    # The send's own on-commit bump was captured, not run: the read path must not need it
    # to be exact, but the cursor must have moved for the poll to look at all.
    from sellerdesk.core.live import _bump

    _bump(shops.mine.pk)
    data = _poll(seller_client, url, since, list=1).json()
    assert "Плед можно стирать в машинке" in data["rows"]
    assert 'class="sla-badge' not in data["rows"]  # answered: no SLA badge any more
    assert data["unread"] == {"conversations": 0, "messages": 0}


def test_unread_tab_drops_a_conversation_read_elsewhere(
    shops, seller_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        anna = conversation_with(shops.mine, buyer="Анна")
    url = _live_url(seller_client)
    since = shop_cursor(shop_id=shops.mine.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.conversation_mark_read(conversation=anna)
    data = _poll(seller_client, url, since, list=1, tab="unread").json()
    assert data["drop"] == [anna.pk]
    assert "rows" not in data


def test_a_token_is_no_key_to_another_session_or_shop(
    shops, seller_client, django_capture_on_commit_callbacks
):
    url = _live_url(seller_client)
    token = parse_qs(urlsplit(url).query)["t"][0]
    since = shop_cursor(shop_id=shops.mine.pk)

    # Someone else's logged-in session with this token: full check, own shop ≠ token's shop.
    stranger = Client()
    stranger.force_login(shops.other_users[Role.ADMIN])
    response = _poll(stranger, url, since)
    assert response.status_code == 200 and response.json() == {"reload": True}

    # No session at all: the login page, not the shop's state.
    anonymous = _poll(Client(), url, since)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    # A forged token is ignored.
    forged = (
        live_token(
            user_id=shops.users[Role.SELLER].pk,
            shop_id=shops.mine.pk,
            session_key=seller_client.session.session_key,
        )[:-2]
        + "xx"
    )
    assert forged != token
    response = seller_client.get(f"{reverse('chats:live')}?t={forged}&since={since}")
    assert response.json() == {"reload": True}


def test_pages_asking_the_same_question_share_one_answer(
    shops, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """After a change, the second page of the shop gets the first page's answer from the
    cache; a member removed since gets nothing from it."""
    pages = {}
    for role in (Role.SELLER, Role.MANAGER):
        client = Client()
        client.force_login(shops.users[role])
        pages[role] = (client, _live_url(client))
    with django_capture_on_commit_callbacks(execute=True):
        conversation_with(shops.mine, buyer="Анна")
    since = shop_cursor(shop_id=shops.mine.pk)
    with django_capture_on_commit_callbacks(execute=True):
        conversation_with(shops.mine, buyer="Борис", texts=("Есть синий?",))

    seller, seller_url = pages[Role.SELLER]
    first = _poll(seller, seller_url, since, list=1)
    assert "Есть синий?" in first.json()["rows"]
    manager, manager_url = pages[Role.MANAGER]
    with django_assert_num_queries(0):
        second = _poll(manager, manager_url, since, list=1)
    assert second.content == first.content

    # The manager leaves the shop: the shared answer is no longer theirs to read.
    from sellerdesk.core.models import Membership
    from sellerdesk.core.services import membership_revoke

    with django_capture_on_commit_callbacks(execute=True):
        membership_revoke(membership=Membership.objects.get(user=shops.users[Role.MANAGER]))
    gone = _poll(manager, manager_url, since, list=1)
    assert gone.status_code == 403
