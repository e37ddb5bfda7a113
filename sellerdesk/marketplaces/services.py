"""Writes of the marketplaces app: the shop's account and token, inbound sync, the outbox."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.core.models import Role, Shop
from sellerdesk.marketplaces import connectors
from sellerdesk.marketplaces.base import (
    ConnectorError,
    MarketplaceConnector,
    OutgoingFile,
    PartialDelivery,
)
from sellerdesk.marketplaces.connectors import wildberries_account_for
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
            MarketplaceAccount.objects.select_for_update(of=("self",))
            .select_related("shop")
            .get(pk=account_id)
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
                    InboundRecord.objects.select_for_update(skip_locked=True, of=("self",))
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
#
# Every reply a shop sends (chat messages with their files, question answers, declines and
# withdrawals, review replies) is an ``OutboundItem``. The owning app saves it inside its own
# transaction (``outbox_enqueue``) and keeps a foreign key to it; the state the seller sees is
# the item's state. Delivery happens here:
#
# 1. ``_claim`` takes the item in a short transaction: state ``sending``, a lease until
#    ``OUTBOX_LEASE_SECONDS`` from now, the claim number (``attempts``) remembered.
# 2. The marketplace call runs outside any transaction, holding no row lock: a slow
#    marketplace never blocks the sellers working on the same shop.
# 3. ``_outcome_record`` writes the result only if the claim is still ours (same state and
#    attempt number): a worker that outlived its lease cannot overwrite a newer attempt.
# A worker that died mid-call leaves the item ``sending`` with an expired lease; the beat sweep
# re-enqueues it and the next claim marks the outcome unknown, so the connector reads the
# marketplace back before sending again: nothing is lost and nothing is sent twice.


def _validate_payload(kind: str, payload: dict) -> None:
    if kind == OutboundKind.QUESTION_WITHDRAW:
        return
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


def _publish(item_id: int, countdown: float | None) -> None:
    """Hand the item to a worker. A broker that is down must not fail the seller's request:
    the item is saved and due, and the beat sweep enqueues it once the broker is back."""
    from sellerdesk.marketplaces.tasks import outbox_send

    try:
        outbox_send.apply_async((item_id,), countdown=countdown or None)
    except Exception:  # kombu raises its own and redis-py's errors here
        logger.warning(
            "outbox item %s: the broker did not take the task; the sweep will send it",
            item_id,
            exc_info=True,
        )


def _enqueue_send(item: OutboundItem, *, countdown: float | None = None) -> None:
    transaction.on_commit(partial(_publish, item.pk, countdown))


def _notify(item: OutboundItem) -> None:
    transaction.on_commit(
        partial(outbound_item_changed.send, sender=OutboundItem, item=item), robust=True
    )


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

    ``target_ref``: the marketplace's reference of the item (question/feedback id, the chat's
    reply sign); empty for items the marketplace never gave us, which the local connector
    takes. ``payload``: ``{"text": ...}``; chat messages may add ``"files": [{"name",
    "content_type", "size", "path"}]`` where ``path`` is a name in ``default_storage``.
    Call it inside the app's own transaction: the task is published on commit.
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
    _notify(item)
    return item


@transaction.atomic
def outbox_cancel(*, item: OutboundItem) -> bool:
    """Stop a reply that has not gone out (a manager undid the decision behind it).

    True when it was cancelled (deleted); False when it is being sent, was sent, or a lost
    attempt may have published it — the caller then has to take it back on the marketplace.
    """
    item = OutboundItem.objects.select_for_update().get(pk=item.pk)
    if item.state == OutboundState.SENDING or item.state == OutboundState.SENT:
        return False
    if item.outcome_unknown:
        return False
    item.delete()
    return True


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
    """A seller asks to try a failed reply again (same item, same idempotency key).

    Anything else (already queued, sending or sent: a double click, another tab) is left as it
    is and returned, so the page shows the current state.
    """
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
            OutboundItem.objects.select_for_update(skip_locked=True, of=("self",))
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
            return None  # not due yet; its delayed task (or the sweep) will come
        item.state = OutboundState.SENDING
        item.attempts += 1
        item.lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
        if not item.outcome_unknown or item.last_attempt_started_at is None:
            item.last_attempt_started_at = now
        item.save()
    _notify(item)
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


def _deliver(connector: MarketplaceConnector, item: OutboundItem) -> str:
    """One marketplace call for ``item``; returns the marketplace's id of what was sent, if any."""
    text = item.payload.get("text", "")
    shop = item.shop
    # Items the marketplace never gave us still need a name in the local connector's log.
    ref = item.target_ref or f"local-{item.pk}"
    if item.kind == OutboundKind.QUESTION_ANSWER:
        connector.answer_question(shop=shop, question_ref=ref, text=text)
        return ""
    if item.kind == OutboundKind.QUESTION_DECLINE:
        connector.decline_question(shop=shop, question_ref=ref, text=text)
        return ""
    if item.kind == OutboundKind.QUESTION_WITHDRAW:
        if not connector.withdraw_question_answer(shop=shop, question_ref=ref):
            raise ConnectorError(
                "the marketplace offers no way to take an answer back; it stays published",
                retryable=False,
            )
        return ""
    if item.kind == OutboundKind.FEEDBACK_ANSWER:
        connector.answer_review(shop=shop, review_ref=ref, text=text)
        return ""
    sent_after_ms = None
    if item.outcome_unknown and item.last_attempt_started_at:
        sent_after_ms = int(item.last_attempt_started_at.timestamp() * 1000)
    return connector.send_chat_message(
        shop=shop,
        chat_ref=ref,
        text=text,
        attachments=_files(item),
        sent_after_ms=sent_after_ms,
    )


