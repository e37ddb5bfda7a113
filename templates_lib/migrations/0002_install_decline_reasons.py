"""The standard decline reasons became shipped templates: give every existing shop its copies.

New shops get them from ``templates_install_defaults`` (their AppConfig's set-up task); shops
created before that already hold copies installed from the questions app under the same source
keys, and those are left as the shop edited them.
"""

import json
from pathlib import Path

from django.db import migrations

SHIPPED_FILE = Path(__file__).resolve().parent.parent / "data" / "default_templates.json"


def install_decline_reasons(apps, schema_editor):
    Shop = apps.get_model("core", "Shop")
    ReplyTemplate = apps.get_model("templates_lib", "ReplyTemplate")
    items = [
        item
        for item in json.loads(SHIPPED_FILE.read_text(encoding="utf-8"))["templates"]
        if item["category"] == "decline_reason"
    ]
    for shop in Shop.objects.all():
        shop_wide = ReplyTemplate.objects.filter(shop=shop, owner__isnull=True)
        present = set(shop_wide.exclude(source_key="").values_list("source_key", flat=True))
        names = set(shop_wide.values_list("name", flat=True))
        for item in items:
            key = f"{item['key']}:{item['language']}"
            if key in present:
                continue
            name = item["name"]
            if name in names:
                name = f"{name} · {item['language'].upper()}"
            ReplyTemplate.objects.create(
                shop=shop,
                name=name,
                body=item["body"],
                channels=item["channels"],
                language=item["language"],
                category=item["category"],
                tags=item["tags"],
                source_key=key,
            )
            names.add(name)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("templates_lib", "0001_initial"),
    ]

    operations = [migrations.RunPython(install_decline_reasons, migrations.RunPython.noop)]
