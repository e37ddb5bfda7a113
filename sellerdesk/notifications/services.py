"""Notification writes: tell people about events, deliver outside the app, link Telegram.

Delivery follows the reply outbox's rules: a row is claimed with a lease in its own short
transaction, the e-mail or Telegram call happens outside any transaction, and the outcome is
recorded afterwards. A row whose lease ran out while "sending" (the worker died mid-call) is
never sent again by itself — the message may already be in the person's inbox, and a
duplicate is what the person would notice; it is marked failed ("outcome unknown") and the
person can send it again from their profile.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sellerdesk.core.models import Membership, Role, Shop
from sellerdesk.marketplaces.crypto import token_decrypt, token_encrypt
from sellerdesk.notifications import telegram
from sellerdesk.notifications.models import (
    DEFAULT_CHANNELS,
    DeliveryState,
    EventKind,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    NotifyChannel,
    TelegramBot,
    TelegramLink,
)
from sellerdesk.notifications.texts import SHOP_LANGUAGE_TO_UI, render_in

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "sellerdesk.notifications.unsubscribe"
ALL_EVENTS = "*"
LINK_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LINK_CODE_TTL = timedelta(minutes=30)


# --- Telling people ---------------------------------------------------------------------------


def _recipients(*, shop: Shop, min_role: Role, user_ids: Iterable[int] | None) -> list[int]:
    roles = [role for role in Role if role.includes(min_role)]
    members = Membership.objects.filter(shop=shop, role__in=roles)
    if user_ids is not None:
        members = members.filter(user_id__in=list(user_ids))
    return list(members.values_list("user_id", flat=True))


def _in_quiet_hours(pref: NotificationPreference, local: datetime) -> bool:
    start, end = pref.quiet_start, pref.quiet_end
    if start is None or end is None or start == end:
        return False
    now = local.time()
    return start <= now < end if start < end else (now >= start or now < end)


def _next_local(local: datetime, at: time) -> datetime:
    candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


def delivery_not_before(
    *, pref: NotificationPreference | None, tz: ZoneInfo, now: datetime, digest: bool
) -> datetime:
    """When an outside message may go: after quiet hours, and at the next full hour for digests."""
    local = now.astimezone(tz)
    moment = local
    if digest:
        moment = (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    if pref is not None and _in_quiet_hours(pref, moment) and pref.quiet_end is not None:
        moment = _next_local(moment, pref.quiet_end)
    return moment.astimezone(now.tzinfo)


def notify(
    *,
    shop: Shop,
    kind: str,
    key: str,
    params: dict[str, Any] | None = None,
    url: str = "",
    min_role: Role = Role.SELLER,
    user_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell the shop's members (``min_role`` and up, or only ``user_ids`` among them) once.

    ``key`` names the event ("review:41:low"); a person already told of it is skipped, so
    workers and retries that see the same event again add nothing.
    """
    kind = EventKind(kind).value
    now = now or timezone.now()
    recipients = _recipients(shop=shop, min_role=min_role, user_ids=user_ids)
    if not recipients:
        return []
    prefs = {
        pref.user_id: pref
        for pref in NotificationPreference.objects.filter(shop=shop, user_id__in=recipients)
    }
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in=recipients)}
    linked = set(
        TelegramLink.objects.filter(
            user_id__in=recipients, chat_id__isnull=False, blocked_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    telegram_ready = telegram_bot_token() is not None
    tz = ZoneInfo(shop.time_zone)
    created: list[Notification] = []
    deliveries: list[int] = []
    with transaction.atomic():
        for user_id in recipients:
            pref = prefs.get(user_id)
            channels = pref.channels_for(kind) if pref else _default_channels(kind)
            outside = []
            if NotifyChannel.EMAIL in channels and users[user_id].email:
                outside.append(NotifyChannel.EMAIL)
            if NotifyChannel.TELEGRAM in channels and telegram_ready and user_id in linked:
                outside.append(NotifyChannel.TELEGRAM)
            in_app = NotifyChannel.IN_APP in channels
            if not in_app and not outside:
                continue
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        shop=shop,
                        user_id=user_id,
                        kind=kind,
                        key=key[:120],
                        params=params or {},
                        url=url[:500],
                        in_app=in_app,
                    )
            except IntegrityError:
                continue  # this person was told already
            created.append(notification)
            digest = bool(pref and pref.digest)
            for channel in outside:
                delivery = NotificationDelivery.objects.create(
                    notification=notification,
                    channel=channel,
                    digest=digest,
                    not_before=delivery_not_before(pref=pref, tz=tz, now=now, digest=digest),
                )
                if not digest and delivery.not_before <= now:
                    deliveries.append(delivery.pk)
    if deliveries:
        transaction.on_commit(partial(_enqueue, deliveries), robust=True)
    return created


def _default_channels(kind: str) -> list[str]:
    return list(DEFAULT_CHANNELS.get(kind, [NotifyChannel.IN_APP]))


def notify_on_commit(**kwargs: Any) -> None:
    """For services inside a transaction: tell people once the event is committed.

    Robust: a notification problem is logged, never undoes or breaks the caller's work.
    """
    transaction.on_commit(partial(notify, **kwargs), robust=True)


def _enqueue(delivery_ids: list[int]) -> None:
    from sellerdesk.notifications.tasks import notification_deliver

    for delivery_id in delivery_ids:
        try:
            notification_deliver.delay(delivery_id)
        except Exception:  # broker down: the sweep sends it once the broker is back
            logger.warning("notification delivery %s not enqueued; the sweep will", delivery_id)


def notification_mark_read(*, user: Any, shop: Shop, notification_id: int | None = None) -> int:
    rows = Notification.objects.for_shop(shop).filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


@transaction.atomic
def preference_update(
    *,
    user: Any,
    shop: Shop,
    channels: dict[str, list[str]],
    quiet_start: time | None,
    quiet_end: time | None,
    digest: bool,
) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user, shop=shop
    )
    pref.channels = {kind: sorted(set(chosen)) for kind, chosen in channels.items()}
    pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
    pref.digest = digest
    pref.full_clean()
    pref.save()
    return pref


