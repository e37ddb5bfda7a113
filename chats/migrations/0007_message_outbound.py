"""Chat replies move to the outbox: each outgoing message written here gets an OutboundItem
carrying its delivery state; the per-message delivery columns go."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

# Old chat status -> outbox state. "received" (buyer messages) and replies written on the
# marketplace's portal (no author) have nothing to deliver and get no item.
STATES = {"queued": "queued", "failed": "failed", "sent": "sent"}


def forwards(apps, schema_editor):
    Message = apps.get_model("chats", "Message")
    Attachment = apps.get_model("chats", "Attachment")
    OutboundItem = apps.get_model("marketplaces", "OutboundItem")
    now = timezone.now()
    messages = (
        Message.objects.filter(direction="out", delivery_status__in=list(STATES))
        .exclude(delivery_status="sent", author__isnull=True)
        .select_related("conversation")
        .order_by("pk")
    )
    for message in messages.iterator(chunk_size=500):
        conversation = message.conversation
        state = STATES[message.delivery_status]
        files = [
            {
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "path": attachment.file.name,
            }
            for attachment in Attachment.objects.filter(message_id=message.pk).order_by("pk")
        ]
        item = OutboundItem.objects.create(
            shop_id=message.shop_id,
            kind="chat_message",
            target_ref=conversation.chat_ref or conversation.external_id,
            payload={"text": message.text, "files": files},
            idempotency_key=f"chat-message:{message.idempotency_key}",
            state=state,
            attempts=message.attempts,
            # Queued replies are due now: the outbox sweep delivers them.
            next_attempt_at=now,
            last_error=message.failure_reason,
            remote_id=message.external_id[:128] if state == "sent" else "",
            created_by_id=message.author_id,
            sent_at=message.created_at if state == "sent" else None,
        )
        Message.objects.filter(pk=message.pk).update(outbound=item)


def backwards(apps, schema_editor):
    Message = apps.get_model("chats", "Message")
    Message.objects.filter(direction="in").update(delivery_status="received")
    for message in Message.objects.filter(direction="out").select_related("outbound"):
        item = message.outbound
        status = {"sending": "queued"}.get(item.state, item.state) if item else "sent"
        Message.objects.filter(pk=message.pk).update(
            delivery_status=status,
            failure_reason=(item.last_error[:500] if item else ""),
            attempts=min(item.attempts, 32767) if item else 0,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("chats", "0006_attachment_external_id"),
        ("marketplaces", "0004_outbox_for_every_reply"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="outbound",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="marketplaces.outbounditem",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveIndex(model_name="message", name="chats_msg_undelivered"),
        migrations.RemoveField(model_name="message", name="attempts"),
        migrations.RemoveField(model_name="message", name="delivery_status"),
        migrations.RemoveField(model_name="message", name="failure_reason"),
    ]
