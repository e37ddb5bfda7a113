"""The autopilot on reviews through the real services: drafts, gate, triggers, schedule, send."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from autopilot import selectors, services
from autopilot.models import AutoReply, State, SystemicAlert
from reviews.models import Review
from sellerdesk.core.models import Role
from tests.autopilot.conftest import arrive

pytestmark = pytest.mark.django_db


def test_a_happy_review_gets_a_clean_reply_scheduled_after_the_delay(shop, kettle):
    before = timezone.now()
    auto = arrive(shop, 5, "Отличный чайник, кипятит быстро!", product=kettle)
    assert auto.state == State.SCHEDULED
    assert "Анна" in auto.text and "Чайник стеклянный" in auto.text
    assert auto.check_report["findings"] == []
    assert timedelta(minutes=29) < auto.scheduled_for - before <= timedelta(minutes=31)
    assert {entry["role"] for entry in auto.could_stop} >= {"seller", "manager"}
    assert auto.gate["ratings"] == [4, 5] and auto.gate["decision"] == "auto"


def test_off_by_default_the_draft_waits_in_the_reply_box(shops, seller_client):
    from reviews import services as reviews
    from templates_lib.services import templates_install_defaults

    templates_install_defaults(shop=shops.mine)
    reviews.situation_rules_install_defaults(shop=shops.mine)
    auto = arrive(shops.mine, 5, "Всё супер")
    assert auto.state == State.DRAFT
    assert auto.reason
    page = seller_client.get(reverse("reviews:detail", args=[auto.review_id]))
    assert auto.text in page.content.decode()


def test_hidden_danger_in_a_five_star_review_escalates_to_the_top(shop, seller_client):
    arrive(shop, 5, "Чайник классный")
    auto = arrive(shop, 5, "Пять звёзд, но у ребёнка сыпь после использования", buyer="Игорь")
    assert auto.state == State.ESCALATED
    assert "health" in auto.reason
    assert auto.triggers[0]["kind"] == "health"
    page = seller_client.get(reverse("autopilot:page"))
    assert page.context["tab"] == "escalated"
    assert [item.pk for item in page.context["items"]] == [auto.pk]
    assert seller_client.get(reverse("autopilot:escalated_badge")).content == b"1"


def test_unhappy_reviews_stay_drafts(shop, kettle):
    auto = arrive(shop, 2, "Чайник пришёл разбитый", product=kettle)
    assert auto.state == State.DRAFT
    assert auto.situation == "damaged_in_transit"
    assert auto.text  # drafted from the situation's template all the same


def test_two_reviews_of_a_product_never_get_the_same_wording(shop, kettle):
    first = arrive(shop, 5, "Хороший чайник", product=kettle, buyer="Анна")
    second = arrive(shop, 5, "Отличный чайник", product=kettle, buyer="Олег")
    assert first.text.replace("Анна", "") != second.text.replace("Олег", "")


def test_the_worker_sends_when_due_through_the_review_service(shop, kettle):
    auto = arrive(shop, 5, "Прекрасный чайник", product=kettle)
    assert services.auto_reply_send(auto_id=auto.pk) == "not_due"
    with time_machine.travel(auto.scheduled_for + timedelta(seconds=1)):
        assert services.auto_reply_send(auto_id=auto.pk) == "sent"
        assert services.auto_reply_send(auto_id=auto.pk) == "not_scheduled"
    review = Review.objects.get(pk=auto.review_id)
    assert review.answer_text == auto.text
    assert review.answered_by.username == services.AUTOPILOT_USERNAME
    assert AutoReply.objects.get(pk=auto.pk).state == State.SENT


def test_cancelled_and_paused_replies_are_not_sent(shop, shops, kettle):
    seller = shops.users[Role.SELLER]
    cancelled = arrive(shop, 5, "Супер", buyer="Вера", product=kettle)
    services.auto_reply_cancel(auto=cancelled, user=seller)
    waiting = arrive(shop, 4, "Хорошо", buyer="Олег", product=kettle)
    services.autopilot_settings_update(shop=shop, fields={"paused": True}, user=None)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.auto_reply_send(auto_id=cancelled.pk) == "not_scheduled"
        assert services.auto_reply_send(auto_id=waiting.pk) == "paused"
    assert not Review.objects.filter(answered_at__isnull=False).exists()


def test_the_daily_cap_moves_the_rest_to_tomorrow(shop, kettle):
    services.autopilot_settings_update(shop=shop, fields={"daily_cap": 1}, user=None)
    one = arrive(shop, 5, "Отлично", buyer="Анна", product=kettle)
    two = arrive(shop, 5, "Замечательно", buyer="Олег", product=kettle)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.auto_reply_send(auto_id=one.pk) == "sent"
        assert services.auto_reply_send(auto_id=two.pk) == "cap"
    two.refresh_from_db()
    assert two.state == State.SCHEDULED
    assert timezone.localdate(two.scheduled_for) > timezone.localdate()


def test_an_edited_reply_is_checked_again_and_counted(shop, shops, seller_client, kettle):
    seller = shops.users[Role.SELLER]
    auto = arrive(shop, 5, "Прекрасно", buyer="Анна", product=kettle)
    response = seller_client.post(
        reverse("autopilot:edit", args=[auto.pk]),
        {"text": "Здравствуйте, Анна! Спасибо за отзыв. Звоните 8 916 482-37-19. Хорошего дня!"},
    )
    assert response.status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.auto_reply_send(auto_id=auto.pk) == "held"
    auto.refresh_from_db()
    assert auto.state == State.DRAFT and "contact_outside_chat" in auto.reason
    fine = arrive(shop, 5, "Класс", buyer="Олег", product=kettle)
    services.auto_reply_edit(
        auto=fine,
        text="Здравствуйте, Олег! Спасибо за отзыв, очень приятно. Хорошего дня!",
        user=seller,
    )
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.auto_reply_send(auto_id=fine.pk) == "sent"
        assert selectors.figures(shop=shop).edited == 1


def test_k_reviews_of_one_product_sharing_a_problem_raise_one_alert(shop, kettle, manager_client):
    for buyer in ("Анна", "Олег", "Вера", "Игорь"):
        arrive(shop, 2, "Очень долгая доставка, ждал почти месяц", product=kettle, buyer=buyer)
    alerts = list(SystemicAlert.objects.all())
    assert len(alerts) == 1
    assert (alerts[0].situation, alerts[0].review_count) == ("delivery_delay", 4)
    page = manager_client.get(reverse("autopilot:page"))
    assert "Чайник стеклянный" in page.content.decode()


def test_page_figures_and_csv(shop, seller_client, kettle):
    auto = arrive(shop, 5, "Отлично", buyer="Анна", product=kettle)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        services.auto_reply_send(auto_id=auto.pk)
    page = seller_client.get(reverse("autopilot:page") + "?tab=sent")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert page.context["figures"].sent == 1
    assert page.context["figures"].median_auto_minutes is not None
    csv = seller_client.get(reverse("autopilot:export")).content.decode().splitlines()
    assert csv[0].startswith("date,drafted,sent_automatically")
    assert sum(int(line.split(",")[2]) for line in csv[1:]) == 1


def test_a_new_review_queues_the_autopilot_on_commit(shop, django_capture_on_commit_callbacks):
    from reviews import services as reviews

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = reviews.review_create(shop=shop, rating=5, text="Ок", buyer_name="Анна")
    names = [getattr(cb, "func", cb) for cb in callbacks]
    assert any(
        getattr(n, "__self__", None) is not None and "review_arrived" in str(n.__self__)
        for n in names
    )
    assert not AutoReply.objects.filter(review=review).exists()
