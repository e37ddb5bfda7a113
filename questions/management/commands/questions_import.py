"""Bring buyer questions into a shop from JSON lines, the way the connector will.

    python manage.py questions_import --shop 1 < questions.jsonl

Each line: {"text", "sku"?, "buyer_name"?, "external_id"?, "created_at"? (ISO 8601)}.
A line whose external_id the shop already has is skipped, so a file can be re-run.
Each question is committed on its own and its rules check is queued after commit.
"""

from __future__ import annotations

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from questions import services
from questions.models import Question
from sellerdesk.core.models import Product, Shop


class Command(BaseCommand):
    help = "Import buyer questions (JSON lines on stdin) into a shop; rules run in the worker."

    def add_arguments(self, parser):
        parser.add_argument("--shop", type=int, required=True, help="Shop id.")

    def handle(self, *args, shop: int, **options) -> None:
        target = Shop.objects.filter(pk=shop).first()
        if target is None:
            raise CommandError(f"no shop with id {shop}")
        products = {product.sku: product for product in Product.objects.for_shop(target)}
        created = skipped = 0
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                external_id = item.get("external_id") or None
                if (
                    external_id
                    and Question.objects.for_shop(target).filter(external_id=external_id).exists()
                ):
                    skipped += 1
                    continue
                services.question_create(
                    shop=target,
                    text=str(item["text"]),
                    product=products.get(item.get("sku") or ""),
                    buyer_name=str(item.get("buyer_name") or ""),
                    external_id=external_id,
                    created_at=parse_datetime(item["created_at"])
                    if item.get("created_at")
                    else None,
                )
                created += 1
            except (ValueError, KeyError, TypeError, ValidationError) as error:
                self.stderr.write(f"line {number}: skipped ({error})")
                skipped += 1
        self.stdout.write(f"{created} imported, {skipped} skipped")
