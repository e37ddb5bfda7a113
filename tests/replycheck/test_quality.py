"""Quality at send: every guard decision recorded, the dashboard, the seller's own card."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from sellerdesk.core.models import Role
from sellerdesk.replycheck.models import DecisionOutcome, ReplyDecision, ReplyDecisionCode
from sellerdesk.replycheck.services import (
    ReplyBlocked,
    ReplyNeedsConfirmation,
    reply_guard,
    reply_refusal_record,
)

pytestmark = pytest.mark.django_db

CLEAN = "Здравствуйте, Анна! Спасибо за вопрос. Да, чайник подходит для индукции. Хорошего дня!"
WITH_PHONE = "Здравствуйте! Спасибо за вопрос. Позвоните нам: +7 916 123-45-67. Всего доброго!"
NO_GREETING = "Спасибо за вопрос. Да, подходит."


def _attempt(shop, user, text, *, item_id=1, confirmed=False):
    """What a reply box does: guard the reply; a refusal is recorded by the view."""
    try:
        return reply_guard(
            shop=shop,
            text=text,
            channel="question_answer",
            warnings_confirmed=confirmed,
            actor_id=user.pk,
            item_id=item_id,
        )
    except (ReplyBlocked, ReplyNeedsConfirmation) as refusal:
        reply_refusal_record(refusal)
        return None


def test_each_decision_is_recorded_with_its_codes_and_outcome(shops):
    seller = shops.users[Role.SELLER]
    _attempt(shops.mine, seller, CLEAN, item_id=1)
    _attempt(shops.mine, seller, WITH_PHONE, item_id=2)
    _attempt(shops.mine, seller, NO_GREETING, item_id=3)
    _attempt(shops.mine, seller, NO_GREETING, item_id=3, confirmed=True)
    outcomes = list(ReplyDecision.objects.order_by("pk").values_list("item_id", "outcome"))
    assert outcomes == [
        (1, DecisionOutcome.SENT_CLEAN),
        (2, DecisionOutcome.BLOCKED),
        (3, DecisionOutcome.HELD),
        (3, DecisionOutcome.SENT_OVER_WARNINGS),
    ]
    assert ReplyDecisionCode.objects.filter(
        decision__item_id=2, code="contact_outside_chat", severity="error"
    ).exists()


def test_a_blocked_reply_fixed_and_sent_counts_as_fixed_and_resent(shops):
    seller = shops.users[Role.SELLER]
    _attempt(shops.mine, seller, WITH_PHONE, item_id=5)
    _attempt(shops.mine, seller, CLEAN, item_id=5)
    assert ReplyDecision.objects.order_by("-pk").first().outcome == DecisionOutcome.FIXED_RESENT


def test_guard_without_an_item_records_nothing(shops):
    reply_guard(shop=shops.mine, text=CLEAN, channel="question_answer")
    assert not ReplyDecision.objects.exists()


def test_dashboard_per_seller_per_check_with_click_through_and_csv(shops, admin_client_shop):
    seller = shops.users[Role.SELLER]
    manager = shops.users[Role.MANAGER]
    _attempt(shops.mine, seller, WITH_PHONE, item_id=1)
    _attempt(shops.mine, seller, CLEAN, item_id=1)
    _attempt(shops.mine, manager, NO_GREETING, item_id=2, confirmed=True)
    _attempt(shops.other, shops.other_users[Role.SELLER], WITH_PHONE, item_id=9)

    response = admin_client_shop.get(reverse("replycheck:quality"))
    assert response.status_code == 200
    board = response.context["board"]
    assert (board.total.checked, board.total.blocked, board.total.over_warnings) == (3, 1, 1)
    by_user = {row.user_id: row for row in board.sellers}
    assert by_user[seller.pk].blocked == 1 and by_user[seller.pk].fixed == 1
    assert by_user[manager.pk].over_warnings == 1
    codes = {row.code: row for row in board.codes}
    assert codes["contact_outside_chat"].blocked == 1
    assert codes["missing_greeting"].sent_anyway == 1

    blocked = admin_client_shop.get(reverse("replycheck:quality_decisions"), {"outcome": "blocked"})
    rows = blocked.context["rows"]
    assert [decision.item_id for decision, _link in rows] == [1]  # not the other shop's

    export = admin_client_shop.get(reverse("replycheck:quality_export"))
    table = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert table[0][:3] == ["section", "seller", "code"]
    assert any(row[0] == "check" and row[2] == "contact_outside_chat" for row in table)


def test_dashboard_is_for_admins_only(shops, seller_client, manager_client):
    assert seller_client.get(reverse("replycheck:quality")).status_code == 403
    assert manager_client.get(reverse("replycheck:quality")).status_code == 403


def test_sellers_own_card_shows_their_week(shops, seller_client):
    seller = shops.users[Role.SELLER]
    _attempt(shops.mine, seller, WITH_PHONE, item_id=1)
    _attempt(shops.mine, seller, CLEAN, item_id=1)
    _attempt(shops.mine, shops.users[Role.MANAGER], CLEAN, item_id=2)
    card = seller_client.get(reverse("notifications:profile")).context["card"]
    assert (card.checked, card.clean, card.blocked) == (2, 1, 1)
    assert card.top_codes[0][0] == "contact_outside_chat"
