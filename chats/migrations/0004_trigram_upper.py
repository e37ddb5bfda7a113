"""Trigram indexes on UPPER(col::text): the expression Django's ``__icontains`` generates on
PostgreSQL (``UPPER("col"::text) LIKE UPPER(%s)``), so those filters can use them."""

from django.db import migrations

OLD = ["chats_conv_buyer_trgm", "chats_product_sku_trgm", "chats_product_name_trgm"]
INDEXES = [
    (
        "chats_conv_buyer_upper_trgm",
        "CREATE INDEX IF NOT EXISTS chats_conv_buyer_upper_trgm ON chats_conversation "
        "USING gin ((UPPER(buyer_name::text)) gin_trgm_ops)",
    ),
    (
        "chats_product_sku_upper_trgm",
        "CREATE INDEX IF NOT EXISTS chats_product_sku_upper_trgm ON core_product "
        "USING gin ((UPPER(sku::text)) gin_trgm_ops)",
    ),
    (
        "chats_product_name_upper_trgm",
        "CREATE INDEX IF NOT EXISTS chats_product_name_upper_trgm ON core_product "
        "USING gin ((UPPER(name::text)) gin_trgm_ops)",
    ),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("chats", "0003_conversation_search_vector"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
