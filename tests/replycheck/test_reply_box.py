"""One reply box on every surface: the same target, picker variables, refusal and include."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from chats import services as chat_services
from questions import services as question_services
from reviews import services as review_services
from sellerdesk.policy import check
from sellerdesk.replycheck.forms import ReplyForm
from sellerdesk.replycheck.reply_box import ReplyTarget
from sellerdesk.replycheck.services import ReplyBlocked, ReplyNeedsConfirmation
from tests.factories import ProductFactory

# A left-over template variable is an error on every channel: the send is refused.
BROKEN = (
    "Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. Смотрите карточку товара. Хорошего дня!"
)


def test_the_target_names_what_the_picker_may_fill(shops):
    product = ProductFactory(shop=shops.mine, sku="PL-1", name="Плед")
    target = ReplyTarget(
        shop=shops.mine, channel="question_answer", buyer_name="Анна", product=product
    )
    assert target.picker_variables == {"buyer_name": "Анна", "product_name": "Плед", "sku": "PL-1"}
    assert ReplyTarget(shop=shops.mine, channel="chat").picker_variables == {}
    declined = target.for_channel("question_decline")
    assert declined.channel == "question_decline" and declined.product == product
    with pytest.raises(ValueError, match="unknown reply channel"):
        ReplyTarget(shop=shops.mine, channel="email")


def test_a_refusal_lands_on_the_form_as_findings_or_as_errors():
    blocked = ReplyBlocked(check(BROKEN, "chat"))
    form = ReplyForm({"text": BROKEN})
    assert form.is_valid()
    form.add_refusal(blocked)
    assert form.report is blocked.report and form.errors == {}

    warned = ReplyNeedsConfirmation(check("Спасибо.", "review_reply"))
    form = ReplyForm({"text": "Спасибо."})
    form.is_valid()
    form.add_refusal(warned)
    assert form.report is warned.report

    form = ReplyForm({"text": "Здравствуйте!"})
    form.is_valid()
    form.add_refusal(ValidationError("The question was already answered."))
    assert form.report is None
    assert form.non_field_errors() == ["The question was already answered."]


def _box(html: str, field_id: str) -> dict:
    """What the page shows for one box: errors block, textarea, picker channel and variables."""
    textarea = re.search(
        rf'<textarea name="text" id="{field_id}"[^>]*>(.*?)</textarea>', html, re.S
    )
    picker = re.search(rf'data-field="{field_id}" data-channel="([a-z_]+)"', html)
    variables = re.search(
        rf'<script id="{field_id}-tpl-vars" type="application/json">(.*?)</script>', html, re.S
    )
    live = re.search(rf'id="{field_id}-replycheck"', html)
    return {
        "errors": f'id="{field_id}-errors"' in html,
        # "static": the live check replaces these findings once the seller edits the text
        "findings": bool(
            re.search(
                rf'id="{field_id}-errors".*?replycheck-findings replycheck-static', html, re.S
            )
        ),
        "text": textarea.group(1) if textarea else None,
        "channel": picker.group(1) if picker else None,
        "variables": json.loads(variables.group(1)) if variables else None,
        "live": bool(live),
    }


@pytest.fixture
def product(shops):
    return ProductFactory(shop=shops.mine, sku="PL-1", name="Плед")


def _surfaces(shops, product):
    conversation = chat_services.conversation_create(
        shop=shops.mine, buyer_name="Анна", product=product
    )
    question = question_services.question_create(
        shop=shops.mine, text="Можно стирать?", product=product, buyer_name="Анна"
    )
    review = review_services.review_create(
        shop=shops.mine, rating=5, text="Отличный плед", buyer_name="Анна", product=product
    )
    return [
        ("chat", reverse("chats:send", args=[conversation.pk]), "reply-text"),
        ("question_answer", reverse("questions:answer", args=[question.pk]), "answer-text"),
        ("question_decline", reverse("questions:decline", args=[question.pk]), "decline-text"),
        ("review_reply", reverse("reviews:answer", args=[review.pk]), "reply-text"),
    ]


def test_every_surface_refuses_the_same_way_and_keeps_the_text(shops, product, seller_client):
    for channel, url, field_id in _surfaces(shops, product):
        response = seller_client.post(url, {"text": BROKEN})
        assert response.status_code == 400, channel
        box = _box(response.content.decode(), field_id)
        assert box == {
            "errors": True,
            "findings": True,
            "text": BROKEN,
            "channel": channel,
            "variables": {"buyer_name": "Анна", "product_name": "Плед", "sku": "PL-1"},
            "live": True,
        }, channel


def test_a_form_error_shows_in_the_same_place(shops, product, seller_client):
    for channel, url, field_id in _surfaces(shops, product):
        response = seller_client.post(url, {"text": "Здравствуйте!\x00 Спасибо"})
        assert response.status_code == 400, channel
        box = _box(response.content.decode(), field_id)
        assert box["errors"] and not box["findings"], channel
