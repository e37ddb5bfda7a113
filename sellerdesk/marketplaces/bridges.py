"""Inbound hooks under a stable name for ``settings.MARKETPLACE_INBOUND_HANDLERS``.

The apps own their imports now: ``questions.services.question_import_from_marketplace`` and
``chats.services.chat_message_import_from_marketplace`` are idempotent by the marketplace id,
take new items through the apps' normal path (SLA clock, decline rules, unread counters) and
settle items that were answered on the marketplace's own portal without sending anything.
``inbound.DEFAULT_HANDLERS`` calls them directly; these wrappers only delegate, so a settings
override naming the bridge keeps working and no app model is read here.
"""

from __future__ import annotations

from sellerdesk.core.models import Shop
from sellerdesk.marketplaces.inbound import IncomingChatMessage, IncomingQuestion


def question_import(*, shop: Shop, item: IncomingQuestion) -> None:
    from questions.services import question_import_from_marketplace

    question_import_from_marketplace(shop=shop, item=item)


def chat_message_import(*, shop: Shop, item: IncomingChatMessage) -> None:
    from chats.services import chat_message_import_from_marketplace

    chat_message_import_from_marketplace(shop=shop, item=item)
