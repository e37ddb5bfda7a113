"""Writes for buyer chats: receiving, sending, reading.

A seller's reply is saved with its files and handed to the outbox
(``marketplaces.services.outbox_enqueue``) in the same transaction; the outbox delivers it,
retries it and records its state, which the message shows (``Message.outbound``). Nothing
the seller typed is lost when the marketplace or the broker is down.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chats.files import CheckedFile, check_chat_files, make_thumbnail, sniff_content_type
from chats.models import Attachment, Conversation, Direction, Message
from chats.search import SearchVectorAppend, cjk_bigrams
from sellerdesk.core.live import shop_changed
from sellerdesk.core.models import Product, Shop
from sellerdesk.core.selectors import product_for_marketplace
from sellerdesk.marketplaces.base import CHAT_MAX_TEXT_LENGTH, ConnectorError
from sellerdesk.marketplaces.models import OutboundItem, OutboundKind
from sellerdesk.marketplaces.services import outbox_enqueue
from sellerdesk.replycheck.services import reply_guard
from sellerdesk.sla.hooks import waiting_started, waiting_stopped

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sellerdesk.marketplaces.inbound import (
        IncomingAttachment,
        IncomingChatMessage,
        Incomplete,
    )

logger = logging.getLogger(__name__)

EXCERPT_LENGTH = 140
SEARCH_VECTOR_REBUILD_SQL = """
UPDATE chats_conversation SET search_vector = (
    SELECT strip(to_tsvector('russian'::regconfig, string_agg(text, ' ')))
           || strip(to_tsvector('simple'::regconfig, string_agg(text_ngrams, ' ')))
    FROM chats_message WHERE conversation_id = %s
) WHERE id = %s
"""


class ReceivedFile(NamedTuple):
    """A file fetched from the marketplace (its declared type is not trusted)."""

    name: str
    content_type: str
    data: bytes
    external_id: str = ""  # the marketplace's file id, if it has one


def _search_vector_update(text: str, ngrams: str) -> dict:
    """The UPDATE part that adds a message to its conversation's search vector (PostgreSQL)."""
    if connection.vendor != "postgresql" or not (text or ngrams):
        return {}
    return {"search_vector": SearchVectorAppend(F("search_vector"), text, ngrams)}


def _lock(conversation: Conversation) -> None:
    """Lock the conversation row and read its current summary (another message may have
    arrived since the object was loaded), so waiting/unread bookkeeping never races."""
    fresh = (
        Conversation.objects.select_for_update()
        .filter(pk=conversation.pk)
        .values("first_unanswered_at", "last_message_at", "last_message_direction", "unread_count")
        .get()
    )
    for field, value in fresh.items():
        setattr(conversation, field, value)


def _is_latest(conversation: Conversation, created_at: datetime) -> bool:
    # A conversation without messages yet has last_message_at = its creation time.
    return (
        not conversation.last_message_direction
        or conversation.last_message_at is None
        or created_at >= conversation.last_message_at
    )


def _changed(shop_id: int) -> dict:
    """Fields that mark a conversation as changed for open pages (plus the cursor bump)."""
    shop_changed(shop_id=shop_id)
    return {"changed_at": timezone.now()}


def _excerpt(text: str, attachments: int) -> str:
    flat = " ".join(text.split())
    if not flat and attachments:
        return "📎"
    return flat[:EXCERPT_LENGTH]


@transaction.atomic
def conversation_create(
    *,
    shop: Shop,
    buyer_name: str,
    product: Product | None = None,
    external_id: str = "",
    chat_ref: str = "",
) -> Conversation:
    if product is not None and product.shop_id != shop.pk:
        raise ValidationError(_("The product belongs to another shop."))
    conversation = Conversation(
        shop=shop,
        product=product,
        buyer_name=buyer_name,
        external_id=external_id,
        chat_ref=chat_ref,
        last_message_at=timezone.now(),  # never null: the recency index orders DESC NULLS FIRST
    )
    conversation.full_clean()
    conversation.save()
    shop_changed(shop_id=shop.pk)
    return conversation


