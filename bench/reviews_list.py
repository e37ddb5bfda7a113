"""Reviews list and search at scale: p50/p95 of the page a seller opens, in PostgreSQL.

    .venv/bin/python bench/reviews_list.py [--reviews 100000] [--repeat 30]

Creates a throw-away PostgreSQL database (TEST_DATABASE_URL, as the tests do), fills
one shop with N reviews over 300 products (Russian and Chinese, most already answered,
ratings skewed positive like a real shop) and a second shop with N/5, then requests the
real views through Django's test client as a logged-in seller: the Unanswered tab, the
Answered tab, page 100 of Answered (keyset cursor), 1-star filter, negative group +
product filter, a word search (Russian stemming), a Chinese fragment search, and one
review's detail page with its playbook. Wall-clock milliseconds per request.

The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
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
os.environ.setdefault("TEST_DATABASE_NAME", "bench_sd_reviews")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

RU_SUBJECTS = ["плед", "чайник", "кофемолка", "полотенце", "щётка", "кукла", "подушка", "одеяло"]
RU_TEXTS = {
    5: [
        "Отличный {s}, всем доволен!",
        "{s} как на фото, рекомендую.",
        "Хороший {s}, быстро доставили.",
    ],
    4: ["{s} хороший, но упаковка простая.", "В целом {s} нравится, есть мелкие недочёты."],
    3: ["{s} нормальный, но ожидал большего.", "Долгая доставка, {s} пришёл через две недели."],
    2: ["{s} маломерит, не соответствует описанию.", "У товара {s} торчат нитки, брак."],
    1: ["{s} пришёл разбитым, коробка помята.", "Мошенники, {s} не работает, никогда больше!"],
}
ZH_SUBJECTS = ["卫衣", "连衣裙", "牛仔裤", "连体衣", "雨衣"]
ZH_TEXTS = {
    5: ["{s}很好，孩子很喜欢"],
    4: ["{s}不错，有一点线头"],
    3: ["{s}还行，发货慢"],
    2: ["{s}偏小，和描述不符"],
    1: ["{s}外包装破了，被压坏"],
}
RATINGS = [5] * 60 + [4] * 17 + [3] * 9 + [2] * 6 + [1] * 8


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def _fill(shop, products, count: int, rng: random.Random) -> None:
    from reviews.models import Review, ReviewStatus

    now = timezone.now()
    batch: list[Review] = []
    for number in range(count):
        rating = rng.choice(RATINGS)
        if rng.random() < 0.2:
            text = rng.choice(ZH_TEXTS[rating]).format(s=rng.choice(ZH_SUBJECTS))
        else:
            text = rng.choice(RU_TEXTS[rating]).format(s=rng.choice(RU_SUBJECTS))
        roll = rng.random()
        status = (
            ReviewStatus.UNANSWERED
            if roll < 0.04
            else ReviewStatus.IN_RESOLUTION
            if roll < 0.05
            else ReviewStatus.ANSWERED
        )
        batch.append(
            Review(
                shop=shop,
                product=rng.choice(products),
                buyer_name=f"Покупатель {number % 997}",
                rating=rating,
                text=f"{text} (№{number})",
                status=status,
                answer_text="Спасибо за отзыв!" if status == ReviewStatus.ANSWERED else "",
                created_at=now - timedelta(minutes=count - number),
            )
        )
        if len(batch) == 5000:
            Review.objects.bulk_create(batch)
            batch = []
    if batch:
        Review.objects.bulk_create(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database afterwards (to EXPLAIN by hand)."
    )
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from reviews import services
        from reviews.models import Review
        from sellerdesk.core.models import Product, Role
        from tests.factories import ShopFactory, member

        rng = random.Random(2026)
        shop, other = ShopFactory(name="Bench"), ShopFactory(name="Other")
        services.situation_rules_install_defaults(shop=shop)
        seller = member(shop, Role.SELLER, username="bench-seller")
        products = [
            Product.objects.create(shop=shop, sku=f"WB-{100000 + n}", name=f"Товар {n}")
            for n in range(300)
        ]
        other_products = [
            Product.objects.create(shop=other, sku=f"TB-{n}", name=f"商品 {n}") for n in range(30)
        ]
        started = time.perf_counter()
        _fill(shop, products, args.reviews, rng)
        _fill(other, other_products, args.reviews // 5, rng)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE reviews_review")
            cursor.execute("VACUUM ANALYZE core_product")
        fill_seconds = time.perf_counter() - started
        damaged = services.review_create(
            shop=shop, rating=1, text="Коробка помята, чайник разбитый", product=products[0]
        )

        client = Client()
        client.force_login(seller)

        def page_url_after(pages: int) -> str:
            url = "/reviews/?tab=answered"
            for _ in range(pages):
                body = client.get(url).content.decode()
                marker = body.index('rel="next"')
                start = body.rindex('href="', 0, marker) + 6
                url = "/reviews/" + body[start : body.index('"', start)].replace("&amp;", "&")
            return url

        cases = {
            "unanswered_tab": "/reviews/",
            "answered_tab": "/reviews/?tab=answered",
            "answered_page_100": page_url_after(100),
            "one_star_answered": "/reviews/?tab=answered&rating=1",
            "negative_product": f"/reviews/?tab=answered&group=negative&product={products[7].pk}",
            "search_word_ru": "/reviews/?tab=answered&q=разбитый",
            "search_zh_fragment": "/reviews/?tab=answered&q=压坏",
            "detail_with_playbook": f"/reviews/{damaged.pk}/",
        }
        figures: dict[str, object] = {
            "reviews": args.reviews,
            "other_shop_reviews": args.reviews // 5,
            "fill_seconds": round(fill_seconds, 1),
            "unanswered": Review.objects.for_shop(shop).filter(status="unanswered").count(),
        }
        for name, url in cases.items():
            samples = []
            for attempt in range(args.repeat + 2):
                began = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - began) * 1000
                assert response.status_code == 200, (name, response.status_code)
                if attempt >= 2:  # the first two warm caches (templates, pymorphy3, plans)
                    samples.append(elapsed)
            figures[name] = _percentiles(samples)
            print(
                f"{name:<22} p50 {figures[name]['p50_ms']:>8} ms   p95 {figures[name]['p95_ms']:>8} ms"
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN SELECT id FROM reviews_review WHERE shop_id = %s AND status = 'answered' AND rating = 1 "
                "ORDER BY created_at DESC, id DESC LIMIT 26",
                [shop.pk],
            )
            figures["plan_one_star_tab"] = " / ".join(
                row[0].strip() for row in cursor.fetchall()[:3]
            )
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if args.keep:
            print(f"kept database {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
