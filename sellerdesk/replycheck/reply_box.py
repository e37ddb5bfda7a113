"""What one reply box is about, shared by the chat inbox, the question page and the review page.

A view builds a :class:`ReplyTarget` for the item being answered and renders the box with
``{% include "replycheck/reply_box.html" with form=... target=... %}`` inside its own ``<form>``:
the live check, the template picker and the findings of a refused send then all read the same
channel, buyer and product.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import models

from sellerdesk.core.models import Product, Shop
from sellerdesk.policy import CHANNELS


@dataclass(frozen=True)
class ReplyTarget:
    shop: Shop
    channel: (
        str  # one of the engine's CHANNELS: chat, question_answer, question_decline, review_reply
    )
    buyer_name: str = ""
    product: Product | None = None
    item: models.Model | None = None  # the conversation, question or review being answered

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown reply channel {self.channel!r}; expected one of {CHANNELS}")

    def for_channel(self, channel: str) -> ReplyTarget:
        """The same item answered another way (a question's decline box next to its answer box)."""
        return replace(self, channel=channel)

    @property
    def picker_variables(self) -> dict[str, str]:
        """Template variables this item fills in; unknown ones stay ``{{ name }}`` to fill by hand."""
        variables: dict[str, str] = {}
        if self.buyer_name:
            variables["buyer_name"] = self.buyer_name
        if self.product is not None:
            variables["product_name"] = self.product.name
            variables["sku"] = self.product.sku
        return variables
