"""PostgreSQL search indexes; SQLite (the demo) skips them and searches with LIKE.

- Russian words: GIN over to_tsvector('russian', text) — stemming finds "заказ" in "заказа".
- Chinese: GIN over to_tsvector('simple', text_ngrams), the message's CJK character bigrams
  (filled by chats.search.cjk_bigrams); a phrase query over the query's bigrams is a
  substring match that the index answers, even for two-character words.
- SKU, product name and buyer name: pg_trgm GIN indexes, so ``ILIKE '%…%'`` uses an index.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def _postgresql_only(sql: str, reverse_sql: str) -> migrations.RunPython:
    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(reverse_sql)

    return migrations.RunPython(forward, backward, elidable=False)


class GuardedTrigramExtension(TrigramExtension):
    """CREATE EXTENSION pg_trgm on PostgreSQL; nothing elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Other apps may rely on pg_trgm too: leave it installed.
        pass


INDEXES = [
    (
        "chats_msg_text_ru_fts",
        "CREATE INDEX IF NOT EXISTS chats_msg_text_ru_fts ON chats_message "
        "USING gin (to_tsvector('russian'::regconfig, text))",
    ),
    (
        "chats_msg_text_cjk_fts",
        "CREATE INDEX IF NOT EXISTS chats_msg_text_cjk_fts ON chats_message "
        "USING gin (to_tsvector('simple'::regconfig, text_ngrams)) WHERE text_ngrams <> ''",
    ),
    (
        "chats_conv_buyer_trgm",
        "CREATE INDEX IF NOT EXISTS chats_conv_buyer_trgm ON chats_conversation "
        "USING gin (buyer_name gin_trgm_ops)",
    ),
    (
        "chats_product_sku_trgm",
        "CREATE INDEX IF NOT EXISTS chats_product_sku_trgm ON core_product USING gin (sku gin_trgm_ops)",
    ),
    (
        "chats_product_name_trgm",
        "CREATE INDEX IF NOT EXISTS chats_product_name_trgm ON core_product USING gin (name gin_trgm_ops)",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("chats", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        GuardedTrigramExtension(),
        *[_postgresql_only(sql, f"DROP INDEX IF EXISTS {name}") for name, sql in INDEXES],
    ]
