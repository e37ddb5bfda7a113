"""Every reply goes through the outbox: answer withdrawals become an outbox kind, items the
marketplace never gave us have no target reference, a withdrawal carries no payload."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("marketplaces", "0003_products_marketplace_ids_backfill"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="outbounditem",
            name="outbox_kind_valid",
        ),
        migrations.AlterField(
            model_name="outbounditem",
            name="kind",
            field=models.CharField(
                choices=[
                    ("question_answer", "Answer to a question"),
                    ("question_decline", "Question rejection"),
                    ("question_withdraw", "Withdrawal of an answer"),
                    ("feedback_answer", "Reply to a review"),
                    ("chat_message", "Chat message"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="outbounditem",
            name="target_ref",
            field=models.CharField(
                blank=True,
                default="",
                help_text="question/feedback id or the chat's reply reference at the marketplace",
                max_length=255,
            ),
        ),
        migrations.AlterField(
            model_name="outbounditem",
            name="payload",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddConstraint(
            model_name="outbounditem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "question_answer",
                            "question_decline",
                            "question_withdraw",
                            "feedback_answer",
                            "chat_message",
                        ],
                    )
                ),
                name="outbox_kind_valid",
            ),
        ),
    ]
