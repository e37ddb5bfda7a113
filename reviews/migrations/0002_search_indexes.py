"""Search indexes that only PostgreSQL has; SQLite (the demo) skips them and searches by LIKE."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # Word search with Russian stemming; the expression is what SearchVector("text",
    # config="russian") generates, so the planner uses the index.
    "CREATE INDEX IF NOT EXISTS review_text_fts ON reviews_review "
    "USING gin (to_tsvector('russian'::regconfig, COALESCE(text, '')))",
    # Fragments and Chinese (no word breaks for the FTS parser).
    "CREATE INDEX IF NOT EXISTS review_text_trgm ON reviews_review USING gin (UPPER(text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS review_buyer_trgm ON reviews_review USING gin (UPPER(buyer_name) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS review_text_fts",
    "DROP INDEX IF EXISTS review_text_trgm",
    "DROP INDEX IF EXISTS review_buyer_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
