"""The autopilot at scale, on PostgreSQL: incoming reviews per second, and the `repetitive` check.

    .venv/bin/python bench/autopilot.py [--reviews 10000] [--prior 100000] [--queries 200]

Creates a throw-away PostgreSQL database (TEST_DATABASE_URL, as the tests do) and a shop
with the shipped templates and situation rules and the autopilot switched on.

1. Incoming reviews: N reviews (RU/ZH/EN, ratings skewed positive, some with escalation
   triggers) go through the real services one by one, each in its own transaction as
   the inbound sync does: ``reviews.services.review_create`` then
   ``autopilot.services.review_autopilot`` (triage, draft from the template, the engine's
   check with `repetitive`, scheduling with its ETA task on the Redis broker). Reviews/s.
2. `repetitive` at P prior public replies: P replies written from the shop's templates
   (variations, names, products) are stored with their signatures and band keys (COPY);
   then Q replies — half pasted near-copies, half fresh wording — are checked with
   ``replycheck.selectors.repetitive_replies`` (signature, band-key lookup, candidate
   comparison). The baseline is a plain pairwise comparison of each reply's word-pair set
   with every prior reply's (sets prepared in memory beforehand, so only the comparing is
   timed), in the same run. p50/p95 per reply, the ratio, and how often both agree.

The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.test")
os.environ.setdefault("TEST_DATABASE_NAME", "bench_sd_autopilot")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

NAMES = [
    "Анна",
    "Олег",
    "Вера",
    "Игорь",
    "Мария",
    "Пётр",
    "Ольга",
    "Денис",
    "Alice",
    "Bob",
    "小王",
    "小李",
]
TEXTS = {
    5: [
        "Отличный {s}, всем доволен!",
        "{s} как на фото, рекомендую.",
        "Great {s}, works perfectly",
        "{s}很好，孩子很喜欢",
    ],
    4: ["{s} хороший, но упаковка простая.", "Nice {s}, a bit pricey", "{s}不错，有一点线头"],
    3: ["{s} нормальный, но ожидал большего.", "Долгая доставка, {s} пришёл через две недели."],
    2: ["{s} маломерит, не соответствует описанию.", "{s}偏小，和描述不符"],
    1: ["{s} пришёл разбитым, коробка помята.", "Мошенники, {s} не работает, никогда больше!"],
}
DANGER = [
    "После {s} у ребёнка сыпь по всему телу",
    "{s} задымился на второй день",
    "Это подделка, а не {s}",
    "The {s} caught fire while charging",
    "{s}漏电，被电了一下",
]
SUBJECTS = ["чайник", "плед", "кофемолка", "lamp", "kettle", "卫衣"]
RATINGS = [5] * 60 + [4] * 17 + [3] * 9 + [2] * 6 + [1] * 8


def _pct(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3)}


def _setup():
    from autopilot import services as autopilot
    from reviews import services as reviews
    from sellerdesk.core.models import Product, Shop
    from templates_lib.services import templates_install_defaults

    shop = Shop.objects.create(name="Bench shop", default_language="ru")
    reviews.situation_rules_install_defaults(shop=shop)
    templates_install_defaults(shop=shop)
    autopilot.autopilot_settings_update(
        shop=shop, fields={"reviews_enabled": True, "daily_cap": 100_000}, user=None
    )
    products = Product.objects.bulk_create(
        Product(shop=shop, sku=f"SKU-{n}", name=f"Товар {n}") for n in range(300)
    )
    return shop, products


def _arrive(shop, products, count: int, seed: int) -> None:
    """One sync worker's share: each review in its own transaction, then the autopilot."""
    from autopilot import services as autopilot
    from reviews import services as reviews

    connection.close()  # a forked process opens its own connection
    rng = random.Random(seed)
    for number in range(count):
        rating = rng.choice(RATINGS)
        subject = rng.choice(SUBJECTS)
        if rng.random() < 0.03:
            text = rng.choice(DANGER).format(s=subject)
        else:
            text = rng.choice(TEXTS[rating]).format(s=subject)
        with transaction.atomic():
            review = reviews.review_create(
                shop=shop,
                rating=rating,
                text=text,
                buyer_name=rng.choice(NAMES),
                product=products[number % len(products)],
            )
        # What the on-commit task does in a worker, run here so it is measured.
        autopilot.review_autopilot(review_id=review.pk)
    connection.close()