def outbox_backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds before attempt ``attempts + 1``: exponential with jitter, never sooner than the
    marketplace asked (a 429's Retry-After)."""
    delay = min(
        settings.OUTBOX_BACKOFF_MAX_SECONDS,
        settings.OUTBOX_BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1),
    ) * random.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def outbox_deliver(*, item_id: int) -> OutboundItem | None:
    """One delivery attempt (the body of the ``outbox_send`` task). Never raises for a
    marketplace failure: the outcome is recorded on the item."""
    item = _claim(item_id)
    if item is None:
        return None
    claim = item.attempts
    error: ConnectorError | None = None
    remote_id = ""
    connector = connectors.connector_for(item.shop, remote_ref=item.target_ref)
    try:
        remote_id = _deliver(connector, item) or ""
    except ConnectorError as raised:
        error = raised
    except Exception as raised:  # a bug or an unexpected library error: keep the item, retry later
        logger.exception("outbox item %s: unexpected error", item.pk)
        error = ConnectorError(
            f"{raised.__class__.__name__}: {raised}", retryable=True, outcome_unknown=True
        )
    finally:
        connector.close()
    return _outcome_record(item.pk, claim=claim, error=error, remote_id=remote_id)


@transaction.atomic
def _outcome_record(
    item_id: int, *, claim: int, error: ConnectorError | None, remote_id: str
) -> OutboundItem:
    # of=self: a lock on the joined shop row would make every insert of that shop (its foreign
    # key check) wait for this transaction.
    item = (
        OutboundItem.objects.select_for_update(of=("self",)).select_related("shop").get(pk=item_id)
    )
    if item.state != OutboundState.SENDING or item.attempts != claim:
        return item  # our lease ran out and another attempt owns the item now
    now = timezone.now()
    item.lease_until = None
    if error is None or isinstance(error, PartialDelivery):
        item.state = OutboundState.SENT
        item.sent_at = now
        item.remote_id = (error.remote_id if error else remote_id)[:128]
        # Kept on a sent item only when part of it did not arrive (the page says so).
        item.last_error = error.message[:2000] if error else ""
        item.outcome_unknown = False
    else:
        item.last_error = error.message[:2000]
        item.outcome_unknown = item.outcome_unknown or error.outcome_unknown
        if error.retryable and item.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            delay = outbox_backoff(item.attempts, error.retry_after)
            item.state = OutboundState.QUEUED
            item.next_attempt_at = now + timedelta(seconds=delay)
            _enqueue_send(item, countdown=delay)
        else:
            item.state = OutboundState.FAILED
            item.error_is_auth = error.auth_refused
    item.save()
    _notify(item)
    if error is not None and error.auth_refused:
        account = wildberries_account_for(item.shop)
        if account is not None:
            _account_error_record(account.pk, error.message, auth=True)
    return item


def outbox_requeue_due(*, limit: int = 500) -> int:
    """The beat sweep: re-enqueue replies whose task message was lost.

    Queued items due for longer than one sweep period (the broker was down when they were
    saved, or a killed worker took their message with it) and sending items whose lease ran
    out (their worker died mid-call). Enqueueing one twice is harmless: the claim lets one
    attempt through.
    """
    now = timezone.now()
    grace = timedelta(seconds=settings.OUTBOX_SWEEP_SECONDS)
    due = list(
        OutboundItem.objects.filter(
            state=OutboundState.QUEUED, next_attempt_at__lte=now - grace
        ).values_list("pk", flat=True)[:limit]
    ) + list(
        OutboundItem.objects.filter(state=OutboundState.SENDING, lease_until__lt=now).values_list(
            "pk", flat=True
        )[:limit]
    )
    for item_id in due:
        _publish(item_id, None)
    return len(due)
