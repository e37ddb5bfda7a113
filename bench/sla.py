"""SLA at scale: the sweep's queries over 1,000,000 waiting items, the dashboard over a
year of events, and how late a real Celery worker records breaches.

    .venv/bin/python bench/sla.py [--waiting 1000000] [--periods 600000] [--late 150]

Creates (and drops first) the PostgreSQL database ``sellerdesk_bench_sla`` and migrates it.
Data, generated in SQL for speed:
  * ``--waiting`` open clocks over 20 shops, due from 2 minutes to 30 days ahead, plus
    2,000 overdue ones the sweep has not marked yet (its real backlog shape);
  * ``--periods`` closed periods spread over the last 365 days (met ~88 %, otherwise
    breached and answered late), with their events: started, warned (when late
    enough), breached, met/answered_late — about 2.3 events per period.
Figures (wall-clock milliseconds, median of repeated runs on a warm cache):
  * sweep: the overdue query (LIMIT 500 by due time), the unwarned query, the
    look-ahead query (deadlines in the next 90 s) — each is one indexed scan;
  * dashboard: every aggregate the page runs for one shop over 365 days (summary with
    percentile_cont, daily breach buckets, per-seller table, at-risk and breached lists);
  * lateness: a real worker with embedded beat (``celery worker -B``) on Redis; ``--late``
    chats start through the service with a one-minute target (timers armed by ETA),
    and a third as many clocks are inserted with no timer at all (lost timers the
    sweep must re-arm or breach). Lateness = breached_at − sla_due_at.
The last line printed is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "sellerdesk_bench_sla"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SHOPS = 20
WORKER_LOG = "/tmp/sla-bench-worker.log"

os.environ["DJANGO_SETTINGS_MODULE"] = "sellerdesk.settings.local"
os.environ["DATABASE_URL"] = DB_URL
os.environ["REDIS_URL"] = REDIS_URL
os.environ["CELERY_BROKER_URL"] = REDIS_URL
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DJANGO_DEBUG"] = "false"  # no query log in memory


def log(message: str) -> None:
    print(message, flush=True)


def recreate_database() -> None:
    import psycopg
    import redis

    # The bench's own Redis database: drop timers left over from an earlier run.
    redis.Redis.from_url(REDIS_URL).flushdb()

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def timed(fn, repeat: int) -> float:
    """Median milliseconds of ``repeat`` runs after one warm-up run."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def generate(waiting: int, periods: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from sellerdesk.core.models import Membership, Role, Shop

    shops = [
        Shop.objects.create(name=f"Bench shop {n}", time_zone="Europe/Moscow") for n in range(SHOPS)
    ]
    users = []
    for shop in shops:
        for n in range(5):
            user = get_user_model().objects.create(username=f"bench-{shop.pk}-{n}")
            Membership.objects.create(
                user=user, shop=shop, role=Role.ADMIN if n == 0 else Role.SELLER
            )
            users.append(user.pk)
    shop_ids = [shop.pk for shop in shops]
    first_shop, first_user = shop_ids[0], min(users)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # Open periods: due from +2 min to +30 days; chats and questions.
        cursor.execute(
            """
            INSERT INTO sla_slaclock (shop_id, channel, item_id, period_started_at, sla_warn_at, sla_due_at, state)
            SELECT %(first_shop)s + (g %% %(shops)s),
                   CASE WHEN g %% 3 = 0 THEN 'question' ELSE 'chat' END,
                   g,
                   now() - interval '1 hour',
                   now() + interval '2 minutes' + (g::float / %(n)s) * interval '30 days' - interval '1 minute',
                   now() + interval '2 minutes' + (g::float / %(n)s) * interval '30 days',
                   'waiting'
            FROM generate_series(1, %(n)s) AS g
            """,
            {"first_shop": first_shop, "shops": SHOPS, "n": waiting},
        )
        # The sweep's backlog: overdue, not yet marked.
        cursor.execute(
            """
            INSERT INTO sla_slaclock (shop_id, channel, item_id, period_started_at, sla_warn_at, sla_due_at, state)
            SELECT %(first_shop)s + (g %% %(shops)s), 'chat', 50000000 + g, now() - interval '2 hours',
                   now() - interval '80 minutes', now() - (g || ' seconds')::interval, 'waiting'
            FROM generate_series(1, 2000) AS g
            """,
            {"first_shop": first_shop, "shops": SHOPS},
        )
        # A year of closed periods with a log-normal-ish response time (seconds).
        cursor.execute(
            """
            CREATE TEMP TABLE bench_period AS
            SELECT g,
                   %(first_shop)s + (g %% %(shops)s) AS shop_id,
                   CASE WHEN g %% 4 = 0 THEN 'question' ELSE 'chat' END AS channel,
                   now() - random() * interval '365 days' AS since,
                   %(first_user)s + (g %% %(users)s) AS seller_id,
                   (exp(random() * 2.2 + random() * 2.2) * 60)::int AS response
            FROM generate_series(1, %(n)s) AS g
            """,
            {
                "first_shop": first_shop,
                "shops": SHOPS,
                "first_user": first_user,
                "users": len(users),
                "n": periods,
            },
        )
        cursor.execute(
            """
            INSERT INTO sla_slaclock (shop_id, channel, item_id, period_started_at, sla_warn_at, sla_due_at,
                                      state, warned_at, breached_at, answered_at, answered_by_id)
            SELECT shop_id, channel, 100000000 + g, since,
                   since + target * 0.8, since + target,
                   CASE WHEN response <= extract(epoch FROM target) THEN 'met' ELSE 'breached' END,
                   CASE WHEN response > extract(epoch FROM target) * 0.8 THEN since + target * 0.8 END,
                   CASE WHEN response > extract(epoch FROM target) THEN since + target END,
                   since + response * interval '1 second', seller_id
            FROM (SELECT *, CASE WHEN channel = 'chat' THEN interval '1 hour' ELSE interval '24 hours' END AS target
                  FROM bench_period) p
            """
        )
        cursor.execute(
            """
            INSERT INTO sla_slaevent (shop_id, clock_id, channel, item_id, kind, at, duration_seconds, elapsed_seconds, seller_id)
            SELECT c.shop_id, c.id, c.channel, c.item_id, k.kind, k.at, k.duration, k.duration, k.seller
            FROM sla_slaclock c
            CROSS JOIN LATERAL (VALUES
                ('started', c.period_started_at, NULL::int, NULL::int),
                ('warned', c.warned_at, extract(epoch FROM c.warned_at - c.period_started_at)::int, NULL),
                ('breached', c.breached_at, extract(epoch FROM c.breached_at - c.period_started_at)::int, NULL),
                (CASE WHEN c.state = 'met' THEN 'met' ELSE 'answered_late' END, c.answered_at,
                 extract(epoch FROM c.answered_at - c.period_started_at)::int, c.answered_by_id)
            ) AS k(kind, at, duration, seller)
            WHERE c.answered_at IS NOT NULL AND k.at IS NOT NULL
            """
        )
        # What autovacuum does on a live system: statistics and the visibility map
        # (which lets the dashboard's covering index answer without heap visits).
        cursor.execute("VACUUM ANALYZE sla_slaclock")
        cursor.execute("VACUUM ANALYZE sla_slaevent")
        cursor.execute("SELECT count(*) FROM sla_slaclock WHERE state = 'waiting'")
        waiting_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sla_slaevent")
        event_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM sla_slaevent WHERE shop_id = %s", [first_shop])
        shop_events = cursor.fetchone()[0]
    return {
        "shops": shops,
        "waiting_rows": waiting_rows,
        "event_rows": event_rows,
        "events_per_shop": shop_events,
        "generate_seconds": round(time.perf_counter() - started, 1),
    }