def _store_attachment(
    *,
    message: Message,
    name: str,
    content_type: str,
    data: ContentFile | UploadedFile,
    size: int,
    external_id: str = "",
    thumbnail: ContentFile | None = None,
) -> Attachment:
    """``thumbnail``: already made by the upload check (images are decoded only once)."""
    attachment = Attachment(
        message=message,
        original_name=name[:255],
        content_type=content_type,
        size=size,
        external_id=external_id,
    )
    # The preview first: storing a large upload may move its temporary file away.
    thumb = thumbnail
    if thumb is None and content_type.startswith("image/"):
        thumb = make_thumbnail(data, content_type)
    attachment.file.save("upload", data, save=False)
    if thumb is not None:
        attachment.thumbnail.save("thumb", thumb, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


def _message_create(
    *,
    conversation: Conversation,
    direction: str,
    text: str,
    created_at: datetime,
    author: AbstractBaseUser | None = None,
    external_id: str = "",
) -> Message:
    message = Message(
        conversation=conversation,
        shop_id=conversation.shop_id,
        direction=direction,
        text=text,
        text_ngrams=cjk_bigrams(text),
        author=author,
        created_at=created_at,
        external_id=external_id,
    )
    message.full_clean()
    message.save()
    return message


def _received_files_store(message: Message, files: Sequence[ReceivedFile]) -> None:
    """Files fetched from the marketplace."""
    for entry in files:
        file = ReceivedFile(*entry)
        # Trust the bytes, not the sender's label: anything that is not JPEG/PNG/PDF is kept
        # as an opaque download and never served inline.
        content_type = sniff_content_type(file.data[:16]) or "application/octet-stream"
        _store_attachment(
            message=message,
            name=file.name,
            content_type=content_type,
            data=ContentFile(file.data, name=file.name),
            size=len(file.data),
            external_id=file.external_id,
        )


@transaction.atomic
def buyer_message_receive(
    *,
    conversation: Conversation,
    text: str,
    created_at: datetime | None = None,
    files: Sequence[ReceivedFile] = (),
    external_id: str = "",
) -> Message:
    """A buyer wrote: store the message, count it unread, start the SLA clock if idle.

    ``files`` are the buyer's files as fetched from the marketplace.
    """
    created_at = created_at or timezone.now()
    _lock(conversation)
    message = _message_create(
        conversation=conversation,
        direction=Direction.INCOMING,
        text=text,
        created_at=created_at,
        external_id=external_id,
    )
    _received_files_store(message, files)

    was_waiting = conversation.first_unanswered_at is not None
    is_latest = _is_latest(conversation, created_at)
    updates: dict = {
        "unread_count": F("unread_count") + 1,
        **_search_vector_update(text, message.text_ngrams),
        **_changed(conversation.shop_id),
    }
    if is_latest:
        updates |= {
            "last_message_at": created_at,
            "last_message_excerpt": _excerpt(text, len(files)),
            "last_message_direction": Direction.INCOMING,
        }
    if not was_waiting:
        updates["first_unanswered_at"] = created_at
    Conversation.objects.filter(pk=conversation.pk).update(**updates)
    conversation.refresh_from_db(
        fields=[
            "unread_count",
            "last_message_at",
            "last_message_excerpt",
            "last_message_direction",
            "first_unanswered_at",
        ]
    )
    if not was_waiting:
        waiting_started(
            shop=conversation.shop, channel="chat", item_id=conversation.pk, since=created_at
        )
    return message


@transaction.atomic
def chat_message_send(
    *,
    conversation: Conversation,
    author: AbstractBaseUser,
    text: str,
    files: Sequence[UploadedFile] = (),
    warnings_confirmed: bool = False,
) -> Message:
    """Check and queue a seller's reply; delivery happens in a Celery task after commit.

    Raises ValidationError for bad files or an empty/too long text, and the reply guard's
    ReplyBlocked / ReplyNeedsConfirmation for policy findings. Nothing is saved then.
    """
    text = text.strip()
    ProhibitNullCharactersValidator()(
        text
    )  # PostgreSQL text cannot hold NUL (a form would refuse it too)
    checked: list[CheckedFile] = check_chat_files(files)
    if not text and not checked:
        raise ValidationError(_("Write a message or attach a file."), code="empty")
    if len(text) > CHAT_MAX_TEXT_LENGTH:
        raise ValidationError(
            _(
                "The marketplace accepts up to %(limit)d characters per message; this one has %(length)d."
            )
            % {"limit": CHAT_MAX_TEXT_LENGTH, "length": len(text)},
            code="too_long",
        )
    if text:
        reply_guard(
            shop=conversation.shop,
            text=text,
            channel="chat",
            buyer_name=conversation.buyer_name,
            warnings_confirmed=warnings_confirmed,
            actor_id=author.pk,
            item_id=conversation.pk,
        )

    now = timezone.now()
    _lock(conversation)
    message = _message_create(
        conversation=conversation,
        direction=Direction.OUTGOING,
        text=text,
        author=author,
        created_at=now,
    )
    stored = [
        _store_attachment(
            message=message,
            name=item.name,
            content_type=item.content_type,
            data=item.upload,
            size=item.size,
            thumbnail=item.thumbnail,
        )
        for item in checked
    ]
    message.outbound = outbox_enqueue(
        shop=conversation.shop,
        kind=OutboundKind.CHAT_MESSAGE,
        target_ref=conversation.chat_ref or conversation.external_id,
        payload={
            "text": text,
            "files": [
                {
                    "name": attachment.original_name,
                    "content_type": attachment.content_type,
                    "size": attachment.size,
                    "path": attachment.file.name,
                }
                for attachment in stored
            ],
        },
        idempotency_key=f"chat-message:{message.idempotency_key}",
        created_by_id=author.pk,
    )
    message.save(update_fields=["outbound"])

    was_waiting = conversation.first_unanswered_at is not None
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message_at=now,
        last_message_excerpt=_excerpt(text, len(checked)),
        last_message_direction=Direction.OUTGOING,
        first_unanswered_at=None,
        unread_count=0,
        last_read_at=now,
        **_search_vector_update(text, message.text_ngrams),
        **_changed(conversation.shop_id),
    )
    conversation.refresh_from_db()
    if was_waiting:
        waiting_stopped(
            shop=conversation.shop,
            channel="chat",
            item_id=conversation.pk,
            at=now,
            by_user_id=author.pk,
        )
    return message