# --- Unsubscribe links (no login: the signed link is the proof) -------------------------------


def unsubscribe_token(*, user_id: int, shop_id: int, kind: str, channel: str) -> str:
    return signing.dumps(
        {"u": user_id, "s": shop_id, "k": kind, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_url(*, user_id: int, shop_id: int, kind: str, channel: str) -> str:
    token = unsubscribe_token(user_id=user_id, shop_id=shop_id, kind=kind, channel=channel)
    return f"{settings.SITE_URL.rstrip('/')}{reverse('notifications:unsubscribe')}?t={token}"


def unsubscribe_read(token: str) -> dict[str, Any]:
    """The link's content, or ValidationError for a forged or damaged link."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise ValidationError(_("This unsubscribe link is not valid.")) from error
    if not isinstance(data, dict) or not {"u", "s", "k", "c"} <= set(data):
        raise ValidationError(_("This unsubscribe link is not valid."))
    return data


@transaction.atomic
def unsubscribe_apply(token: str) -> NotificationPreference:
    data = unsubscribe_read(token)
    shop = Shop.objects.filter(pk=data["s"]).first()
    user = get_user_model().objects.filter(pk=data["u"]).first()
    if shop is None or user is None:
        raise ValidationError(_("This unsubscribe link is not valid."))
    pref, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user, shop=shop
    )
    kinds = EventKind.values if data["k"] == ALL_EVENTS else [data["k"]]
    channels = dict(pref.channels)
    for kind in kinds:
        channels[kind] = [c for c in pref.channels_for(kind) if c != data["c"]]
    pref.channels = channels
    pref.full_clean()
    pref.save()
    return pref


# --- Delivery ---------------------------------------------------------------------------------


def _claim(ids: list[int], *, now: datetime) -> list[NotificationDelivery]:
    """Take queued, due rows for this worker: one UPDATE, committed before any sending."""
    lease = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    with transaction.atomic():
        claimed = list(
            NotificationDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, state=DeliveryState.QUEUED, not_before__lte=now)
            .values_list("pk", flat=True)
        )
        NotificationDelivery.objects.filter(pk__in=claimed).update(
            state=DeliveryState.SENDING, lease_until=lease, attempts=F("attempts") + 1
        )
    return list(
        NotificationDelivery.objects.filter(pk__in=claimed)
        .select_related("notification__shop", "notification__user")
        .order_by("notification__created_at", "pk")
    )


def _backoff(attempts: int, retry_after: float | None) -> float:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return max(float(retry_after or 0), min(base, settings.NOTIFICATIONS_RETRY_MAX_SECONDS))


def _record(rows: list[NotificationDelivery], *, error: Exception | None, now: datetime) -> None:
    ids = [row.pk for row in rows]
    if error is None:
        NotificationDelivery.objects.filter(pk__in=ids, state=DeliveryState.SENDING).update(
            state=DeliveryState.SENT, sent_at=now, lease_until=None, last_error=""
        )
        return
    message = str(error)[:500]
    retryable = isinstance(error, telegram.TelegramError) and error.retryable
    retryable = retryable or isinstance(error, OSError)  # SMTP/network trouble
    attempts = max(row.attempts for row in rows)
    if retryable and attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS:
        retry_after = error.retry_after if isinstance(error, telegram.TelegramError) else None
        NotificationDelivery.objects.filter(pk__in=ids, state=DeliveryState.SENDING).update(
            state=DeliveryState.QUEUED,
            not_before=now + timedelta(seconds=_backoff(attempts, retry_after)),
            lease_until=None,
            last_error=message,
        )
        return
    NotificationDelivery.objects.filter(pk__in=ids, state=DeliveryState.SENDING).update(
        state=DeliveryState.FAILED, lease_until=None, last_error=message
    )
    if isinstance(error, telegram.TelegramError) and error.kind == "blocked":
        user_ids = {row.notification.user_id for row in rows}
        TelegramLink.objects.filter(user_id__in=user_ids).update(blocked_at=now)


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def _compose(rows: list[NotificationDelivery]) -> tuple[str, str]:
    """Subject and plain text for one notification or a digest of several."""
    first = rows[0].notification
    language = first.shop.default_language
    lines = []
    for row in rows:
        note = row.notification
        text = render_in(language, note.kind, note.params)
        link = _absolute(note.url) if note.url else ""
        lines.append("\n".join(part for part in (text.title, text.body, link) if part))
    if len(rows) == 1:
        subject = render_in(language, first.kind, first.params).title
    else:
        with translation.override(SHOP_LANGUAGE_TO_UI.get(language, language)):
            subject = _("%(count)s new notifications · %(shop)s") % {
                "count": len(rows),
                "shop": first.shop.name,
            }
    return subject, "\n\n".join(lines)


def _send_email(rows: list[NotificationDelivery]) -> None:
    first = rows[0].notification
    subject, body = _compose(rows)
    kind = first.kind if len(rows) == 1 else ALL_EVENTS
    link = unsubscribe_url(
        user_id=first.user_id, shop_id=first.shop_id, kind=kind, channel=NotifyChannel.EMAIL
    )
    message = EmailMultiAlternatives(
        subject=f"[SellerDesk] {subject}"[:200],
        body=f"{body}\n\n--\n{_('Unsubscribe')}: {link}\n",
        to=[first.user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send(fail_silently=False)


def _send_telegram(rows: list[NotificationDelivery]) -> None:
    token = telegram_bot_token()
    if token is None:
        raise telegram.TelegramError("auth", "no bot configured")
    link = TelegramLink.objects.filter(
        user_id=rows[0].notification.user_id, chat_id__isnull=False, blocked_at__isnull=True
    ).first()
    if link is None or link.chat_id is None:
        raise telegram.TelegramError("blocked", "Telegram is not linked")
    _subject, body = _compose(rows)
    telegram.send_message(token, chat_id=link.chat_id, text=body)


def _send(rows: list[NotificationDelivery], *, now: datetime) -> None:
    sender = _send_email if rows[0].channel == NotifyChannel.EMAIL else _send_telegram
    error: Exception | None = None
    try:
        sender(rows)
    except (telegram.TelegramError, OSError) as exc:
        error = exc
    except Exception as exc:  # a mail backend's own error: record it, do not loop forever
        logger.exception("notification delivery failed")
        error = exc
    _record(rows, error=error, now=timezone.now() if now is None else max(now, timezone.now()))


def notification_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one due, queued, non-digest delivery; the state it ends in."""
    now = now or timezone.now()
    rows = [row for row in _claim([delivery_id], now=now) if not row.digest]
    if rows:
        _send(rows, now=now)
    state = (
        NotificationDelivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
    )
    return state or ""


def deliveries_sweep(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Every minute: give up on lost sends, send due digests, re-enqueue due single rows."""
    now = now or timezone.now()
    lost = NotificationDelivery.objects.filter(
        state=DeliveryState.SENDING, lease_until__lt=now
    ).update(
        state=DeliveryState.FAILED,
        lease_until=None,
        last_error="outcome unknown: the worker stopped while sending; send again if needed",
    )
    due = NotificationDelivery.objects.filter(state=DeliveryState.QUEUED, not_before__lte=now)
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, user_id, channel in due.filter(digest=True).values_list(
        "pk", "notification__user_id", "channel"
    )[:limit]:
        groups[(user_id, channel)].append(pk)
    digests = 0
    for ids in groups.values():
        rows = _claim(ids, now=now)
        if rows:
            _send(rows, now=now)
            digests += 1
    singles = list(due.filter(digest=False).values_list("pk", flat=True)[:limit])
    _enqueue(singles)
    return {"lost": lost, "digests": digests, "enqueued": len(singles)}


def delivery_retry(*, delivery: NotificationDelivery) -> NotificationDelivery:
    """The person asked to send a failed message again."""
    if delivery.state != DeliveryState.FAILED:
        raise ValidationError(_("Only a failed message can be sent again."))
    delivery.state = DeliveryState.QUEUED
    delivery.not_before = timezone.now()
    delivery.attempts = 0
    delivery.save(update_fields=["state", "not_before", "attempts"])
    if delivery.channel == NotifyChannel.TELEGRAM:
        TelegramLink.objects.filter(user_id=delivery.notification.user_id).update(blocked_at=None)
    transaction.on_commit(partial(_enqueue, [delivery.pk]), robust=True)
    return delivery


# --- Telegram ---------------------------------------------------------------------------------


def telegram_bot_token() -> str | None:
    bot = TelegramBot.objects.order_by("pk").first()
    if bot is None or not bot.token_encrypted:
        return None
    return token_decrypt(bot.token_encrypted)


@transaction.atomic
def telegram_bot_configure(*, token: str) -> TelegramBot:
    """Check the token with the Bot API, then keep it encrypted (one bot per installation)."""
    token = token.strip()
    if not token or len(token) > 200:
        raise ValidationError(_("Enter the bot token given by @BotFather."))
    try:
        me = telegram.get_me(token)
    except telegram.TelegramError as error:
        raise ValidationError(
            _("Telegram did not accept the token: %(error)s"), params={"error": error.description}
        ) from error
    bot = TelegramBot.objects.select_for_update().order_by("pk").first() or TelegramBot()
    bot.token_encrypted = token_encrypt(token)
    bot.token_last4 = token[-4:]
    bot.username = str(me.get("username", ""))[:64]
    bot.updates_offset = 0
    bot.save()
    return bot


def telegram_code_issue(*, user: Any, now: datetime | None = None) -> TelegramLink:
    """A fresh one-time code the person sends to the bot to link their chat."""
    now = now or timezone.now()
    for _attempt in range(5):
        code = "".join(secrets.choice(LINK_CODE_ALPHABET) for _i in range(8))
        try:
            with transaction.atomic():
                link, _created = TelegramLink.objects.select_for_update().get_or_create(user=user)
                link.code = code
                link.code_expires_at = now + LINK_CODE_TTL
                link.save(update_fields=["code", "code_expires_at"])
                return link
        except IntegrityError:
            continue
    raise RuntimeError("could not issue a unique Telegram link code")


def telegram_unlink(*, user: Any) -> None:
    TelegramLink.objects.filter(user=user).update(
        chat_id=None, linked_at=None, code="", code_expires_at=None, blocked_at=None
    )


def telegram_poll(*, now: datetime | None = None) -> int:
    """Read the bot's new messages and link the chats that sent a valid code; how many linked."""
    token = telegram_bot_token()
    if token is None:
        return 0
    now = now or timezone.now()
    bot = TelegramBot.objects.order_by("pk").first()
    assert bot is not None
    try:
        updates = telegram.get_updates(token, offset=bot.updates_offset)
    except telegram.TelegramError as error:
        logger.warning("telegram getUpdates failed: %s", error)
        return 0
    linked = 0
    last = bot.updates_offset - 1
    for update in updates:
        update_id = update.get("update_id")
        if isinstance(update_id, int):
            last = max(last, update_id)
        message = update.get("message") if isinstance(update.get("message"), dict) else None
        if not message:
            continue
        chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
        chat_id = chat.get("id")
        words = str(message.get("text", "")).upper().replace("/START", " ").split()
        if not isinstance(chat_id, int) or not words:
            continue
        with transaction.atomic():
            link = (
                TelegramLink.objects.select_for_update()
                .filter(code__in=words[:3], code_expires_at__gt=now)
                .exclude(code="")
                .first()
            )
            if link is None:
                continue
            link.chat_id = chat_id
            link.linked_at = now
            link.blocked_at = None
            link.code = ""
            link.code_expires_at = None
            link.save()
            linked += 1
        try:
            telegram.send_message(
                token, chat_id=chat_id, text=_("SellerDesk: notifications will arrive here.")
            )
        except telegram.TelegramError:
            logger.info("telegram link confirmation not sent to %s", chat_id)
    TelegramBot.objects.filter(pk=bot.pk).update(updates_offset=last + 1)
    return linked
