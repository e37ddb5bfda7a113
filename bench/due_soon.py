""" "Due soon first" at scale: the chats Unread tab and the questions New tab ordered by SLA due time.

    .venv/bin/python bench/due_soon.py [--items 50000] [--repeat 30]

Creates a throw-away PostgreSQL database (TEST_DATABASE_URL, as the tests do) with two
shops. The measured shop gets N questions and N/2 conversations, a third of them still
waiting (one open SLA clock each), the rest answered (closed clocks, three periods of
history each); the other shop gets as many again, all waiting, with earlier due times,
so a leak or a scan of the wrong shop's clocks would show. Then it requests the real
views as a logged-in seller: newest-first and due-soon pages, page 50 of due-soon
(keyset cursor), due-soon with a product filter and with a search. Wall-clock ms.

The last line printed is one JSON object with all figures (and the clock query's plan).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_sd_due_soon")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

SUBJECTS = [
    "плед",
    "чайник",
    "кофемолка",
    "полотенце",
    "подушка",
    "одеяло",
    "кастрюля",
    "сковорода",
]


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def _fill(
    shop,
    products,
    *,
    questions: int,
    conversations: int,
    waiting_share: float,
    due_offset: timedelta,
    rng: random.Random,
) -> None:
    from chats.models import Conversation
    from questions.models import Question, QuestionStatus
    from sellerdesk.sla.models import ClockState, SlaClock

    now = timezone.now()
    clocks: list[SlaClock] = []

    def clocks_for(channel: str, item_id: int, created, waiting: bool) -> None:
        for period in range(3):  # answered history
            start = created - timedelta(days=3 - period)
            clocks.append(
                SlaClock(
                    shop=shop,
                    channel=channel,
                    item_id=item_id,
                    period_started_at=start,
                    sla_warn_at=start + timedelta(minutes=48),
                    sla_due_at=start + timedelta(hours=1),
                    state=ClockState.MET,
                    answered_at=start + timedelta(minutes=20),
                )
            )
        if waiting:
            due = created + timedelta(hours=24) + due_offset
            clocks.append(
                SlaClock(
                    shop=shop,
                    channel=channel,
                    item_id=item_id,
                    period_started_at=created,
                    sla_warn_at=due - timedelta(hours=4),
                    sla_due_at=due,
                    state=ClockState.BREACHED if due < now else ClockState.WAITING,
                )
            )

    batch = 5000
    for start in range(0, questions, batch):
        rows = []
        for n in range(start, min(questions, start + batch)):
            subject = rng.choice(SUBJECTS)
            waiting = rng.random() < waiting_share
            rows.append(
                Question(
                    shop=shop,
                    product=rng.choice(products),
                    text=f"Вопрос {n} про {subject}: есть гарантия?",
                    status=QuestionStatus.NEW if waiting else QuestionStatus.ANSWERED,
                    created_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 60)),
                )
            )
        for question in Question.objects.bulk_create(rows):
            clocks_for(
                "question", question.pk, question.created_at, question.status == QuestionStatus.NEW
            )
    for start in range(0, conversations, batch):
        rows = []
        for n in range(start, min(conversations, start + batch)):
            waiting = rng.random() < waiting_share
            moment = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
            rows.append(
                Conversation(
                    shop=shop,
                    product=rng.choice(products),
                    buyer_name=f"Покупатель {n}",
                    last_message_at=moment,
                    last_message_excerpt="Здравствуйте, где заказ?",
                    last_message_direction="in",
                    unread_count=rng.randint(1, 3) if waiting else 0,
                    first_unanswered_at=moment if waiting else None,
                )
            )
        for conversation in Conversation.objects.bulk_create(rows):
            clocks_for(
                "chat", conversation.pk, conversation.last_message_at, conversation.unread_count > 0
            )
        SlaClock.objects.bulk_create(clocks, batch_size=5000)
        clocks.clear()
    SlaClock.objects.bulk_create(clocks, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--items",
        type=int,
        default=50_000,
        help="questions of the measured shop (conversations: half)",
    )
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from sellerdesk.core.models import Product, Role
        from sellerdesk.sla.models import SlaClock
        from tests.factories import ShopFactory, member

        rng = random.Random(2026)
        shop, other = ShopFactory(name="Bench"), ShopFactory(name="Other")
        seller = member(shop, Role.SELLER, username="bench-seller")
        products = [
            Product.objects.create(shop=shop, sku=f"WB-{100000 + n}", name=f"Товар {n}")
            for n in range(200)
        ]
        other_products = [
            Product.objects.create(shop=other, sku=f"TB-{n}", name=f"商品 {n}") for n in range(20)
        ]
        started = time.perf_counter()
        _fill(
            shop,
            products,
            questions=args.items,
            conversations=args.items // 2,
            waiting_share=1 / 3,
            due_offset=timedelta(0),
            rng=rng,
        )
        _fill(
            other,
            other_products,
            questions=args.items // 3,
            conversations=args.items // 6,
            waiting_share=1.0,
            due_offset=-timedelta(days=90),
            rng=rng,
        )
        with connection.cursor() as cursor:
            for table in ("sla_slaclock", "questions_question", "chats_conversation"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        fill_seconds = time.perf_counter() - started

        client = Client()
        client.force_login(seller)

        def deep(url: str, pages: int) -> str:
            for _ in range(pages):
                body = client.get(url).content.decode()
                found = re.search(r'href="([^"]*cursor=[^"]*)"', body)
                assert found, "no next page"
                link = found.group(1).replace("&amp;", "&")
                url = url.split("?")[0] + link[link.index("?") :]
            return url

        cases = {
            "questions_new_newest": "/questions/",
            "questions_new_due": "/questions/?sort=due",
            "questions_due_page_50": deep("/questions/?sort=due", 50),
            "questions_due_product": f"/questions/?sort=due&product={products[7].pk}",
            "questions_due_search": "/questions/?sort=due&q=гарантия",
            "chats_unread_newest": "/chats/?tab=unread",
            "chats_unread_due": "/chats/?tab=unread&sort=due",
            "chats_due_page_50": deep("/chats/?tab=unread&sort=due", 50),
            "chats_due_product": f"/chats/?tab=unread&sort=due&product={products[7].pk}",
        }
        figures: dict[str, object] = {
            "questions": args.items,
            "conversations": args.items // 2,
            "clocks": SlaClock.objects.count(),
            "fill_seconds": round(fill_seconds, 1),
        }
        for name, url in cases.items():
            samples = []
            for attempt in range(args.repeat + 2):
                began = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - began) * 1000
                assert response.status_code == 200, (name, response.status_code)
                if attempt >= 2:
                    samples.append(elapsed)
            figures[name] = _percentiles(samples)
            print(
                f"{name:<24} p50 {figures[name]['p50_ms']:>8} ms   p95 {figures[name]['p95_ms']:>8} ms"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT item_id, sla_due_at FROM sla_slaclock WHERE shop_id = %s AND channel = 'question' "
                "AND answered_at IS NULL AND item_id IN (SELECT id FROM questions_question WHERE shop_id = %s "
                "AND status = 'new') ORDER BY sla_due_at, item_id LIMIT 26",
                [shop.pk, shop.pk],
            )
            figures["plan_questions_due"] = " / ".join(
                row[0].strip() for row in cursor.fetchall()[:4]
            )
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if args.keep:
            print(f"kept database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