def measure_queries(shop) -> dict:
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.utils import timezone

    from sellerdesk.core.models import Shop
    from sellerdesk.sla import selectors
    from sellerdesk.sla.models import ClockState, SlaClock
    from sellerdesk.sla.services import SWEEP_BATCH, SWEEP_LOOKAHEAD

    now = timezone.now()
    waiting = SlaClock.objects.filter(state=ClockState.WAITING)
    overdue = (
        waiting.filter(sla_due_at__lte=now)
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    unwarned = (
        waiting.filter(warned_at__isnull=True, sla_warn_at__lte=now)
        .order_by("sla_warn_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    soon = now + SWEEP_LOOKAHEAD
    lookahead = waiting.filter(sla_due_at__gt=now, sla_due_at__lte=soon).union(
        waiting.filter(warned_at__isnull=True, sla_warn_at__gt=now, sla_warn_at__lte=soon)
    )[:SWEEP_BATCH]
    with connection.cursor() as cursor:
        sql, params = overdue.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = " ".join(row[0].strip() for row in cursor.fetchall())
    figures = {
        # .all() clones the queryset so every run goes to the database, not the result cache.
        "sweep_overdue_ms": timed(lambda: list(overdue.all()), 30),
        "sweep_overdue_rows": len(list(overdue.all())),
        "sweep_unwarned_ms": timed(lambda: list(unwarned.all()), 30),
        "sweep_lookahead_ms": timed(lambda: list(lookahead.all()), 30),
        "sweep_uses_partial_index": "sla_clock_waiting_due" in plan,
    }
    tz = ZoneInfo(shop.time_zone)
    today = now.astimezone(tz).date()
    flt = selectors.DashboardFilter(
        shops=(shop,), start=today - timedelta(days=364), end=today, channel="", tz=tz
    )

    def dashboard(flt=flt) -> None:
        figures = selectors.dashboard_figures(flt)
        selectors.dashboard_summary(figures)
        selectors.dashboard_breach_chart(flt, figures)
        selectors.dashboard_per_seller(figures)
        selectors.clocks_at_risk(shops=flt.shops, now=now)
        selectors.clocks_breached_open(shops=flt.shops)

    # No roll-ups are built here: these are the raw-event figures (bench/dashboards.py
    # measures the roll-ups against them).
    figures["dashboard_ms"] = timed(dashboard, 7)
    figures["dashboard_figures_ms"] = timed(lambda: selectors.dashboard_figures(flt), 7)
    all_shops = selectors.DashboardFilter(
        shops=tuple(Shop.objects.all()),
        start=today - timedelta(days=364),
        end=today,
        channel="",
        tz=tz,
    )
    figures["dashboard_all_shops_ms"] = timed(lambda: dashboard(all_shops), 3)
    return figures


def measure_lateness(shop, count: int) -> dict:
    from django.utils import timezone

    from sellerdesk.sla import services
    from sellerdesk.sla.models import ClockState, SlaClock

    # The sweep's old backlog is someone else's story: mark it so the run starts clean.
    SlaClock.objects.filter(
        state=ClockState.WAITING, sla_due_at__lte=timezone.now() + timedelta(minutes=3)
    ).update(state=ClockState.BREACHED, breached_at=timezone.now())
    services.sla_policy_update(
        shop=shop, channel="review", target_minutes=1, warn_percent=90, business_hours=False
    )
    # A file, not a pipe: an unread pipe fills up and blocks the worker's logging.
    worker_log = open(WORKER_LOG, "w")  # noqa: SIM115 - closed in the finally below
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "sellerdesk",
            "worker",
            "-B",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--schedule",
            "/tmp/sla-bench-beat",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=worker_log,
        start_new_session=True,
    )
    try:
        time.sleep(8)  # let the worker and beat connect
        now = timezone.now()
        armed_ids = []
        for n in range(count):
            # Due between 5 s and 65 s from now (target 1 min, started up to 55 s ago).
            since = now - timedelta(seconds=55) + timedelta(seconds=60 * n / count)
            armed_ids.append(
                services.sla_waiting_start(
                    shop=shop, channel="review", item_id=900_000 + n, since=since
                ).pk
            )
        lost = [
            SlaClock(
                shop=shop,
                channel="review",
                item_id=950_000 + n,
                period_started_at=now,
                sla_warn_at=now + timedelta(seconds=5 + 60 * n / (count // 3)),
                sla_due_at=now + timedelta(seconds=6 + 60 * n / (count // 3)),
            )
            for n in range(count // 3)
        ]
        lost_ids = [clock.pk for clock in SlaClock.objects.bulk_create(lost)]
        deadline = time.monotonic() + 180
        ids = armed_ids + lost_ids
        while time.monotonic() < deadline:
            if not SlaClock.objects.filter(pk__in=ids, state=ClockState.WAITING).exists():
                break
            time.sleep(1)
        unbreached = SlaClock.objects.filter(pk__in=ids, state=ClockState.WAITING).count()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        worker_log.close()

    def lateness(pks: list[int]) -> dict:
        values = sorted(
            (clock.breached_at - clock.sla_due_at).total_seconds()
            for clock in SlaClock.objects.filter(pk__in=pks, state=ClockState.BREACHED)
        )
        if not values:
            return {"n": 0}
        return {
            "n": len(values),
            "p50_s": round(statistics.median(values), 3),
            "p95_s": round(values[int(0.95 * (len(values) - 1))], 3),
            "max_s": round(values[-1], 3),
            "min_s": round(values[0], 3),
        }

    return {
        "eta_timers": lateness(armed_ids),
        "lost_timers": lateness(lost_ids),
        "never_breached": unbreached,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--waiting", type=int, default=1_000_000)
    parser.add_argument("--periods", type=int, default=600_000)
    parser.add_argument("--late", type=int, default=150)
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    log(f"generating {args.waiting:,} waiting clocks and {args.periods:,} closed periods…")
    data = generate(args.waiting, args.periods)
    shop = data.pop("shops")[0]
    log(
        f"generated in {data['generate_seconds']} s: {data['waiting_rows']:,} waiting, {data['event_rows']:,} events"
    )
    figures = measure_queries(shop)
    for key, value in figures.items():
        log(f"  {key}: {value}")
    log(f"worker lateness with {args.late} armed and {args.late // 3} lost timers…")
    late = measure_lateness(shop, args.late)
    log(f"  {late}")
    result = {
        **data,
        **figures,
        "lateness": late,
        "goals": {
            "sweep_overdue_ms_lt_50": figures["sweep_overdue_ms"] < 50,
            "dashboard_ms_lt_300": figures["dashboard_ms"] < 300,
            "breach_within_60s": late["eta_timers"].get("max_s", 1e9) < 60
            and late["lost_timers"].get("max_s", 1e9) < 60,
        },
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