def incoming(shop, products, count: int, processes: int) -> dict:
    """``processes`` sync workers at once (the machine's PostgreSQL latency, not CPU, is
    what one process waits on)."""
    import multiprocessing

    from autopilot.models import AutoReply

    connection.close()
    context = multiprocessing.get_context("fork")
    share = [count // processes + (1 if n < count % processes else 0) for n in range(processes)]
    started = time.perf_counter()
    workers = [
        context.Process(target=_arrive, args=(shop, products, part, 2026 + n))
        for n, part in enumerate(share)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if any(worker.exitcode for worker in workers):
        raise SystemExit("a bench process failed")
    states: dict[str, int] = {}
    for state in AutoReply.objects.filter(shop=shop).values_list("state", flat=True):
        states[state] = states.get(state, 0) + 1
    return {
        "reviews": count,
        "processes": processes,
        "seconds": round(elapsed, 1),
        "reviews_per_s": round(count / elapsed, 1),
        "states": states,
    }


def _prior_texts(shop, products, count: int, rng: random.Random) -> list[str]:
    """Replies as a busy shop writes them: its templates' wordings with names and products."""
    from templates_lib import rendering
    from templates_lib.models import ReplyTemplate

    templates = [
        t
        for t in ReplyTemplate.objects.filter(shop=shop, owner__isnull=True)
        if "review_reply" in (t.channels or []) or "question_answer" in (t.channels or [])
    ]
    # Each wording is rendered once with markers; names and products are filled in after.
    wordings: dict[tuple[int, int], str] = {}
    marks = {"buyer_name": "\x01B\x01", "product_name": "\x01P\x01", "sku": "\x01S\x01"}
    texts = []
    for number in range(count):
        template = templates[number % len(templates)]
        rotation = rng.randrange(8)
        key = (template.pk, rotation)
        if key not in wordings:
            context = {
                **marks,
                "shop_name": shop.name,
                "seller_name": "Ирина",
                "order_number": "\x01O\x01",
                "size": "M",
            }
            try:
                wordings[key] = rendering.render(
                    template.body,
                    context,
                    rotation=rotation,
                    salt=str(template.pk),
                    mode="placeholder",
                )
            except (rendering.TemplateBodyError, rendering.RenderError):
                wordings[key] = template.body
        product = products[rng.randrange(len(products))]
        text = (
            wordings[key]
            .replace(marks["buyer_name"], rng.choice(NAMES))
            .replace(marks["product_name"], product.name)
            .replace(marks["sku"], product.sku)
            .replace("\x01O\x01", str(rng.randrange(10**6)))
        )
        # A fifth are written by hand around the template: a sentence of their own.
        if rng.random() < 0.2:
            text += (
                f" Заказ №{rng.randrange(10**6)} передан в доставку {rng.randrange(1, 28)} числа."
            )
        texts.append(text)
    return texts


def seed_prior(shop, texts: list[str]) -> float:
    """Store the replies with their signatures and band keys (COPY: seeding is not measured)."""
    from sellerdesk.policy.similarity import signature

    started = time.perf_counter()
    now = timezone.now()
    replies = io.StringIO()
    bands = io.StringIO()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('replycheck_publicreply', 'id'))")
        base = cursor.fetchone()[0]
    for offset, text in enumerate(texts):
        sig = signature(text)
        reply_id = base + offset
        created = (now - timedelta(minutes=offset % (6 * 24 * 60))).isoformat()
        clean = text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
        replies.write(
            f"{reply_id}\t{shop.pk}\treview_reply\tbench:{offset}\t{clean}\t\\\\x{sig.pack().hex()}\t{created}\n"
        )
        for key in sig.bands:
            bands.write(f"{shop.pk}\t{reply_id}\t{key}\t{created}\n")
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            "COPY replycheck_publicreply (id, shop_id, channel, item_ref, text, signature, created_at) FROM STDIN"
        ) as copy:
            copy.write(replies.getvalue())
        with raw.copy(
            "COPY replycheck_publicreplyband (shop_id, reply_id, key, created_at) FROM STDIN"
        ) as copy:
            copy.write(bands.getvalue())
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('replycheck_publicreply', 'id'), %s)",
            [base + len(texts)],
        )
        cursor.execute("ANALYZE replycheck_publicreply")
        cursor.execute("ANALYZE replycheck_publicreplyband")
    return time.perf_counter() - started


