"""The inbox pages as a seller uses them, with pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chats import services
from chats.models import Conversation, Direction, Message
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.models import OutboundItem, OutboundState
from sellerdesk.marketplaces.services import outbox_deliver
from sellerdesk.replycheck.services import shop_policy_update
from tests.chats.helpers import (
    GOOD_REPLY,
    conversation_with,
    fake_pdf_upload,
    pdf_upload,
    png_upload,
)
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _fill(shop, count: int, *, start: int = 0) -> None:
    for i in range(start, start + count):
        product = ProductFactory(shop=shop, sku=f"WB-{7000 + i}", name=f"Товар номер {i}")
        conversation = conversation_with(
            shop,
            buyer=f"Покупатель {i}",
            product=product,
            texts=("Здравствуйте, вопрос по заказу", "Фото"),
        )
        message = Message.objects.filter(conversation=conversation).last()
        services._store_attachment(
            message=message,
            name="p.pdf",
            content_type="application/pdf",
            data=pdf_upload(),
            size=10,
        )


# User, membership (the session comes from the cache), shell memberships, unread count, the list (+ matching products
# and highlighted snippets when searching; + the groups query when grouping), the SLA badges
# of the page (one due_at_map; in due-soon mode the clock page is the list's first query), savepoints.
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 8),
        ("?tab=unread", 8),
        ("?q=WB-7001", 10),
        ("?q=Покупатель", 10),
        ("?q=заказу", 10),
        ("?group=1", 9),
        ("?tab=unread&sort=due", 8),
        ("?tab=unread&sort=due&q=заказу", 10),
    ],
    ids=["all", "unread", "sku", "buyer", "word", "grouped", "due", "due-search"],
)
def test_list_runs_a_constant_number_of_queries(shops, seller_client, query, expected):
    url = reverse("chats:inbox") + query
    _fill(shops.mine, 3)
    few = _queries(seller_client, url)
    _fill(shops.mine, 20, start=3)
    many = _queries(seller_client, url)
    assert (few, many) == (expected, expected)


def test_conversation_view_runs_a_constant_number_of_queries(shops, seller_client):
    product = ProductFactory(shop=shops.mine)
    short = conversation_with(shops.mine, product=product, texts=("Один",))
    long = conversation_with(
        shops.mine, product=product, texts=tuple(f"Сообщение {i}" for i in range(120))
    )
    for conversation in (short, long):
        message = conversation.messages.first()
        services._store_attachment(
            message=message, name="p.png", content_type="image/png", data=png_upload(), size=10
        )
    counts = {
        _queries(seller_client, reverse("chats:conversation", args=[c.pk])) for c in (short, long)
    }
    assert len(counts) == 1, counts
    assert counts.pop() == 15  # 11 statements (incl. the list's SLA badges) + 4 savepoints


def test_long_conversation_renders_only_the_latest_page_and_pages_upward(shops, seller_client):
    conversation = conversation_with(
        shops.mine, texts=tuple(f"Сообщение номер {i:03d}" for i in range(300))
    )
    html = seller_client.get(reverse("chats:conversation", args=[conversation.pk])).content.decode()
    assert html.count('class="msg msg-in') == 40
    assert "Сообщение номер 299" in html and "Сообщение номер 259" not in html
    assert "older-loader" in html

    older_url = (
        html.split('id="older-loader">')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    )
    older = seller_client.get(older_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Сообщение номер 259" in older and "Сообщение номер 299" not in older


def test_opening_a_conversation_marks_it_read_and_the_counter_drops(shops, seller_client):
    first = conversation_with(shops.mine, buyer="Анна")
    conversation_with(shops.mine, buyer="Борис")
    badge = reverse("chats:unread_badge")
    assert ">2</span>" in seller_client.get(badge).content.decode()

    response = seller_client.get(
        reverse("chats:conversation", args=[first.pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="thread",
    )
    assert "chats:read" in response["HX-Trigger"]
    assert ">1</span>" in seller_client.get(badge).content.decode()
    unread_page = seller_client.get(reverse("chats:inbox") + "?tab=unread").content.decode()
    assert "Борис" in unread_page and "Анна" not in unread_page
    assert "<title>(1) " in unread_page


def test_search_finds_by_word_form_sku_and_buyer_and_highlights(shops, seller_client):
    kettle = ProductFactory(shop=shops.mine, sku="WB-150320", name="Чайник стеклянный")
    conversation_with(
        shops.mine, buyer="Ирина Смирнова", product=kettle, texts=("Чайник пришёл с трещиной",)
    )
    conversation_with(shops.mine, buyer="Олег", texts=("Когда привезут мои заказы?",))
    other_shop = conversation_with(shops.other, buyer="Ирина Чужая", texts=("Чужие заказы",))

    def found(q):
        return seller_client.get(reverse("chats:inbox"), {"q": q}).content.decode()

    by_sku = found("150320")
    assert "Ирина Смирнова" in by_sku and "<mark>150320</mark>" in by_sku
    by_name = found("смирнова")
    assert "Ирина <mark>Смирнова</mark>" in by_name and "Олег" not in by_name
    by_word = found("заказ")  # Russian stemming: "заказы" is found by "заказ"
    assert "Олег" in by_word and "<mark>заказ</mark>ы" in by_word
    assert other_shop.buyer_name not in by_word
    assert "Ничего не найдено" in found("холодильник")


def test_chinese_search_by_two_character_word(shops, seller_client):
    shops.mine.default_language = "zh"
    shops.mine.save()
    conversation_with(shops.mine, buyer="王女士", texts=("你好，卫衣130码适合多高的孩子？",))
    conversation_with(shops.mine, buyer="陈先生", texts=("牛仔裤可以调节腰围吗？",))
    html = seller_client.get(reverse("chats:inbox"), {"q": "卫衣"}).content.decode()
    assert "王女士" in html and "陈先生" not in html and "<mark>卫衣</mark>" in html
    html = seller_client.get(reverse("chats:inbox"), {"q": "调节腰围"}).content.decode()
    assert "陈先生" in html and "王女士" not in html


def test_group_by_product_shows_counts(shops, seller_client):
    plaid = ProductFactory(shop=shops.mine, sku="WB-118871", name="Плед")
    for buyer in ("А", "Б", "В"):
        conversation_with(shops.mine, buyer=buyer, product=plaid)
    html = seller_client.get(reverse("chats:inbox"), {"group": "1"}).content.decode()
    assert "WB-118871" in html
    assert 'title="Диалоги">3<' in html


def test_search_inside_a_conversation_steps_through_hits(shops, seller_client):
    texts = [f"Строка {i}" for i in range(100)]
    texts[10] = "Где посылка?"
    texts[90] = "Посылка пришла"
    conversation = conversation_with(shops.mine, texts=tuple(texts))
    url = reverse("chats:conversation", args=[conversation.pk])
    newest = seller_client.get(url, {"find": "посылка"}).content.decode()
    assert "1 / 2" in newest and "<mark>Посылка</mark> пришла" in newest
    older = seller_client.get(url, {"find": "посылка", "hit": "1"}).content.decode()
    assert "2 / 2" in older and "Где <mark>посылка</mark>?" in older


def test_send_with_a_pdf_redirects_and_queues(
    shops, seller_client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    conversation = conversation_with(shops.mine)
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(
            reverse("chats:send", args=[conversation.pk]),
            {"text": GOOD_REPLY, "files": [pdf_upload()]},
        )
    assert response.status_code == 302
    message = Message.objects.get(direction=Direction.OUTGOING)
    assert message.outbound.state == OutboundState.QUEUED
    assert message.attachments.get().original_name == "invoice.pdf"
    page = seller_client.get(response["Location"]).content.decode()
    assert "invoice.pdf" in page and "В очереди" in page


def test_fake_pdf_is_refused_and_the_text_is_kept(shops, seller_client):
    conversation = conversation_with(shops.mine)
    response = seller_client.post(
        reverse("chats:send", args=[conversation.pk]),
        {"text": GOOD_REPLY, "files": [fake_pdf_upload()]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Retarget"] == "#reply-box"
    assert "contract.pdf" in html and GOOD_REPLY in html
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()


def test_contacts_refused_when_the_shop_forbids_them(shops, seller_client):
    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": False})
    conversation = conversation_with(shops.mine)
    text = "Здравствуйте, Анна! Спасибо за вопрос. Позвоните нам: +7 916 123-45-67. Хорошего дня!"
    response = seller_client.post(reverse("chats:send", args=[conversation.pk]), {"text": text})
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()


def test_failed_message_shows_and_can_be_sent_again(
    shops, seller_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    conversation = conversation_with(shops.mine)
    message = services.chat_message_send(
        conversation=conversation, author=shops.users[Role.SELLER], text=GOOD_REPLY
    )
    OutboundItem.objects.filter(pk=message.outbound_id).update(
        state=OutboundState.FAILED, last_error="HTTP 503"
    )
    page = seller_client.get(reverse("chats:conversation", args=[conversation.pk])).content.decode()
    assert "Не отправлено" in page and "HTTP 503" in page and "Отправить снова" in page
    retry = reverse("marketplaces:outbox_retry", args=[message.outbound_id])
    assert retry in page
    with django_capture_on_commit_callbacks(execute=True):
        response = seller_client.post(retry, HTTP_HX_REQUEST="true")
    assert "В очереди" in response.content.decode()
    message.refresh_from_db()
    assert message.outbound.state == OutboundState.QUEUED


def test_attachment_files_are_served_only_to_their_shop(shops, seller_client):
    conversation = conversation_with(shops.other)
    message = conversation.messages.get()
    attachment = services._store_attachment(
        message=message, name="p.pdf", content_type="application/pdf", data=pdf_upload(), size=10
    )
    assert seller_client.get(reverse("chats:attachment", args=[attachment.pk])).status_code == 404
    assert (
        seller_client.get(reverse("chats:conversation", args=[conversation.pk])).status_code == 404
    )


def test_empty_inbox_says_so(shops, seller_client):
    html = seller_client.get(reverse("chats:inbox")).content.decode()
    assert "Пока нет диалогов" in html
    assert Conversation.objects.count() == 0


def test_list_pages_with_a_cursor(shops, seller_client):
    for i in range(33):
        conversation_with(shops.mine, buyer=f"Покупатель {i:02d}")
    first = seller_client.get(reverse("chats:inbox")).content.decode()
    assert first.count("data-conv-row") == 30
    more = first.split('id="list-more" href="')[1].split('"')[0].replace("&amp;", "&")
    second = seller_client.get(
        more, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-more"
    ).content.decode()
    assert second.count("data-conv-row") == 3
    assert "Покупатель 00" in second and "list-more" not in second


def test_warnings_can_be_confirmed_and_sent(shops, seller_client, monkeypatch):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    conversation = conversation_with(shops.mine)
    url = reverse("chats:send", args=[conversation.pk])
    refused = seller_client.post(url, {"text": "Заказ приедет завтра."}, HTTP_HX_REQUEST="true")
    assert 'name="warnings_confirmed"' in refused.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()
    sent = seller_client.post(
        url, {"text": "Заказ приедет завтра.", "warnings_confirmed": "1"}, HTTP_HX_REQUEST="true"
    )
    assert sent.status_code == 200 and "Заказ приедет завтра." in sent.content.decode()
    assert Message.objects.filter(direction=Direction.OUTGOING).count() == 1


def test_queued_message_state_polls_until_delivered(shops, seller_client, outbox):
    conversation = conversation_with(shops.mine)
    message = services.chat_message_send(
        conversation=conversation, author=shops.users[Role.SELLER], text=GOOD_REPLY
    )
    fragment = seller_client.get(
        reverse("chats:message", args=[message.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    url = reverse("marketplaces:outbox_state", args=[message.outbound_id])
    assert f'hx-get="{url}"' in fragment and 'hx-trigger="every 3s"' in fragment
    outbox_deliver(item_id=message.outbound_id)
    delivered = seller_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "every 3s" not in delivered and "Доставлено" in delivered


def test_incoming_file_with_a_false_label_is_only_offered_as_a_download(shops, seller_client):
    conversation = services.conversation_create(shop=shops.mine, buyer_name="Анна")
    services.buyer_message_receive(
        conversation=conversation,
        text="Смотрите",
        files=[("photo.jpg", "image/jpeg", b"<html><script>alert(1)</script>")],
    )
    attachment = conversation.messages.get().attachments.get()
    assert attachment.content_type == "application/octet-stream"
    response = seller_client.get(reverse("chats:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_reply_with_a_nul_character_is_refused_with_a_message(shops, seller_client, monkeypatch):
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", lambda *_: None)
    conversation = conversation_with(shops.mine)
    response = seller_client.post(
        reverse("chats:send", args=[conversation.pk]),
        {"text": "Здравствуйте!\x00 Спасибо", "warnings_confirmed": "1"},
    )
    assert response.status_code == 400
    assert 'id="reply-text-errors"' in response.content.decode()
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()
