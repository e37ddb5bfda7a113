"""Synced items find their product by the marketplace's id (nmID) kept beside the SKU."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.urls import reverse

from chats import selectors as chat_selectors
from chats.models import Conversation
from questions.models import Question
from reviews.models import Review
from sellerdesk.core.models import Product
from sellerdesk.core.services import product_create
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import InboundRecord
from tests.factories import ProductFactory, ShopFactory

backfill = importlib.import_module(
    "sellerdesk.marketplaces.migrations.0003_products_marketplace_ids_backfill"
).backfill


def test_a_synced_chat_is_found_by_its_sku_and_grouped_under_its_product(
    wb_fake, wb_account_apps, seller_client, django_capture_on_commit_callbacks
):
    shop = wb_account_apps.shop
    # Known to the shop by its own article only, as a seller types products in.
    grinder = product_create(shop=shop, sku="A-104233", name="Кофемолка")
    product_create(shop=shop, sku="A-118871", name="Плед")
    # The question names the product by nmId and article; the chat only by nmID.
    wb_fake.add_question("Подойдёт для эспрессо?", nm_id=104233)
    chat = wb_fake.add_chat("Алёна", nm_id=104233)
    wb_fake.add_buyer_message(chat, "Здравствуйте! Кофемолка гудит, но не мелет.")
    other = wb_fake.add_chat("Сергей", nm_id=999001)  # a product the shop never listed
    wb_fake.add_buyer_message(other, "Добрый день")

    with django_capture_on_commit_callbacks(execute=True):
        services.account_sync(account_id=wb_account_apps.pk)

    grinder.refresh_from_db()
    assert grinder.marketplace_id == "104233"
    conversation = Conversation.objects.for_shop(shop).get(external_id=chat["chatID"])
    assert conversation.product == grinder
    assert Question.objects.for_shop(shop).get().product == grinder

    found = chat_selectors.conversation_list(shop=shop, query="A-104233").items
    assert [c.pk for c in found] == [conversation.pk]
    groups = {
        group["product__sku"]: [row.pk for row in group["rows"]]
        for group in chat_selectors.conversation_groups(shop=shop)
    }
    assert groups["A-104233"] == [conversation.pk]
    assert None in groups and len(groups[None]) == 1  # the unknown product stays apart

    page = seller_client.get(reverse("chats:inbox"), {"q": "A-104233"})
    assert page.status_code == 200
    assert "Алёна" in page.text and "Сергей" not in page.text


def test_a_chat_finds_a_product_whose_id_was_given_by_hand(wb_fake, wb_account_apps):
    shop = wb_account_apps.shop
    kettle = product_create(shop=shop, sku="KETTLE-17", name="Чайник", marketplace_id="150320")
    chat = wb_fake.add_chat("Ирина", nm_id=150320)
    wb_fake.add_buyer_message(chat, "Чайник подтекает")
    services.account_sync(account_id=wb_account_apps.pk)
    assert Conversation.objects.for_shop(shop).get().product == kettle


def test_an_id_is_learnt_once_and_never_given_to_two_products(wb_fake, wb_account_apps):
    shop = wb_account_apps.shop
    holder = product_create(shop=shop, sku="OLD-1", name="Старый", marketplace_id="104233")
    newer = product_create(shop=shop, sku="A-104233", name="Новый")
    wb_fake.add_question("Есть гарантия?", nm_id=104233)
    services.account_sync(account_id=wb_account_apps.pk)
    newer.refresh_from_db()
    assert newer.marketplace_id == ""
    assert Question.objects.for_shop(shop).get().product == holder


def test_the_migration_backfills_ids_and_links_items_synced_without_a_product(db):
    shop, elsewhere = ShopFactory(), ShopFactory()
    by_article = ProductFactory(shop=shop, sku="A-104233")
    by_name = ProductFactory(shop=shop, sku="WB-118871")
    untouched = ProductFactory(shop=shop, sku="PLAIN-1")
    foreign = ProductFactory(shop=elsewhere, sku="A-104233")
    InboundRecord.objects.create(
        shop=shop,
        stream="question",
        external_id="q1",
        payload={"id": "q1", "productDetails": {"nmId": 104233, "supplierArticle": "A-104233"}},
    )
    InboundRecord.objects.create(
        shop=shop,
        stream="feedback",
        external_id="f1",
        payload={"id": "f1", "productDetails": {"nmId": 118871, "supplierArticle": "X"}},
    )
    InboundRecord.objects.create(
        shop=shop,
        stream="chat_event",
        external_id="e1",
        payload={
            "chatID": "1:chat",
            "eventID": "e1",
            "message": {"text": "Привет", "attachments": {"goodCard": {"nmID": 104233}}},
        },
    )
    conversation = Conversation.objects.create(shop=shop, buyer_name="Алёна", external_id="1:chat")
    question = Question.objects.create(shop=shop, text="Гарантия?", external_id="q1")
    review = Review.objects.create(shop=shop, rating=5, text="Хорошо", external_id="f1")

    backfill(apps, None)

    ids = dict(Product.objects.values_list("pk", "marketplace_id"))
    assert ids[by_article.pk] == "104233" and ids[by_name.pk] == "118871"
    assert ids[untouched.pk] == "" and ids[foreign.pk] == ""  # another shop's records teach nothing
    conversation.refresh_from_db()
    question.refresh_from_db()
    review.refresh_from_db()
    assert conversation.product_id == by_article.pk
    assert question.product_id == by_article.pk
    assert review.product_id == by_name.pk
