"""Search indexes that only PostgreSQL has; SQLite (the demo) skips them and searches by LIKE."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Word search with Russian stemming; the expression matches what
    # SearchVector("text", config="russian") generates, so the planner uses it.
    "CREATE INDEX IF NOT EXISTS question_text_fts ON questions_question "
    "USING gin (to_tsvector('russian'::regconfig, COALESCE(text, '')))",
    # Substring search (Chinese has no word breaks for the FTS parser, and buyers type fragments).
    "CREATE INDEX IF NOT EXISTS question_text_trgm ON questions_question USING gin (UPPER(text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS questions_product_sku_trgm ON core_product USING gin (UPPER(sku) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS question_text_fts",
    "DROP INDEX IF EXISTS question_text_trgm",
    "DROP INDEX IF EXISTS questions_product_sku_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial"), ("core", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
