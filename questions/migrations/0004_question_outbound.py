"""Question answers, declines and withdrawals move to the outbox: each reply that was or is to
be sent gets an OutboundItem carrying its delivery state; the per-question columns go."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

# Old question status -> outbox state ("" = nothing to send: no item).
STATES = {"pending": "queued", "sent": "sent", "failed": "failed"}
# Old withdrawal status -> outbox state of the withdrawal item.
WITHDRAWAL_STATES = {"pending": "queued", "withdrawn": "sent", "kept": "failed"}


def forwards(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    AutoDecision = apps.get_model("questions", "AutoDecision")
    OutboundItem = apps.get_model("marketplaces", "OutboundItem")
    now = timezone.now()
    questions = Question.objects.filter(
        delivery_status__in=list(STATES), status__in=["answered", "declined"]
    ).order_by("pk")
    for question in questions.iterator(chunk_size=500):
        state = STATES[question.delivery_status]
        item = OutboundItem.objects.create(
            shop_id=question.shop_id,
            kind="question_decline" if question.status == "declined" else "question_answer",
            target_ref=question.external_id or "",
            payload={"text": question.answer_text},
            idempotency_key=f"question:{question.pk}:migrated",
            state=state,
            next_attempt_at=now,
            last_error=question.delivery_error,
            created_by_id=question.answered_by_id,
            sent_at=question.answered_at if state == "sent" else None,
        )
        Question.objects.filter(pk=question.pk).update(outbound=item)
    decisions = AutoDecision.objects.filter(withdrawal__in=list(WITHDRAWAL_STATES)).select_related(
        "question"
    )
    for decision in decisions.order_by("pk").iterator(chunk_size=500):
        state = WITHDRAWAL_STATES[decision.withdrawal]
        item = OutboundItem.objects.create(
            shop_id=decision.shop_id,
            kind="question_withdraw",
            target_ref=decision.question.external_id or "",
            payload={},
            idempotency_key=f"question-withdraw:{decision.pk}",
            state=state,
            next_attempt_at=now,
            last_error=(
                "the marketplace offers no way to take an answer back; it stays published"
                if state == "failed"
                else ""
            ),
            created_by_id=decision.undone_by_id,
            sent_at=decision.undone_at if state == "sent" else None,
        )
        AutoDecision.objects.filter(pk=decision.pk).update(withdrawal_outbound=item)


def backwards(apps, schema_editor):
    Question = apps.get_model("questions", "Question")
    AutoDecision = apps.get_model("questions", "AutoDecision")
    back = {"queued": "pending", "sending": "pending", "sent": "sent", "failed": "failed"}
    for question in Question.objects.filter(outbound__isnull=False).select_related("outbound"):
        Question.objects.filter(pk=question.pk).update(
            delivery_status=back[question.outbound.state],
            delivery_error=question.outbound.last_error[:300],
        )
    withdrawal = {"queued": "pending", "sending": "pending", "sent": "withdrawn", "failed": "kept"}
    for decision in AutoDecision.objects.filter(withdrawal_outbound__isnull=False).select_related(
        "withdrawal_outbound"
    ):
        AutoDecision.objects.filter(pk=decision.pk).update(
            withdrawal=withdrawal[decision.withdrawal_outbound.state]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplaces", "0004_outbox_for_every_reply"),
        ("questions", "0003_handled_on_marketplace"),
    ]

    operations = [
        migrations.AddField(
            model_name="autodecision",
            name="withdrawal_outbound",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="marketplaces.outbounditem",
            ),
        ),
        migrations.AddField(
            model_name="question",
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
        migrations.RemoveField(model_name="autodecision", name="withdrawal"),
        migrations.RemoveField(model_name="question", name="delivery_error"),
        migrations.RemoveField(model_name="question", name="delivery_status"),
    ]