def repetitive(
    shop, texts: list[str], queries: int, baseline_queries: int, rng: random.Random
) -> dict:
    from sellerdesk.policy.similarity import jaccard, shingles
    from sellerdesk.replycheck.selectors import repetition_settings_get, repetitive_replies

    settings = repetition_settings_get(shop=shop)
    pasted = [rng.choice(texts).replace("Анна", "Вера") for _ in range(queries // 2)]
    fresh = [
        f"Добрый день! {rng.choice(['Спасибо', 'Благодарим'])} за {rng.randrange(1000)} слов о "
        f"товаре {rng.randrange(300)}, {rng.choice(['рады', 'счастливы'])} помочь снова."
        for _ in range(queries - len(pasted))
    ]
    probe = pasted + fresh
    rng.shuffle(probe)
    repetitive_replies(shop=shop, text=probe[0], settings=settings)  # warm the connection
    index_ms: list[float] = []
    index_flags: list[bool] = []
    for text in probe:
        started = time.perf_counter()
        found = repetitive_replies(shop=shop, text=text, settings=settings)
        index_ms.append((time.perf_counter() - started) * 1000)
        index_flags.append(found is not None)
    prepared = [shingles(text) for text in texts]  # not timed: the baseline's best case
    naive_ms: list[float] = []
    agree = 0
    for position, text in enumerate(probe[:baseline_queries]):
        started = time.perf_counter()
        target = shingles(text)
        similar = sum(1 for other in prepared if jaccard(target, other) >= settings.similarity)
        naive_ms.append((time.perf_counter() - started) * 1000)
        agree += int((similar >= settings.min_count) == index_flags[position])
    index = _pct(index_ms)
    naive = _pct(naive_ms)
    return {
        "prior_replies": len(texts),
        "queries": len(probe),
        "flagged": sum(index_flags),
        "index": index,
        "pairwise": {**naive, "queries": len(naive_ms)},
        "ratio_p50": round(naive["p50_ms"] / index["p50_ms"], 1),
        "ratio_p95": round(naive["p95_ms"] / index["p95_ms"], 1),
        "decisions_agree": f"{agree}/{len(naive_ms)}",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--prior", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=30)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(2026)
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from sellerdesk.celery import app

        shop, products = _setup()
        figures: dict = {}
        print(
            f"incoming: {args.reviews} reviews through review_create + review_autopilot …",
            flush=True,
        )
        if args.reviews:
            incoming(shop, products, min(40, args.reviews), 1)  # compile matchers, fill caches
            figures["incoming"] = incoming(shop, products, args.reviews, args.processes)
            print(json.dumps(figures["incoming"], ensure_ascii=False))
        app.control.purge()  # the ETA tasks queued for sending: no worker runs here
        from sellerdesk.core.models import Shop

        other = Shop.objects.create(name="Bench shop 2", default_language="ru")
        from templates_lib.services import templates_install_defaults

        templates_install_defaults(shop=other)
        texts = _prior_texts(other, products, args.prior, rng)
        seeded = seed_prior(other, texts)
        print(f"seeded {len(texts)} prior public replies in {seeded:.0f} s", flush=True)
        figures["repetitive"] = repetitive(
            other, texts, args.queries, min(args.baseline_queries, args.queries), rng
        )
        print(json.dumps(figures["repetitive"], ensure_ascii=False))
        print(json.dumps({"bench": "autopilot", **figures}, ensure_ascii=False))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
