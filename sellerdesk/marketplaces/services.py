"""Writes of the marketplaces app: the shop's account and token, inbound sync, the outbox."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.core.models import Role, Shop
from sellerdesk.marketplaces.base import ConnectorError, OutgoingFile
from sellerdesk.marketplaces.connectors import connector_for_shop, wildberries_account_for
from sellerdesk.marketplaces.crypto import token_encrypt
from sellerdesk.marketplaces.inbound import handler_for, inbound_record_import
from sellerdesk.marketplaces.models import (
    InboundRecord,
    InboundStream,
    MarketplaceAccount,
    OutboundItem,
    OutboundKind,
    OutboundState,
)
from sellerdesk.marketplaces.signals import outbound_item_changed
from sellerdesk.notifications.models import EventKind as NotifyEvent
from sellerdesk.notifications.services import notify_on_commit

logger = logging.getLogger(__name__)

TOKEN_MAX_LENGTH = 4096
OUTBOX_BACKOFF_BASE = 5.0  # seconds before the first retry; doubles each attempt
OUTBOX_BACKOFF_MAX = 15 * 60.0
OUTBOX_MAX_ATTEMPTS = 12
OUTBOX_LEASE = timedelta(minutes=5)  # longer than a task's hard time limit (120 s)


# --- account ---------------------------------------------------------------------------------


def account_get_or_create(*, shop: Shop) -> MarketplaceAccount:
    account, _ = MarketplaceAccount.objects.get_or_create(shop=shop)
    return account


@transaction.atomic
def account_token_set(*, shop: Shop, token: str) -> MarketplaceAccount:
    """Store a new API token (encrypted); replies that failed on the old token are queued again."""
    token = token.strip()
    if not token:
        raise ValidationError({"token": _("Paste the API token.")})
    if len(token) > TOKEN_MAX_LENGTH or any(ch.isspace() for ch in token):
        raise ValidationError({"token": _("This does not look like an API token.")})
    account = MarketplaceAccount.objects.select_for_update().get_or_create(shop=shop)[0]
    account.token_encrypted = token_encrypt(token)
    account.token_last4 = token[-4:]
    account.auth_failed = False
    account.last_error = ""
    account.last_check_ok = None
    account.full_clean()
    account.save()
    stuck = list(
        OutboundItem.objects.for_shop(shop).filter(state=OutboundState.FAILED, error_is_auth=True)
    )
    for item in stuck:
        _outbox_requeue(item)
    return account


@transaction.atomic
def account_settings_update(
    *, shop: Shop, enabled: bool, feedbacks_base_url: str = "", chat_base_url: str = ""
) -> MarketplaceAccount:
    account = MarketplaceAccount.objects.select_for_update().get_or_create(shop=shop)[0]
    account.enabled = enabled
    account.feedbacks_base_url = feedbacks_base_url.strip()
    account.chat_base_url = chat_base_url.strip()
    account.full_clean()
    account.save()
    return account


@transaction.atomic
def account_token_remove(*, shop: Shop) -> None:
    MarketplaceAccount.objects.for_shop(shop).update(
        token_encrypted="", token_last4="", last_check_ok=None
    )


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def account_connection_test(*, shop: Shop) -> ConnectionCheck:
    """One cheap read per API group with the stored token; the result is kept on the account."""
    from sellerdesk.marketplaces.wildberries.connector import client_for_account
    from sellerdesk.marketplaces.wildberries.errors import WildberriesAuthError, WildberriesError

    account = wildberries_account_for(shop)
    if account is None:
        return ConnectionCheck(False, _("No API token is stored for this shop."))
    refused = False
    try:
        with client_for_account(account, timeout=10.0, max_limiter_wait=5.0) as client:
            client.has_new()
            client.chats()
        check = ConnectionCheck(True, _("Connected: questions, reviews and chats answer."))
    except WildberriesError as error:
        check = ConnectionCheck(
            False, _("Wildberries answered: %(message)s") % {"message": error.message}
        )
        refused = isinstance(error, WildberriesAuthError)
    with transaction.atomic():
        account = MarketplaceAccount.objects.select_for_update().get(pk=account.pk)
        account.last_check_ok = check.ok
        account.last_check_at = timezone.now()
        if check.ok or refused:
            account.auth_failed = refused
        account.save(update_fields=["last_check_ok", "last_check_at", "auth_failed", "updated_at"])
    return check


def _account_error_record(account_id: int, message: str, *, auth: bool = False) -> None:
    with transaction.atomic():
        account = (
            MarketplaceAccount.objects.select_for_update().select_related("shop").get(pk=account_id)
        )
        account.last_error = message[:2000]
        account.last_error_at = timezone.now()
        if auth and not account.auth_failed:
            # Once per refusal: the token stays refused until someone enters a new one.
            notify_on_commit(
                shop=account.shop,
                kind=NotifyEvent.TOKEN_REFUSED,
                key=f"token-refused:{account.pk}:{int(account.last_error_at.timestamp())}",
                params={"error": message[:300]},
                url=reverse("marketplaces:account"),
                min_role=Role.MANAGER,
            )
        if auth:
            account.auth_failed = True
            account.last_check_ok = False
        account.save(
            update_fields=[
                "last_error",
                "last_error_at",
                "auth_failed",
                "last_check_ok",
                "updated_at",
            ]
        )


def delivery_error_record(*, shop: Shop, error: ConnectorError) -> None:
    """An app delivering on its own (chats, questions) hit an error: a refused token is kept on
    the account exactly as the outbox does it (sync pauses, the settings page asks for a new token)."""
    from sellerdesk.marketplaces.wildberries.errors import WildberriesAuthError

    if not (
        isinstance(error, WildberriesAuthError) or getattr(error, "status", None) in (401, 403)
    ):
        return
    account = wildberries_account_for(shop)
    if account is not None:
        _account_error_record(account.pk, error.message, auth=True)


def retry_delay(error: ConnectorError, default: float) -> float:
    """Seconds before the next attempt: the caller's backoff, but never sooner than the
    marketplace asked (``retry_after`` of a 429, or our limiter's own wait)."""
    retry_after = getattr(error, "retry_after", None)
    return max(default, float(retry_after)) if retry_after else default


def account_sync(*, account_id: int):
    """Pull every stream since its cursor. Each page commits on its own (see wildberries.sync)."""
    from sellerdesk.marketplaces.wildberries import sync
    from sellerdesk.marketplaces.wildberries.connector import client_for_account
    from sellerdesk.marketplaces.wildberries.errors import WildberriesAuthError, WildberriesError

    stats = sync.SyncStats()
    account = MarketplaceAccount.objects.select_related("shop").get(pk=account_id)
    if not account.enabled or not account.has_token or account.auth_failed:
        return stats
    try:
        client = client_for_account(account)
    except WildberriesAuthError as error:
        stats.errors.append(error.message)
        _account_error_record(account_id, error.message, auth=True)
        return stats
    with client:
        for stream in sync.STREAMS:
            try:
                stream(account, client, stats)
            except WildberriesAuthError as error:
                stats.errors.append(error.message)
                _account_error_record(account_id, error.message, auth=True)
                return stats
            except WildberriesError as error:
                # The cursor stays at the last committed page; the next run resumes there.
                stats.errors.append(error.message)
                _account_error_record(account_id, f"{stream.__name__}: {error.message}")
    if not stats.errors:
        MarketplaceAccount.objects.filter(pk=account_id).update(last_error="")
    return stats


def inbound_import_pending(*, shop: Shop | None = None, limit: int = 500) -> int:
    """Hand staged records to their apps again (records whose hook failed last time)."""
    from sellerdesk.marketplaces.wildberries import sync

    converters = {
        InboundStream.QUESTION: sync.question_from_payload,
        InboundStream.FEEDBACK: sync.feedback_from_payload,
    }
    imported = 0
    for stream in InboundStream.values:
        handler = handler_for(stream)
        records = InboundRecord.objects.filter(stream=stream, imported_at__isnull=True).order_by(
            "remote_created_at", "pk"
        )
        if shop is not None:
            records = records.for_shop(shop)
        for record_id in list(records.values_list("pk", flat=True)[:limit]):
            with transaction.atomic():
                record = (
                    InboundRecord.objects.select_for_update(skip_locked=True)
                    .filter(pk=record_id, imported_at__isnull=True)
                    .select_related("shop")
                    .first()
                )
                if record is None:
                    continue
                if stream == InboundStream.CHAT_EVENT:
                    from sellerdesk.marketplaces.models import RemoteChat

                    sign = (
                        RemoteChat.objects.for_shop(record.shop)
                        .filter(chat_id=record.payload.get("chatID"))
                        .values_list("reply_sign", flat=True)
                        .first()
                        or ""
                    )
                    item = sync.chat_message_from_payload(record.payload, reply_sign=sign)
                else:
                    item = converters[stream](record.payload)
                imported += inbound_record_import(record=record, item=item, handler=handler)
                record.save()
    return imported


def marketplace_file_download(*, shop: Shop, download_ref: str) -> tuple[str, bytes]:
    """Bytes of a file a buyer attached in chat (content type, data)."""
    from sellerdesk.marketplaces.wildberries.connector import client_for_account

    account = wildberries_account_for(shop)
    if account is None:
        raise ConnectorError("no marketplace account for this shop", retryable=False)
    with client_for_account(account) as client:
        return client.download(download_ref)


# --- outbox ----------------------------------------------------------------------------------


def _validate_payload(kind: str, payload: dict) -> None:
    text = payload.get("text")
    if not isinstance(text, str):
        raise ValidationError({"payload": "text is required"})
    if kind == OutboundKind.CHAT_MESSAGE:
        files = payload.get("files") or []
        if not text.strip() and not files:
            raise ValidationError({"payload": _("Write a message or attach a file.")})
        for entry in files:
            if not {"name", "content_type", "size", "path"} <= set(entry):
                raise ValidationError(
                    {"payload": "each file needs name, content_type, size and path"}
                )
    elif not text.strip():
        raise ValidationError({"payload": _("The reply is empty.")})


def _enqueue_send(item: OutboundItem, *, countdown: float | None = None) -> None:
    from sellerdesk.marketplaces.tasks import outbox_send

    if countdown:
        transaction.on_commit(
            partial(outbox_send.apply_async, args=(item.pk,), countdown=countdown)
        )
    else:
        transaction.on_commit(partial(outbox_send.delay, item.pk))


def _notify(item: OutboundItem) -> None:
    transaction.on_commit(partial(outbound_item_changed.send, sender=OutboundItem, item=item))


@transaction.atomic
def outbox_enqueue(
    *,
    shop: Shop,
    kind: str,
    target_ref: str,
    payload: dict,
    idempotency_key: str,
    created_by_id: int | None = None,
) -> OutboundItem:
    """Save a reply for delivery; the same ``idempotency_key`` always yields the same item.

    ``payload``: ``{"text": ...}``; chat messages may add ``"files": [{"name", "content_type",
    "size", "path"}]`` where ``path`` is a name in ``default_storage``.
    """
    existing = OutboundItem.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.shop_id != shop.pk:
            raise ValidationError({"idempotency_key": "already used by another shop"})
        return existing
    _validate_payload(kind, payload)
    item = OutboundItem(
        shop=shop,
        kind=kind,
        target_ref=target_ref,
        payload=payload,
        idempotency_key=idempotency_key,
        created_by_id=created_by_id,
        next_attempt_at=timezone.now(),
    )
    item.full_clean()
    item.save()
    _enqueue_send(item)
    return item


def _outbox_requeue(item: OutboundItem) -> None:
    item.state = OutboundState.QUEUED
    item.next_attempt_at = timezone.now()
    item.lease_until = None
    item.error_is_auth = False
    item.save()
    _enqueue_send(item)
    _notify(item)


@transaction.atomic
def outbox_retry(*, item: OutboundItem) -> OutboundItem:
    """A seller asks to try a failed reply again (same item, same idempotency key)."""
    item = OutboundItem.objects.select_for_update().get(pk=item.pk)
    if item.state != OutboundState.FAILED:
        return item
    item.attempts = 0
    _outbox_requeue(item)
    return item


def _claim(item_id: int) -> OutboundItem | None:
    now = timezone.now()
    with transaction.atomic():
        item = (
            OutboundItem.objects.select_for_update(skip_locked=True)
            .select_related("shop")
            .filter(pk=item_id)
            .first()
        )
        if item is None or item.state in (OutboundState.SENT, OutboundState.FAILED):
            return None
        if item.state == OutboundState.SENDING:
            if item.lease_until and item.lease_until > now:
                return None  # another worker holds it
            item.outcome_unknown = True  # that worker died mid-request: it may have been sent
        elif item.next_attempt_at and item.next_attempt_at > now:
            return None  # not due yet; its delayed task will come
        item.state = OutboundState.SENDING
        item.attempts += 1
        item.lease_until = now + OUTBOX_LEASE
        if not item.outcome_unknown or item.last_attempt_started_at is None:
            item.last_attempt_started_at = now
        item.save()
        return item


def _files(item: OutboundItem) -> list[OutgoingFile]:
    return [
        OutgoingFile(
            name=entry["name"],
            content_type=entry["content_type"],
            size=int(entry["size"]),
            open=partial(default_storage.open, entry["path"], "rb"),
        )
        for entry in item.payload.get("files") or []
    ]


def _deliver(connector, item: OutboundItem) -> str:
    text = item.payload.get("text", "")
    shop = item.shop
    if item.kind == OutboundKind.QUESTION_ANSWER:
        connector.answer_question(shop=shop, question_ref=item.target_ref, text=text)
        return ""
    if item.kind == OutboundKind.QUESTION_DECLINE:
        connector.decline_question(shop=shop, question_ref=item.target_ref, text=text)
        return ""
    if item.kind == OutboundKind.FEEDBACK_ANSWER:
        connector.answer_review(shop=shop, review_ref=item.target_ref, text=text)
        return ""
    options = {}
    if item.outcome_unknown and item.last_attempt_started_at and _accepts_sent_after(connector):
        options["sent_after_ms"] = int(item.last_attempt_started_at.timestamp() * 1000)
    return connector.send_chat_message(
        shop=shop, chat_ref=item.target_ref, text=text, attachments=_files(item), **options
    )


def _accepts_sent_after(connector) -> bool:
    import inspect

    return "sent_after_ms" in inspect.signature(connector.send_chat_message).parameters


def outbox_backoff(attempts: int, retry_after: float | None = None) -> float:
    delay = min(
        OUTBOX_BACKOFF_MAX, OUTBOX_BACKOFF_BASE * 2 ** max(0, attempts - 1)
    ) * random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def outbox_deliver(*, item_id: int) -> OutboundItem | None:
    """One delivery attempt (the body of the ``outbox_send`` task)."""
    item = _claim(item_id)
    if item is None:
        return None
    connector = connector_for_shop(item.shop)
    error: ConnectorError | None = None
    remote_id = ""
    try:
        remote_id = _deliver(connector, item) or ""
    except ConnectorError as raised:
        error = raised
    except Exception as raised:  # a bug or an unexpected library error: keep the item, retry later
        logger.exception("outbox item %s: unexpected error", item.pk)
        error = ConnectorError(f"{raised.__class__.__name__}: {raised}", retryable=True)
        error.outcome_unknown = True  # type: ignore[attr-defined]  # we cannot tell whether it went out
    finally:
        close = getattr(connector, "close", None)
        if close:
            close()
    with transaction.atomic():
        item = OutboundItem.objects.select_for_update().get(pk=item.pk)
        if item.state != OutboundState.SENDING:
            return item
        now = timezone.now()
        item.lease_until = None
        if error is None:
            item.state = OutboundState.SENT
            item.sent_at = now
            item.remote_id = remote_id[:128]
            item.last_error = ""
            item.outcome_unknown = False
        else:
            from sellerdesk.marketplaces.wildberries.errors import WildberriesAuthError

            item.last_error = error.message[:2000]
            item.outcome_unknown = item.outcome_unknown or bool(
                getattr(error, "outcome_unknown", False)
            )
            if error.retryable and item.attempts < OUTBOX_MAX_ATTEMPTS:
                delay = outbox_backoff(item.attempts, getattr(error, "retry_after", None))
                item.state = OutboundState.QUEUED
                item.next_attempt_at = now + timedelta(seconds=delay)
                _enqueue_send(item, countdown=delay)
            else:
                item.state = OutboundState.FAILED
                item.error_is_auth = isinstance(error, WildberriesAuthError)
        item.save()
        if item.state != OutboundState.QUEUED:
            _notify(item)
        if error is not None and getattr(error, "status", None) in (401, 403):
            account = wildberries_account_for(item.shop)
            if account is not None:
                _account_error_record(account.pk, error.message, auth=True)
    return item


def outbox_requeue_due(*, limit: int = 500) -> int:
    """Safety net for lost task messages: re-enqueue due items and items whose worker died."""
    now = timezone.now()
    due = list(
        OutboundItem.objects.filter(
            state=OutboundState.QUEUED, next_attempt_at__lte=now - timedelta(seconds=30)
        ).values_list("pk", flat=True)[:limit]
    ) + list(
        OutboundItem.objects.filter(state=OutboundState.SENDING, lease_until__lt=now).values_list(
            "pk", flat=True
        )[:limit]
    )
    from sellerdesk.marketplaces.tasks import outbox_send

    for item_id in due:
        outbox_send.delay(item_id)
    return len(due)
