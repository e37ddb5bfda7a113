"""Default inbound hooks built on the apps' public services, until the apps ship their own.

The questions and chats apps expose ``question_create`` and ``conversation_create`` /
``buyer_message_receive``, which already run the "new item" path (SLA clock, auto-decline
rules after commit, unread counters) but are not idempotent by the marketplace id. These
bridges add that: they look the external id up first. The lookups read the apps' models
directly; once the apps provide ``question_import_from_marketplace`` and
``chat_message_import_from_marketplace`` (see ``inbound``), those are used instead.
"""

from __future__ import annotations

import logging

from sellerdesk.core.models import Product, Shop
from sellerdesk.marketplaces.inbound import IncomingChatMessage, IncomingProduct, IncomingQuestion

logger = logging.getLogger(__name__)


def _product(shop: Shop, product: IncomingProduct | None) -> Product | None:
    if product is None:
        return None
    for sku in (product.sku, product.external_id, f"WB-{product.external_id}"):
        if sku:
            found = Product.objects.for_shop(shop).filter(sku=sku).first()
            if found is not None:
                return found
    return None


def question_import(*, shop: Shop, item: IncomingQuestion) -> None:
    from questions.models import Question
    from questions.services import question_create

    if Question.objects.for_shop(shop).filter(external_id=item.external_id).exists():
        return  # already imported; remote state changes have no service to land in yet
    if item.answered or item.declined:
        return  # handled on the marketplace before we saw it: nothing waits for the seller
    question_create(shop=shop, text=item.text, product=_product(shop, item.product), external_id=item.external_id,
                    created_at=item.created_at)


def chat_message_import(*, shop: Shop, item: IncomingChatMessage) -> None:
    from chats.models import Conversation, Message
    from chats.services import buyer_message_receive, conversation_create

    if item.sender != "buyer":
        # Our own replies come back through the event stream (chats stored them when sending);
        # replies written on the marketplace's portal have no service to land in yet.
        return
    conversation = Conversation.objects.for_shop(shop).filter(external_id=item.chat_external_id).first()
    if conversation is None:
        conversation = conversation_create(shop=shop, buyer_name=item.buyer_name or "—",
                                           product=_product(shop, item.product),
                                           external_id=item.chat_external_id, chat_ref=item.chat_ref)
    if Message.objects.for_shop(shop).filter(conversation=conversation, external_id=item.message_external_id).exists():
        return
    files = []
    if item.attachments:
        from sellerdesk.marketplaces.services import marketplace_file_download

        for attachment in item.attachments:
            content_type, data = marketplace_file_download(shop=shop, download_ref=attachment.download_ref)
            files.append((attachment.name, attachment.content_type or content_type, data))
    buyer_message_receive(conversation=conversation, text=item.text, created_at=item.created_at, files=files,
                          external_id=item.message_external_id)
