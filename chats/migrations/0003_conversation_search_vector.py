"""Conversation-level search document (PostgreSQL): GIN index and backfill from the messages."""

import django.contrib.postgres.search
from django.db import migrations

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS chats_conv_search_fts ON chats_conversation USING gin (search_vector)"
)
BACKFILL_SQL = """
UPDATE chats_conversation AS c SET search_vector = agg.vector
FROM (
    SELECT conversation_id,
           strip(to_tsvector('russian'::regconfig, string_agg(text, ' ')))
           || strip(to_tsvector('simple'::regconfig, string_agg(text_ngrams, ' '))) AS vector
    FROM chats_message GROUP BY conversation_id
) AS agg
WHERE agg.conversation_id = c.id
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKFILL_SQL)
        schema_editor.execute(INDEX_SQL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS chats_conv_search_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("chats", "0002_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forward, backward, elidable=False),
    ]
