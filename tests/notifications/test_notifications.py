"""Notifications as the team meets them: the bell, e-mail, Telegram, quiet hours, digests."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.services import review_create
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.crypto import token_decrypt
from sellerdesk.notifications import services
from sellerdesk.notifications.models import (
    DeliveryState,
    EventKind,
    Notification,
    NotificationDelivery,
    NotifyChannel,
    TelegramBot,
)
from tests.notifications.conftest import link_telegram

pytestmark = pytest.mark.django_db


def _with_email(users) -> None:
    for role, user in users.items():
        user.email = f"{role.value}@shop.example"
        user.save()


def _event(shop, key="review:1:low", **extra):
    return services.notify(
        shop=shop,
        kind=EventKind.REVIEW_LOW,
        key=key,
        params={"rating": 1, "product": "Чайник", "excerpt": "Протекает"},
        url="/reviews/1/",
        **extra,
    )


def test_each_member_is_told_once_however_often_the_event_is_seen(shops):
    first = _event(shops.mine)
    again = _event(shops.mine)
    assert len(first) == 3  # seller, manager, admin of the shop
    assert again == []
    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(user__in=shops.other_users.values()).exists()


def test_bell_counts_unread_and_opening_marks_read_and_leads_to_the_item(shops, seller_client):
    _event(shops.mine)
    badge = seller_client.get(reverse("notifications:badge"))
    assert badge.content.decode().strip() == "1"
    page = seller_client.get(reverse("notifications:list"))
    assert "Чайник" in page.content.decode()
    notification = Notification.objects.get(user=shops.users[Role.SELLER])
    opened = seller_client.get(
        reverse("notifications:open", kwargs={"notification_id": notification.pk})
    )
    assert opened.status_code == 302 and opened["Location"] == "/reviews/1/"
    assert seller_client.get(reverse("notifications:badge")).content.decode().strip() == ""


def test_a_member_cannot_open_someone_elses_notification(shops, seller_client):
    _event(shops.mine)
    managers = Notification.objects.get(user=shops.users[Role.MANAGER])
    response = seller_client.get(
        reverse("notifications:open", kwargs={"notification_id": managers.pk})
    )
    assert response.status_code == 404
    managers.refresh_from_db()
    assert managers.read_at is None


def test_a_low_review_tells_the_team_and_a_good_one_does_not(
    shops, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review_create(shop=shops.mine, rating=5, text="Отлично")
        bad = review_create(shop=shops.mine, rating=1, text="Пришёл разбитым")
    rows = Notification.objects.filter(kind=EventKind.REVIEW_LOW)
    assert rows.count() == 3
    assert {row.url for row in rows} == {reverse("reviews:detail", kwargs={"review_id": bad.pk})}


def test_email_with_a_working_unsubscribe_link_that_needs_no_login(
    shops, django_capture_on_commit_callbacks
):
    _with_email(shops.users)
    with django_capture_on_commit_callbacks(execute=True):
        _event(shops.mine, user_ids=[shops.users[Role.SELLER].pk])
    services.deliveries_sweep()  # the worker's backstop sends what is due
    delivery = NotificationDelivery.objects.get()
    services.notification_deliver(delivery_id=delivery.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["seller@shop.example"]
    assert "Чайник" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = urlsplit(link).path + "?" + urlsplit(link).query

    anonymous = Client()
    assert anonymous.get(path).status_code == 200  # a confirmation page, nothing changed yet
    assert anonymous.post(path).status_code == 200
    seller = shops.users[Role.SELLER]
    services.notify(
        shop=shops.mine, kind=EventKind.REVIEW_LOW, key="review:2:low", user_ids=[seller.pk]
    )
    assert NotificationDelivery.objects.count() == 1  # no new e-mail for that event
    assert Notification.objects.filter(key="review:2:low", user=seller).exists()


def test_a_forged_unsubscribe_link_changes_nothing(shops):
    response = Client().post(reverse("notifications:unsubscribe") + "?t=forged")
    assert response.status_code == 400


def test_quiet_hours_hold_outside_messages_until_they_end(shops):
    _with_email(shops.users)
    seller = shops.users[Role.SELLER]
    shops.mine.time_zone = "Europe/Moscow"
    shops.mine.save()
    services.preference_update(
        user=seller,
        shop=shops.mine,
        channels={EventKind.REVIEW_LOW: [NotifyChannel.IN_APP, NotifyChannel.EMAIL]},
        quiet_start=time(22, 0),
        quiet_end=time(8, 0),
        digest=False,
    )
    night = datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    with time_machine.travel(night, tick=False):
        _event(shops.mine, user_ids=[seller.pk])
        delivery = NotificationDelivery.objects.get()
        assert delivery.not_before == datetime(2026, 12, 2, 5, 0, tzinfo=UTC)  # 08:00 Moscow
        services.deliveries_sweep()
        assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.QUEUED
    assert mail.outbox == []
    with time_machine.travel(datetime(2026, 12, 2, 5, 1, tzinfo=UTC), tick=False):
        assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.SENT
    assert len(mail.outbox) == 1
    # The bell never waits.
    assert Notification.objects.get(user=seller).in_app


def test_hourly_digest_sends_one_message_for_several_events(shops):
    _with_email(shops.users)
    seller = shops.users[Role.SELLER]
    services.preference_update(
        user=seller,
        shop=shops.mine,
        channels={EventKind.REVIEW_LOW: [NotifyChannel.EMAIL]},
        quiet_start=None,
        quiet_end=None,
        digest=True,
    )
    start = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        for n in range(3):
            _event(shops.mine, key=f"review:{n}:low", user_ids=[seller.pk])
        services.deliveries_sweep()
    assert mail.outbox == []
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        result = services.deliveries_sweep()
    assert result["digests"] == 1
    assert len(mail.outbox) == 1
    assert "3" in mail.outbox[0].subject
    assert set(NotificationDelivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    # Only e-mail was chosen: the bell stays quiet for this event.
    assert not Notification.objects.filter(in_app=True, user=seller).exists()


def test_preferences_page_saves_the_grid_and_refuses_half_quiet_hours(shops, seller_client):
    url = reverse("notifications:profile")
    assert seller_client.get(url).status_code == 200
    bad = seller_client.post(url, {"quiet_start": "22:00"})
    assert bad.status_code == 200
    assert "quiet hours" in bad.content.decode().lower() or bad.context["form"].errors
    ok = seller_client.post(url, {f"{EventKind.SLA_BREACH}__telegram": "on", "digest": "on"})
    assert ok.status_code == 302
    services.notify(shop=shops.mine, kind=EventKind.REVIEW_LOW, key="r", user_ids=None)
    # Nothing ticked for low reviews: the seller is not told, the others are.
    assert not Notification.objects.filter(user=shops.users[Role.SELLER]).exists()
    assert Notification.objects.filter(user=shops.users[Role.MANAGER]).exists()


# --- Telegram ----------------------------------------------------------------------------------


def _telegram_only(shop, user) -> None:
    """The person wants low reviews in Telegram, nowhere else."""
    services.preference_update(
        user=user,
        shop=shop,
        channels={EventKind.REVIEW_LOW: [NotifyChannel.TELEGRAM]},
        quiet_start=None,
        quiet_end=None,
        digest=False,
    )


def test_bot_token_is_stored_encrypted_and_checked_with_the_api(bot):
    stored = TelegramBot.objects.get()
    assert bot.token not in stored.token_encrypted
    assert token_decrypt(stored.token_encrypted) == bot.token
    assert stored.username == bot.username


def test_linking_by_code_then_events_arrive_in_telegram(shops, bot):
    seller = shops.users[Role.SELLER]
    link_telegram(bot, seller, chat_id=555)
    assert "SellerDesk" in bot.messages_to(555)[0]  # the confirmation
    _telegram_only(shops.mine, seller)
    _event(shops.mine, user_ids=[seller.pk])
    delivery = NotificationDelivery.objects.get(channel=NotifyChannel.TELEGRAM)
    assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.SENT
    text = bot.messages_to(555)[-1]
    assert "Чайник" in text and "/reviews/1/" in text


def test_a_used_or_wrong_code_links_nothing(shops, bot):
    link = services.telegram_code_issue(user=shops.users[Role.SELLER])
    bot.user_writes(777, "/start WRONGCODE")
    assert services.telegram_poll() == 0
    bot.user_writes(777, f"/start {link.code}")
    assert services.telegram_poll() == 1
    bot.user_writes(888, f"/start {link.code}")  # the same code again, from another chat
    assert services.telegram_poll() == 0


def test_flood_control_waits_retry_after_then_delivers_once(shops, bot):
    seller = shops.users[Role.SELLER]
    link_telegram(bot, seller, chat_id=555)
    _telegram_only(shops.mine, seller)
    bot.flood_next, bot.flood_retry_after = 1, 40
    _event(shops.mine, user_ids=[seller.pk])
    delivery = NotificationDelivery.objects.get()
    before = timezone.now()
    assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.QUEUED
    delivery.refresh_from_db()
    assert delivery.not_before >= before + timedelta(seconds=40)
    later = delivery.not_before + timedelta(seconds=1)
    assert services.notification_deliver(delivery_id=delivery.pk, now=later) == DeliveryState.SENT
    assert len(bot.messages_to(555)) == 2  # confirmation + the one notification


def test_a_blocked_bot_fails_visibly_and_can_be_retried(shops, bot, seller_client):
    seller = shops.users[Role.SELLER]
    link_telegram(bot, seller, chat_id=555)
    _telegram_only(shops.mine, seller)
    bot.block(555)
    _event(shops.mine, user_ids=[seller.pk])
    delivery = NotificationDelivery.objects.get()
    assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.FAILED
    page = seller_client.get(reverse("notifications:profile")).content.decode()
    assert "blocked" in page
    bot.blocked_chats.clear()
    response = seller_client.post(
        reverse("notifications:delivery_retry", kwargs={"notificationdelivery_id": delivery.pk})
    )
    assert response.status_code == 302
    assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.SENT


def test_a_send_whose_outcome_is_unknown_is_not_repeated(shops, bot):
    seller = shops.users[Role.SELLER]
    link_telegram(bot, seller, chat_id=555)
    _event(shops.mine, user_ids=[seller.pk])
    _telegram_only(shops.mine, seller)
    _event(shops.mine, key="review:9:low", user_ids=[seller.pk])
    delivery = NotificationDelivery.objects.get()
    # A worker claimed it and died mid-call: the row is "sending" with a lease.
    NotificationDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.SENDING, lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert services.deliveries_sweep()["lost"] == 1
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and "unknown" in delivery.last_error
    assert services.notification_deliver(delivery_id=delivery.pk) == DeliveryState.FAILED
