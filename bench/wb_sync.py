"""Wildberries sync and outbox throughput against the local fake, with the documented limits on.

    .venv/bin/python bench/wb_sync.py [--questions 5000] [--feedbacks 3000] [--chats 200] [--answers 60]

Builds a scratch PostgreSQL database (sellerdesk_bench_wb), a shop connected to the fake
(tests/marketplaces/wb_fake.py, real HTTP on 127.0.0.1, rate limits as documented: 6 burst
then 3/s for questions+reviews, 10 burst then 1/s for chat), and measures:

* first sync into staging only (hooks that do nothing): items/s, requests, 429s received;
* first sync through the apps' own hooks into the real questions, chats and reviews apps;
* a repeated sync (nothing new): seconds;
* outbox: N question answers delivered one after another (read-before-write = 2 requests each).

Wall-clock seconds (the limiter sleeps are the point). Rate-limited figures are bounded
by the marketplace's limits, not by this code; the 429 count shows whether the client
stayed under them. The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sellerdesk_bench_wb"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")

os.environ["DJANGO_SETTINGS_MODULE"] = "sellerdesk.settings.local"
os.environ["DATABASE_URL"] = DB_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["CELERY_BROKER_URL"] = REDIS_URL
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_DEBUG"] = "false"


def log(message: str) -> None:
    print(message, flush=True)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--feedbacks", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--answers", type=int, default=60)
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sellerdesk.core.models import Marketplace, Shop
    from sellerdesk.marketplaces import services
    from sellerdesk.marketplaces.inbound import handlers_replaced
    from sellerdesk.marketplaces.models import OutboundKind, OutboundState
    from tests.marketplaces.wb_fake import WildberriesFake

    figures: dict[str, object] = {}

    def run(label: str, handlers: dict) -> None:
        token = f"bench-{label}-{time.time_ns()}"
        fake = WildberriesFake(tokens=(token,), seed=11)
        fake.populate(
            questions=args.questions,
            feedbacks=args.feedbacks,
            chats=args.chats,
            messages_per_chat=args.messages,
        )
        fake.start()
        shop = Shop.objects.create(name=f"Bench {label}", marketplace=Marketplace.WILDBERRIES)
        services.account_settings_update(
            shop=shop, enabled=True, feedbacks_base_url=fake.url, chat_base_url=fake.url
        )
        account = services.account_token_set(shop=shop, token=token)
        with handlers_replaced(handlers):
            start = time.perf_counter()
            stats = services.account_sync(account_id=account.pk)
            seconds = time.perf_counter() - start
            requests = len(fake.requests)
            start = time.perf_counter()
            again = services.account_sync(account_id=account.pk)
            resync = time.perf_counter() - start
        figures[label] = {
            "items": stats.items,
            "seconds": round(seconds, 2),
            "items_per_s": round(stats.items / seconds, 1),
            "requests": requests,
            "rate_limited_429": fake.rate_limited,
            "imported": stats.imported,
            "errors": stats.errors,
            "resync_seconds": round(resync, 2),
            "resync_new_items": again.imported,
        }
        log(
            f"{label}: {stats.items} items in {seconds:.1f}s ({stats.items / seconds:.0f}/s), {requests} requests, "
            f"{fake.rate_limited} × 429; imported into apps: {stats.imported}; resync {resync:.1f}s"
        )
        if label == "apps" and args.answers:
            ids = list(fake.questions)[: args.answers]
            items = [
                services.outbox_enqueue(
                    shop=shop,
                    kind=OutboundKind.QUESTION_ANSWER,
                    target_ref=qid,
                    payload={"text": f"Ответ на вопрос {n}"},
                    idempotency_key=f"bench-{n}",
                )
                for n, qid in enumerate(ids)
            ]
            start = time.perf_counter()
            for item in items:
                services.outbox_deliver(item_id=item.pk)
            seconds = time.perf_counter() - start
            sent = sum(
                1 for item in items if (item.refresh_from_db() or item.state == OutboundState.SENT)
            )
            figures["outbox"] = {
                "answers": len(items),
                "sent": sent,
                "seconds": round(seconds, 2),
                "answers_per_s": round(len(items) / seconds, 2),
                "rate_limited_429": fake.rate_limited,
                "writes_at_fake": len(fake.writes),
            }
            log(
                f"outbox: {sent}/{len(items)} answers in {seconds:.1f}s ({len(items) / seconds:.2f}/s), "
                f"{len(fake.writes)} writes at the fake, {fake.rate_limited} × 429"
            )
        fake.stop()

    def staged_only(*, shop, item) -> None:
        pass  # measures fetching and staging alone: no app work

    run("staging", dict.fromkeys(("question", "feedback", "chat_event"), staged_only))
    run("apps", {})
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
