from django.db import migrations, models

CREATE_POSTGRES = (
    "CREATE INDEX sla_event_dashboard ON sla_slaevent (shop_id, kind, at) "
    "INCLUDE (channel, duration_seconds, seller_id)"
)
CREATE_OTHER = "CREATE INDEX sla_event_dashboard ON sla_slaevent (shop_id, kind, at)"


def create_index(apps, schema_editor):
    # INCLUDE is PostgreSQL-only; the model state records the key columns for every backend.
    vendor = schema_editor.connection.vendor
    schema_editor.execute(CREATE_POSTGRES if vendor == "postgresql" else CREATE_OTHER)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX sla_event_dashboard")


class Migration(migrations.Migration):

    dependencies = [
        ("sla", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="slaevent", name="sla_event_shop_kind_at"),
        migrations.RemoveIndex(model_name="slaevent", name="sla_event_shop_chan_kind_at"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="slaevent",
                    index=models.Index(fields=["shop", "kind", "at"], name="sla_event_dashboard"),
                ),
            ],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        ),
    ]
