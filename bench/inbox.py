"""Chat inbox at scale: 100,000 conversations and 1,000,000 messages in PostgreSQL.

    .venv/bin/python bench/inbox.py [--conversations 100000] [--messages 1000000]
                                    [--database sellerdesk_bench_inbox] [--reuse] [--runs 200]

Creates (or with --reuse keeps) a dedicated PostgreSQL database, migrates it, bulk-loads
shops, products, conversations and messages with COPY (psycopg 3), rebuilds the search
indexes after the load, ANALYZEs, then measures the real views through Django's test
Client logged in as a seller of the biggest shop:

* list: the conversation list partial (htmx request, tab "All"), first page;
* unread list: the same with tab "Unread";
* counter: the unread badge view;
* inbox page: the whole page as a browser first loads it;
* long thread: opening the 10,000-message conversation (its newest page) and stepping
  through in-conversation search hits;
* search by word (Russian, varied: rare to very common words, inflected forms),
  by SKU fragment, by buyer name, and by Chinese word in the Chinese shop.

Data: 10 shops; the biggest holds half of all conversations (the hard case for per-shop
queries), one shop writes in Chinese. One conversation of the biggest shop has 10,000
messages; every other has 1-19 (10 on average, the total is exact), built from sentence patterns and a product/word vocabulary, timestamps over
the last 180 days, about 8% of conversations unread.

Times are wall-clock per request (the server side: URL resolution, middleware, view,
ORM, template) on this machine. Figures: p50/p95/max in milliseconds per kind. The last
line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LONG_CONVERSATION = 10_000

RU_FIRST = [
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Ирина",
    "Наталья",
    "Татьяна",
    "Светлана",
    "Юлия",
    "Екатерина",
    "Алексей",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Иван",
    "Павел",
    "Михаил",
    "Николай",
    "Владимир",
    "Артём",
    "Кирилл",
    "Виктория",
    "Полина",
    "Ксения",
    "Дарья",
    "Алина",
    "Вера",
    "Галина",
    "Тимур",
    "Роман",
]
RU_LAST = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
]
RU_PRODUCTS = [
    "Кофемолка",
    "Плед",
    "Полотенце",
    "Щётка",
    "Кукла",
    "Чайник",
    "Подушка",
    "Одеяло",
    "Сковорода",
    "Кастрюля",
    "Блендер",
    "Миксер",
    "Утюг",
    "Фен",
    "Лампа",
    "Ночник",
    "Коврик",
    "Штора",
    "Скатерть",
    "Кружка",
    "Термос",
    "Рюкзак",
    "Сумка",
    "Кошелёк",
    "Зонт",
    "Шарф",
    "Перчатки",
    "Носки",
    "Пижама",
    "Халат",
]
RU_ADJ = [
    "серый",
    "белый",
    "синий",
    "зелёный",
    "мягкий",
    "большой",
    "детский",
    "стеклянный",
    "хлопковый",
    "тёплый",
]
RU_SENTENCES = [
    "Здравствуйте! Когда отправите мой заказ {n}?",
    "Добрый день, {product} пришёл с браком, что делать?",
    "Подскажите, подойдёт ли {product} для подарка?",
    "Заказ {n} до сих пор не доставлен, помогите разобраться.",
    "Можно оформить возврат? Размер не подошёл.",
    "Спасибо, всё получила, очень довольна покупкой!",
    "На коробке вмятина, но {product} целый.",
    "Какая гарантия на {product}?",
    "Пришёл не тот цвет, заказывала {adj}.",
    "Трещина на крышке, прикладываю фото.",
    "Есть ли {product} в другом размере?",
    "Курьер не позвонил, посылка вернулась на склад.",
    "Почему списали деньги дважды за заказ {n}?",
    "Инструкция на английском, есть ли на русском?",
    "Запах у изделия сильный, это нормально?",
    "Хочу заказать оптом двадцать штук, будет скидка?",
    "Батарейки в комплекте или покупать отдельно?",
    "Можно ли стирать {product} в машинке?",
    "Здравствуйте, {name}! Спасибо за обращение. Заказ {n} уже в пути. Хорошего дня!",
    "Добрый день, {name}! Нам жаль, что так вышло. Оформите возврат, деньги вернутся за три дня.",
    "Здравствуйте! Гарантия на {product} — один год. Обращайтесь!",
    "Благодарим за отзыв! Рады, что {product} понравился.",
]
ZH_FIRST = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "罗",
    "高",
]
ZH_GIVEN = ["女士", "先生", "同学", "老师", "妈妈", "爸爸", "小姐", "阿姨"]
ZH_PRODUCTS = [
    "卫衣",
    "连衣裙",
    "牛仔裤",
    "连体衣",
    "雨衣",
    "外套",
    "羽绒服",
    "运动鞋",
    "帽子",
    "围巾",
    "袜子",
    "睡衣",
    "背包",
    "T恤",
    "短裤",
]
ZH_SENTENCES = [
    "你好，{product}什么时候发货？",
    "{product}收到了，颜色和图片不一样。",
    "请问{product}是纯棉的吗？",
    "孩子身高一百三十厘米，穿多大码？",
    "可以退换吗？尺码偏小。",
    "快递一直没有更新物流信息。",
    "质量很好，孩子很喜欢，谢谢！",
    "{product}洗了以后会不会掉色？",
    "您好！{product}今天已经发货，请注意查收。",
    "亲，可以申请退换，运费我们承担。",
]


def _settings(database: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sellerdesk.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"  # no query log in memory, no debug toolbar work
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.setdefault("MEDIA_ROOT", "/tmp/sellerdesk-bench-media")


def _create_database(database: str, *, reuse: bool) -> bool:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if exists and reuse:
            return False
        if exists:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
        admin.execute(
            f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    return True


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def _load(*, conversations: int, messages: int, rng: random.Random) -> dict:
    import importlib

    from django.db import connection, transaction

    from chats.search import cjk_bigrams
    from sellerdesk.core.models import Membership, Product, Shop
    from tests.factories import TEST_PASSWORD

    # The search indexes are dropped for the load and built once afterwards (much faster
    # than maintaining GIN indexes row by row); the SQL is the migrations' own.
    message_indexes = importlib.import_module("chats.migrations.0002_search_indexes").INDEXES
    index_sql = [(name, sql) for name, sql in message_indexes if "chats_message" in sql]
    vector_migration = importlib.import_module("chats.migrations.0003_conversation_search_vector")
    index_sql.append(("chats_conv_search_fts", vector_migration.INDEX_SQL))
    index_sql += importlib.import_module("chats.migrations.0004_trigram_upper").INDEXES
    from django.contrib.auth import get_user_model

    now = datetime.now(UTC)
    shares = [0.5] + [0.5 / 9] * 9
    shops = []
    for index, share in enumerate(shares):
        chinese = index == 1
        shop = Shop.objects.create(
            name=f"Bench shop {index}",
            marketplace="taobao" if chinese else "wildberries",
            time_zone="Asia/Shanghai" if chinese else "Europe/Moscow",
            default_language="zh" if chinese else "ru",
        )
        shops.append((shop, int(conversations * share), chinese))
    user_model = get_user_model()
    users = {}
    for shop, _count, _zh in shops[:2]:
        user = user_model.objects.create_user(
            username=f"bench-seller-{shop.pk}", password=TEST_PASSWORD
        )
        Membership.objects.create(user=user, shop=shop, role="seller")
        users[shop.pk] = user

    products_by_shop: dict[int, list[tuple[int, str, str]]] = {}
    for shop, count, chinese in shops:
        number = max(50, count // 25)
        rows = []
        for i in range(number):
            if chinese:
                name = f"{rng.choice(ZH_PRODUCTS)} {rng.randint(90, 170)}码 款式{i}"
                sku = f"TB-{shop.pk:02d}{i:05d}"
            else:
                name = f"{rng.choice(RU_PRODUCTS)} {rng.choice(RU_ADJ)}, модель {i}"
                sku = f"WB-{shop.pk:02d}{i:05d}"
            rows.append(Product(shop=shop, sku=sku, name=name))
        created = Product.objects.bulk_create(rows, batch_size=2000)
        products_by_shop[shop.pk] = [(p.pk, p.sku, p.name) for p in created]

    with connection.cursor() as cursor:
        for name, _sql in index_sql:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    raw = connection.connection  # psycopg 3 connection under Django
    # Exactly ``messages`` messages: every conversation starts at the average, then random
    # pairs trade messages (1 to 19 each), so sizes vary but the total is exact.
    shops[-1] = (
        shops[-1][0],
        conversations - sum(count for _s, count, _z in shops[:-1]),
        shops[-1][2],
    )
    # The biggest shop's first conversation is the long one (LONG_CONVERSATION messages).
    rest, rest_messages = conversations - 1, messages - LONG_CONVERSATION
    sizes = [rest_messages // rest] * rest
    for i in range(rest_messages - sum(sizes)):
        sizes[i % rest] += 1
    for _ in range(rest * 3):
        a, b = rng.randrange(rest), rng.randrange(rest)
        moved = rng.randint(1, 6)
        if sizes[a] - moved >= 1 and sizes[b] + moved <= 19:
            sizes[a] -= moved
            sizes[b] += moved
    sizes.insert(0, LONG_CONVERSATION)
    size_iter = iter(sizes)
    long_conversation_id = None
    conversation_rows = []
    sample = {"skus": [], "names": [], "zh_names": []}
    started = time.perf_counter()
    total_messages = 0
    # One transaction: Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the
    # messages may be copied before the conversations whose summary they produce.
    with transaction.atomic(), raw.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM chats_conversation")
        next_conversation_id = cursor.fetchone()[0] + 1
        with cursor.copy(
            "COPY chats_message (conversation_id, shop_id, direction, text, text_ngrams, author_id, created_at, "
            "external_id, idempotency_key) FROM STDIN"
        ) as copy:
            for shop, count, chinese in shops:
                products = products_by_shop[shop.pk]
                author = users.get(shop.pk)
                for _ in range(count):
                    conversation_id = next_conversation_id
                    next_conversation_id += 1
                    product = rng.choice(products) if rng.random() < 0.9 else None
                    if chinese:
                        buyer = rng.choice(ZH_FIRST) + rng.choice(ZH_GIVEN)
                    else:
                        last = rng.choice(RU_LAST)
                        first = rng.choice(RU_FIRST)
                        buyer = f"{first} {last}{'а' if first[-1] in 'аяи' else ''}"
                    n_messages = next(size_iter)
                    if n_messages == LONG_CONVERSATION:
                        long_conversation_id = conversation_id
                    moment = now - timedelta(days=rng.random() * 180)
                    step = (
                        600 if n_messages < 100 else 20
                    )  # the long one: 10,000 messages in ~5 months
                    last_text = ""
                    last_direction = "in"
                    first_unanswered = None
                    for m in range(n_messages):
                        moment += timedelta(minutes=rng.randint(1, step))
                        if moment > now:
                            moment = now - timedelta(seconds=rng.randint(1, 3600))
                        incoming = m == 0 or rng.random() < 0.55
                        if chinese:
                            text = rng.choice(
                                ZH_SENTENCES[:8] if incoming else ZH_SENTENCES[8:]
                            ).format(product=rng.choice(ZH_PRODUCTS))
                        else:
                            pool = RU_SENTENCES[:18] if incoming else RU_SENTENCES[18:]
                            text = rng.choice(pool).format(
                                n=rng.randint(10_000_000, 99_999_999),
                                product=(
                                    product[2].split(",")[0] if product else rng.choice(RU_PRODUCTS)
                                ).lower(),
                                adj=rng.choice(RU_ADJ),
                                name=buyer.split()[0],
                            )
                        copy.write_row(
                            (
                                conversation_id,
                                shop.pk,
                                "in" if incoming else "out",
                                text,
                                cjk_bigrams(text) if chinese else "",
                                None if incoming else (author.pk if author else None),
                                moment,
                                "",
                                uuid.UUID(int=rng.getrandbits(128)),
                            )
                        )
                        total_messages += 1
                        last_text, last_direction = text, ("in" if incoming else "out")
                        if incoming and first_unanswered is None:
                            first_unanswered = moment
                        if not incoming:
                            first_unanswered = None
                    unread = (
                        rng.randint(1, 3) if (last_direction == "in" and rng.random() < 0.3) else 0
                    )
                    conversation_rows.append(
                        (
                            conversation_id,
                            shop.pk,
                            product[0] if product else None,
                            buyer,
                            "",
                            "",
                            now,
                            moment,
                            last_text[:140],
                            last_direction,
                            unread,
                            None if unread else moment,
                            first_unanswered,
                        )
                    )
                    if (
                        shop.pk == shops[0][0].pk
                        and len(sample["names"]) < 500
                        and rng.random() < 0.05
                    ):
                        sample["names"].append(
                            buyer.split()[-1][:-1] if buyer.endswith("а") else buyer.split()[-1]
                        )
                        if product:
                            sample["skus"].append(product[1][-5:])
        copy_seconds = time.perf_counter() - started
        with cursor.copy(
            "COPY chats_conversation (id, shop_id, product_id, buyer_name, external_id, chat_ref, created_at, "
            "last_message_at, last_message_excerpt, last_message_direction, unread_count, last_read_at, "
            "first_unanswered_at) FROM STDIN"
        ) as copy:
            for row in conversation_rows:
                copy.write_row(row)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('chats_conversation', 'id'), %s)",
            [next_conversation_id],
        )
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        vector_started = time.perf_counter()
        cursor.execute(vector_migration.BACKFILL_SQL)
        vector_seconds = time.perf_counter() - vector_started
        for _name, sql in index_sql:
            cursor.execute(sql)
        # Steady state of a live database: autovacuum has set the visibility map, so counts
        # can be answered from the partial index alone.
        cursor.execute("VACUUM ANALYZE")
    index_seconds = time.perf_counter() - started
    return {
        "big_shop": shops[0][0].pk,
        "long_conversation": long_conversation_id,
        "zh_shop": shops[1][0].pk,
        "big_user": users[shops[0][0].pk].pk,
        "zh_user": users[shops[1][0].pk].pk,
        "sample": sample,
        "load": {
            "conversations": len(conversation_rows),
            "messages": total_messages,
            "copy_messages_s": round(copy_seconds, 1),
            "load_total_s": round(load_seconds, 1),
            "search_vector_backfill_s": round(vector_seconds, 1),
            "index_build_s": round(index_seconds - vector_seconds, 1),
        },
    }


def _measure(client, url: str, params: dict, headers: dict) -> float:
    started = time.perf_counter()
    response = client.get(url, params, **headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params} -> {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--database", default="sellerdesk_bench_inbox")
    parser.add_argument(
        "--reuse", action="store_true", help="keep an already loaded bench database"
    )
    parser.add_argument("--runs", type=int, default=200, help="requests per kind")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    _settings(args.database)
    fresh = _create_database(args.database, reuse=args.reuse)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    rng = random.Random(args.seed)
    meta_path = Path(f"/tmp/{args.database}.json")
    if fresh or not meta_path.exists():
        call_command("migrate", verbosity=0)
        meta = _load(conversations=args.conversations, messages=args.messages, rng=rng)
        meta_path.write_text(json.dumps(meta))
    else:
        meta = json.loads(meta_path.read_text())
    print(f"loaded: {meta['load']}", flush=True)

    user_model = get_user_model()
    client = Client()
    client.force_login(user_model.objects.get(pk=meta["big_user"]))
    zh_client = Client()
    zh_client.force_login(user_model.objects.get(pk=meta["zh_user"]))

    inbox = reverse("chats:inbox")
    badge = reverse("chats:unread_badge")
    list_headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conversation-list"}
    words = [
        "брак",
        "браком",
        "трещина",
        "возврат",
        "гарантия",
        "гарантии",
        "курьер",
        "посылка",
        "инструкция",
        "скидка",
        "оптом",
        "запах",
        "вмятина",
        "батарейки",
        "стирать",
        "цвет",
        "размер",
        "подарка",
        "доставлен",
        "деньги",
        "заказ",
        "здравствуйте",
        "кофемолка",
        "плед",
        "термос",
        "зонт",
        "пижама",
        "холодильник",
        "самокат",
        "списали дважды",
        "не тот цвет",
    ]
    zh_words = [
        "卫衣",
        "连衣裙",
        "发货",
        "纯棉",
        "掉色",
        "退换",
        "物流信息",
        "身高",
        "羽绒服",
        "颜色",
    ]
    sample = meta["sample"]
    kinds: dict[str, list[float]] = {
        k: []
        for k in (
            "inbox_page",
            "list",
            "list_unread",
            "counter",
            "search_word",
            "search_sku",
            "search_name",
            "search_zh",
            "long_thread_open",
            "long_thread_find",
        )
    }
    long_url = reverse("chats:conversation", args=[meta["long_conversation"]])
    thread_headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "thread"}

    for _ in range(5):  # warm caches and connections
        _measure(client, inbox, {}, list_headers)
    for i in range(args.runs):
        kinds["list"].append(_measure(client, inbox, {}, list_headers))
        kinds["list_unread"].append(_measure(client, inbox, {"tab": "unread"}, list_headers))
        kinds["counter"].append(_measure(client, badge, {}, {"HTTP_HX_REQUEST": "true"}))
        kinds["search_word"].append(
            _measure(client, inbox, {"q": words[i % len(words)]}, list_headers)
        )
        kinds["search_sku"].append(
            _measure(client, inbox, {"q": sample["skus"][i % len(sample["skus"])]}, list_headers)
        )
        kinds["search_name"].append(
            _measure(client, inbox, {"q": sample["names"][i % len(sample["names"])]}, list_headers)
        )
        kinds["search_zh"].append(
            _measure(zh_client, inbox, {"q": zh_words[i % len(zh_words)]}, list_headers)
        )
        if i % 4 == 0:  # the full page and the long thread are heavier: a quarter of the runs
            kinds["inbox_page"].append(_measure(client, inbox, {}, {}))
            kinds["long_thread_open"].append(_measure(client, long_url, {}, thread_headers))
            kinds["long_thread_find"].append(
                _measure(
                    client,
                    long_url,
                    {"find": words[i % len(words)], "hit": str(i % 7)},
                    thread_headers,
                )
            )

    figures = {kind: _percentiles(samples) for kind, samples in kinds.items()}
    for kind, figure in figures.items():
        print(
            f"{kind:16s} p50 {figure['p50_ms']:7.2f} ms  p95 {figure['p95_ms']:7.2f} ms  max {figure['max_ms']:7.2f} ms"
        )
    goals = {
        "list_p95_under_50ms": all(
            figures[k]["p95_ms"] < 50 for k in ("list", "list_unread", "inbox_page")
        ),
        "counter_p95_under_50ms": figures["counter"]["p95_ms"] < 50,
        "search_p95_under_100ms": all(
            figures[k]["p95_ms"] < 100 for k in kinds if k.startswith("search")
        ),
    }
    print(
        json.dumps(
            {
                "bench": "inbox",
                "database": args.database,
                "data": meta["load"],
                "big_shop_conversations": int(args.conversations * 0.5),
                "figures": figures,
                "goals": goals,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