def chat_message_delivery_changed(*, item: OutboundItem) -> None:
    """The outbox moved a reply to another state: the conversation's row and open pages show it
    (receiver of ``marketplaces.signals.outbound_item_changed``, connected in ``ChatsConfig``)."""
    if item.kind != OutboundKind.CHAT_MESSAGE:
        return
    Conversation.objects.filter(messages__outbound=item).update(**_changed(item.shop_id))


@transaction.atomic
def conversation_summary_refresh(*, conversation: Conversation) -> Conversation:
    """Recompute the denormalised fields from the messages (imports, demo data, repairs)."""
    messages = Message.objects.filter(conversation=conversation)
    last = messages.order_by("-created_at", "-pk").first()
    last_out = (
        messages.filter(direction=Direction.OUTGOING)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    pending = messages.filter(direction=Direction.INCOMING)
    if last_out is not None:
        pending = pending.filter(created_at__gt=last_out)
    first_pending = pending.order_by("created_at").values_list("created_at", flat=True).first()
    unread = messages.filter(direction=Direction.INCOMING)
    if conversation.last_read_at is not None:
        unread = unread.filter(created_at__gt=conversation.last_read_at)
    conversation.last_message_at = last.created_at if last else None
    conversation.last_message_excerpt = (
        _excerpt(last.text, last.attachments.count()) if last else ""
    )
    conversation.last_message_direction = last.direction if last else ""
    conversation.first_unanswered_at = first_pending
    conversation.unread_count = unread.count()
    conversation.changed_at = _changed(conversation.shop_id)["changed_at"]
    conversation.save(
        update_fields=[
            "last_message_at",
            "last_message_excerpt",
            "last_message_direction",
            "first_unanswered_at",
            "unread_count",
            "changed_at",
        ]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_VECTOR_REBUILD_SQL, [conversation.pk, conversation.pk])
    return conversation


@transaction.atomic
def conversation_mark_read(*, conversation: Conversation) -> None:
    """The shop has seen the conversation: its unread buyer messages count as read."""
    if conversation.unread_count == 0:
        return
    now = timezone.now()
    Conversation.objects.filter(pk=conversation.pk).update(
        unread_count=0, last_read_at=now, **_changed(conversation.shop_id)
    )
    conversation.unread_count = 0
    conversation.last_read_at = now


@transaction.atomic
def seller_message_record(
    *,
    conversation: Conversation,
    text: str,
    created_at: datetime,
    external_id: str = "",
    files: Sequence[ReceivedFile] = (),
    author: AbstractBaseUser | None = None,
) -> Message:
    """A reply the shop already delivered elsewhere (the marketplace's own portal, demo history)."""
    _lock(conversation)
    message = _message_create(
        conversation=conversation,
        direction=Direction.OUTGOING,
        text=text,
        created_at=created_at,
        author=author,
        external_id=external_id,
    )
    _received_files_store(message, files)
    was_waiting = conversation.first_unanswered_at is not None
    updates: dict = {
        "first_unanswered_at": None,
        **_search_vector_update(text, message.text_ngrams),
        **_changed(conversation.shop_id),
    }
    if _is_latest(conversation, created_at):
        updates |= {
            "last_message_at": created_at,
            "last_message_excerpt": _excerpt(text, len(files)),
            "last_message_direction": Direction.OUTGOING,
        }
    Conversation.objects.filter(pk=conversation.pk).update(**updates)
    conversation.refresh_from_db()
    if was_waiting:
        waiting_stopped(
            shop=conversation.shop, channel="chat", item_id=conversation.pk, at=created_at
        )
    return message


def _download_files(
    shop: Shop, attachments: Sequence[IncomingAttachment]
) -> tuple[list[ReceivedFile], list[str]]:
    """The buyer's files, and why the ones still missing could not be fetched yet.

    A file the marketplace refuses for good (unknown id) is skipped, so it cannot hold the
    buyer's text back forever; a file held back by something that passes (the shared chat
    rate limit, the network, a 5xx) is reported so the import is tried again later.
    """
    from sellerdesk.marketplaces.services import marketplace_file_download

    files: list[ReceivedFile] = []
    waiting: list[str] = []
    for attachment in attachments:
        try:
            content_type, data = marketplace_file_download(
                shop=shop, download_ref=attachment.download_ref
            )
        except ConnectorError as error:
            if error.retryable:
                waiting.append(f"{attachment.name or attachment.download_ref}: {error.message}")
            else:
                logger.warning(
                    "chat file %s refused by the marketplace: %s", attachment.download_ref, error
                )
            continue
        files.append(
            ReceivedFile(
                attachment.name,
                attachment.content_type or content_type,
                data,
                attachment.download_ref,
            )
        )
    return files, waiting


def _files_waiting(shop: Shop, message: Message, item: IncomingChatMessage) -> Incomplete | None:
    """Fetch the files of an imported message that an earlier import could not download."""
    stored = set(message.attachments.values_list("external_id", flat=True))
    missing = [a for a in item.attachments if a.download_ref and a.download_ref not in stored]
    if not missing:
        return None
    files, waiting = _download_files(shop, missing)
    _received_files_store(message, files)
    return _incomplete(waiting)


def _incomplete(waiting: list[str]) -> Incomplete | None:
    from sellerdesk.marketplaces.inbound import Incomplete

    if not waiting:
        return None
    return Incomplete(f"{len(waiting)} file(s) not downloaded yet: " + "; ".join(waiting))


# How far apart the marketplace's clock (an event's time) and ours (the outbox's record of
# when a reply was sent) may be when our own reply comes back through the event stream.
OWN_REPLY_CLOCK_SKEW = timedelta(minutes=2)


def _own_reply_for(conversation: Conversation, item: IncomingChatMessage) -> Message | None:
    """The reply written here that this seller event is, if any.

    Recognised by what the outbox recorded when it sent the reply, never by equal
    timestamps (the description does not promise that the send response's ``addTime``
    and the event's ``addTimestamp`` agree): the same conversation and text, files the
    event shows among the reply's own (a file the marketplace refused is missing from the
    event), a delivery attempt started before the event and, once the outbox recorded
    the reply as sent, sent around the event's time. Replies already matched to an event
    keep its id and take part no more, so two identical replies match two events in order.
    """
    if item.sender != "seller":
        return None
    event_at = item.created_at
    candidates = (
        Message.objects.filter(
            conversation=conversation,
            direction=Direction.OUTGOING,
            outbound__isnull=False,
            external_id="",
            text=item.text.strip(),
            outbound__last_attempt_started_at__lte=event_at + OWN_REPLY_CLOCK_SKEW,
        )
        .filter(
            Q(outbound__sent_at__isnull=True)
            | Q(outbound__sent_at__gte=event_at - OWN_REPLY_CLOCK_SKEW)
        )
        .order_by("outbound__last_attempt_started_at", "pk")
        .prefetch_related("attachments")
    )
    shown = sorted(attachment.name for attachment in item.attachments)
    for message in candidates[:20]:
        ours = sorted(attachment.original_name for attachment in message.attachments.all())
        if _within(shown, ours):
            return message
    return None


def _within(shown: list[str], ours: list[str]) -> bool:
    """Every file name the event shows is one of ours (counted with repeats)."""
    remaining = list(ours)
    for name in shown:
        if name not in remaining:
            return False
        remaining.remove(name)
    return True


@transaction.atomic
def chat_message_import_from_marketplace(
    *, shop: Shop, item: IncomingChatMessage
) -> Message | Incomplete | None:
    """Inbound hook for synced chat events (``sellerdesk.marketplaces.inbound.IncomingChatMessage``).

    Idempotent by the message's external id; recognises our own replies coming back
    (``_own_reply_for``); keeps the chat's reply reference up to date; buyer messages take
    the normal path (unread, SLA), replies written on the marketplace's portal stop the clock.
    An event without a message is no message: it neither appears in the conversation nor
    stops the clock. Files the marketplace held back (rate limit) are fetched when the
    same item comes again; until then the answer is ``Incomplete``.
    """
    if item.is_empty:
        return None
    conversation = (
        Conversation.objects.for_shop(shop)
        .select_for_update()
        .filter(external_id=item.chat_external_id)
        .first()
    )
    if conversation is None:
        conversation = conversation_create(
            shop=shop,
            buyer_name=item.buyer_name or "—",
            product=product_for_marketplace(shop=shop, product=item.product),
            external_id=item.chat_external_id,
            chat_ref=item.chat_ref,
        )
    elif item.chat_ref and item.chat_ref != conversation.chat_ref:
        Conversation.objects.filter(pk=conversation.pk).update(chat_ref=item.chat_ref)
        conversation.chat_ref = item.chat_ref
    existing = (
        Message.objects.filter(conversation=conversation, external_id=item.message_external_id)
        .only("pk", "outbound_id")
        .first()
    )
    if existing is not None:
        if existing.outbound_id is not None:
            return None  # our own reply, recognised when this event first came
        return _files_waiting(shop, existing, item)  # this event again: files left to fetch?
    own = _own_reply_for(conversation, item)
    if own is not None:
        # Remember the event on the reply: the next import of the same event is a no-op.
        Message.objects.filter(pk=own.pk).update(external_id=item.message_external_id)
        return None
    if item.sender not in ("buyer", "seller"):
        return None  # marketplace notices are not part of the conversation
    files, waiting = _download_files(shop, item.attachments)
    if item.sender == "buyer":
        message = buyer_message_receive(
            conversation=conversation,
            text=item.text,
            created_at=item.created_at,
            files=files,
            external_id=item.message_external_id,
        )
    else:
        message = seller_message_record(
            conversation=conversation,
            text=item.text,
            created_at=item.created_at,
            external_id=item.message_external_id,
            files=files,
        )
    return _incomplete(waiting) or message
