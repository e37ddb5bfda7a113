"""The SLA and reply-quality dashboards at 10 M events: daily roll-ups against raw events.

    .venv/bin/python bench/dashboards.py [--events 10000000] [--decisions 10000000] [--runs 15]

Creates (and drops first) the PostgreSQL database ``sellerdesk_bench_dashboards``. Data,
generated in SQL: 20 shops (half in Europe/Moscow, half in Asia/Shanghai), 5 sellers each;
``--events`` SLA events over the last 365 days (started, warned, breached, met / answered
late: about 2.3 per waiting period), ``--decisions`` reply-guard decisions over the same year
with one or two finding codes for each one that was not clean. Then the worker's roll-up job
builds every finished day (timed).

For four views — SLA and quality, one shop and all 20 shops, a whole year each, today
included — it times the page's figures read from roll-ups plus today (p50/p95 of
``--runs``) and from the raw events (the naive baseline, fewer runs), checks both give
the same result, and prints the ratio. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sellerdesk_bench_dashboards"
SHOPS = 20
SELLERS = 5

os.environ["DJANGO_SETTINGS_MODULE"] = "sellerdesk.settings.local"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_DEBUG"] = "false"


def log(message: str) -> None:
    print(message, flush=True)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def samples(fn, runs: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def p95(values: list[float]) -> float:
    return round(values[min(len(values) - 1, round(0.95 * (len(values) - 1)))], 1)


def generate(events: int, decisions: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from sellerdesk.core.models import Membership, Role, Shop

    shops = [
        Shop.objects.create(
            name=f"Bench shop {n}", time_zone="Europe/Moscow" if n % 2 else "Asia/Shanghai"
        )
        for n in range(SHOPS)
    ]
    users = []
    for shop in shops:
        for n in range(SELLERS):
            user = get_user_model().objects.create(username=f"bench-{shop.pk}-{n}")
            Membership.objects.create(
                user=user, shop=shop, role=Role.ADMIN if n == 0 else Role.SELLER
            )
            users.append(user.pk)
    periods = int(events / 2.3)
    params = {
        "first_shop": shops[0].pk,
        "shops": SHOPS,
        "first_user": min(users),
        "sellers": SELLERS,
        "periods": periods,
        "decisions": decisions,
    }
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE bench_period AS
            SELECT g,
                   %(first_shop)s + (g %% %(shops)s) AS shop_id,
                   (ARRAY['chat', 'chat', 'question', 'review'])[1 + g %% 4] AS channel,
                   now() - random() * interval '365 days' AS since,
                   %(first_user)s + (g %% %(shops)s) * %(sellers)s + (g / 7) %% %(sellers)s AS seller_id,
                   (exp(random() * 2.4 + random() * 2.4) * 60)::int AS response
            FROM generate_series(1, %(periods)s) AS g
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO sla_slaclock (shop_id, channel, item_id, period_started_at, sla_warn_at,
                                      sla_due_at, state, warned_at, breached_at, answered_at,
                                      answered_by_id)
            SELECT shop_id, channel, g, since, since + target * 0.8, since + target,
                   CASE WHEN response <= extract(epoch FROM target) THEN 'met' ELSE 'breached' END,
                   CASE WHEN response > extract(epoch FROM target) * 0.8 THEN since + target * 0.8 END,
                   CASE WHEN response > extract(epoch FROM target) THEN since + target END,
                   since + response * interval '1 second', seller_id
            FROM (SELECT *, CASE WHEN channel = 'chat' THEN interval '1 hour'
                                 ELSE interval '24 hours' END AS target
                  FROM bench_period) p
            """
        )
        cursor.execute(
            """
            INSERT INTO sla_slaevent (shop_id, clock_id, channel, item_id, kind, at,
                                      duration_seconds, elapsed_seconds, seller_id)
            SELECT c.shop_id, c.id, c.channel, c.item_id, k.kind, k.at, k.duration, k.duration, k.seller
            FROM sla_slaclock c
            CROSS JOIN LATERAL (VALUES
                ('started', c.period_started_at, NULL::int, NULL::int),
                ('warned', c.warned_at, extract(epoch FROM c.warned_at - c.period_started_at)::int, NULL),
                ('breached', c.breached_at, extract(epoch FROM c.breached_at - c.period_started_at)::int, NULL),
                (CASE WHEN c.state = 'met' THEN 'met' ELSE 'answered_late' END, c.answered_at,
                 extract(epoch FROM c.answered_at - c.period_started_at)::int, c.answered_by_id)
            ) AS k(kind, at, duration, seller)
            WHERE k.at IS NOT NULL AND k.at <= now()
            """
        )
        cursor.execute(
            """
            INSERT INTO replycheck_replydecision (shop_id, user_id, channel, item_id, outcome,
                                                  errors, warnings, created_at)
            SELECT %(first_shop)s + (g %% %(shops)s),
                   %(first_user)s + (g %% %(shops)s) * %(sellers)s + (g / 11) %% %(sellers)s,
                   (ARRAY['chat', 'question_answer', 'question_decline', 'review_reply'])[1 + g %% 4],
                   g,
                   o.outcome,
                   CASE WHEN o.outcome = 'blocked' THEN 1 ELSE 0 END,
                   CASE WHEN o.outcome IN ('held', 'sent_warned') THEN 1 ELSE 0 END,
                   now() - random() * interval '365 days'
            FROM generate_series(1, %(decisions)s) AS g
            CROSS JOIN LATERAL (SELECT CASE
                WHEN g %% 20 < 13 THEN 'sent_clean' WHEN g %% 20 < 16 THEN 'sent_warned'
                WHEN g %% 20 < 18 THEN 'held' WHEN g %% 20 < 19 THEN 'blocked'
                ELSE 'fixed_resent' END AS outcome) o
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO replycheck_replydecisioncode (decision_id, shop_id, user_id, channel, code,
                                                      severity, outcome, created_at)
            SELECT d.id, d.shop_id, d.user_id, d.channel, c.code, c.severity, d.outcome, d.created_at
            FROM replycheck_replydecision d
            CROSS JOIN LATERAL (VALUES
                (CASE WHEN d.outcome = 'blocked'
                      THEN (ARRAY['contact_outside_chat', 'profanity', 'rude'])[1 + d.id % 3]
                      ELSE (ARRAY['missing_greeting', 'missing_closing', 'overpromise', 'blame'])[1 + d.id % 4]
                 END,
                 CASE WHEN d.outcome = 'blocked' THEN 'error' ELSE 'warning' END),
                (CASE WHEN d.id % 3 = 0 THEN 'missing_thanks' END, 'warning')
            ) AS c(code, severity)
            WHERE d.outcome <> 'sent_clean' AND c.code IS NOT NULL
            """
        )
        for table in (
            "sla_slaclock",
            "sla_slaevent",
            "replycheck_replydecision",
            "replycheck_replydecisioncode",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM sla_slaevent")
        event_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM replycheck_replydecision")
        decision_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM replycheck_replydecisioncode")
        code_rows = cursor.fetchone()[0]
    return {
        "shops": shops,
        "sla_events": event_rows,
        "decisions": decision_rows,
        "decision_codes": code_rows,
        "generate_s": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--decisions", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--raw-runs", type=int, default=3)
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from sellerdesk.core.rollups import local_today, rollups_catch_up
    from sellerdesk.replycheck.selectors import QualityFilter, quality_dashboard
    from sellerdesk.sla import selectors as sla

    call_command("migrate", verbosity=0)
    log(f"generating {args.events:,} SLA events and {args.decisions:,} decisions…")
    data = generate(args.events, args.decisions)
    shops = data.pop("shops")
    log(f"  {data}")
    start = time.perf_counter()
    built = rollups_catch_up(days_back=366)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sla_sladaily")
        cursor.execute("VACUUM ANALYZE replycheck_qualitydaily")
        cursor.execute("VACUUM ANALYZE replycheck_qualitycodedaily")
        cursor.execute("SELECT count(*) FROM sla_sladaily")
        sla_rollup_rows = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT count(*) FROM replycheck_qualitydaily)"
            " + (SELECT count(*) FROM replycheck_qualitycodedaily)"
        )
        quality_rollup_rows = cursor.fetchone()[0]
    rollup_s = round(time.perf_counter() - start, 1)
    log(
        f"roll-ups: {built} shop-days in {rollup_s} s "
        f"({sla_rollup_rows:,} SLA rows, {quality_rollup_rows:,} quality rows)"
    )

    today = local_today(shops[0], timezone.now())
    start_day = today - timedelta(days=364)
    tz = sla.ZoneInfo(shops[0].time_zone)

    def sla_page(flt, use_rollups):
        figures = sla.dashboard_figures(flt, use_rollups=use_rollups)
        return (
            sla.dashboard_summary(figures),
            [(bar.day, bar.count) for bar in sla.dashboard_breach_chart(flt, figures).bars],
            sla.dashboard_per_seller(figures),
        )

    views = {
        "sla_one_shop": (
            sla_page,
            sla.DashboardFilter(shops=(shops[1],), start=start_day, end=today, channel="", tz=tz),
        ),
        "sla_all_shops": (
            sla_page,
            sla.DashboardFilter(shops=tuple(shops), start=start_day, end=today, channel="", tz=tz),
        ),
        "quality_one_shop": (
            lambda flt, use_rollups: quality_dashboard(flt, use_rollups=use_rollups),
            QualityFilter(shops=(shops[1],), start=start_day, end=today),
        ),
        "quality_all_shops": (
            lambda flt, use_rollups: quality_dashboard(flt, use_rollups=use_rollups),
            QualityFilter(shops=tuple(shops), start=start_day, end=today),
        ),
    }
    figures: dict = {}
    for name, (page, flt) in views.items():
        identical = page(flt, True) == page(flt, False)
        rolled = samples(lambda page=page, flt=flt: page(flt, True), args.runs)
        raw = samples(lambda page=page, flt=flt: page(flt, False), args.raw_runs)
        figures[name] = {
            "rollups_p50_ms": round(statistics.median(rolled), 1),
            "rollups_p95_ms": p95(rolled),
            "raw_p50_ms": round(statistics.median(raw), 1),
            "raw_p95_ms": p95(raw),
            "ratio_p95": round(p95(raw) / max(p95(rolled), 0.01), 1),
            "identical": identical,
        }
        log(f"  {name}: {figures[name]}")
    result = {
        **data,
        "rollup_build_s": rollup_s,
        "rollup_shop_days": built,
        "sla_rollup_rows": sla_rollup_rows,
        "quality_rollup_rows": quality_rollup_rows,
        **figures,
        "goals": {
            "ratio_ge_20": all(f["ratio_p95"] >= 20 for f in figures.values()),
            "identical": all(f["identical"] for f in figures.values()),
        },
        "loadavg": os.getloadavg(),
    }
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
