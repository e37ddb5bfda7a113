"""Review replies move to the outbox: each reply written here gets an OutboundItem carrying its
delivery state; the per-review columns go."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

# Old review status -> outbox state ("" = nothing to send: no item).
STATES = {"pending": "queued", "sent": "sent", "failed": "failed"}


def forwards(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    OutboundItem = apps.get_model("marketplaces", "OutboundItem")
    now = timezone.now()
    # A sent reply without an author was written on the marketplace's portal: nothing of ours.
    reviews = (
        Review.objects.filter(delivery_status__in=list(STATES))
        .exclude(delivery_status="sent", answered_by__isnull=True)
        .order_by("pk")
    )
    for review in reviews.iterator(chunk_size=500):
        state = STATES[review.delivery_status]
        item = OutboundItem.objects.create(
            shop_id=review.shop_id,
            kind="feedback_answer",
            target_ref=review.external_id or "",
            payload={"text": review.answer_text},
            idempotency_key=f"review:{review.pk}:migrated",
            state=state,
            next_attempt_at=now,
            last_error=review.delivery_error,
            created_by_id=review.answered_by_id,
            sent_at=review.answered_at if state == "sent" else None,
        )
        Review.objects.filter(pk=review.pk).update(outbound=item)


def backwards(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    back = {"queued": "pending", "sending": "pending", "sent": "sent", "failed": "failed"}
    for review in Review.objects.filter(outbound__isnull=False).select_related("outbound"):
        Review.objects.filter(pk=review.pk).update(
            delivery_status=back[review.outbound.state],
            delivery_error=review.outbound.last_error[:300],
        )
    Review.objects.filter(outbound__isnull=True, answered_at__isnull=False).update(
        delivery_status="sent"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplaces", "0004_outbox_for_every_reply"),
        ("reviews", "0002_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
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
        migrations.RemoveField(model_name="review", name="delivery_error"),
        migrations.RemoveField(model_name="review", name="delivery_status"),
    ]
