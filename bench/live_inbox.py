"""Live inbox: many open inboxes of one shop polling one web node while buyers write.

    .venv/bin/python bench/live_inbox.py [--clients 500] [--idle-seconds 20] [--seconds 40]
                                         [--every 2] [--workers 2] [--threads 16] [--reuse]
                                         [--database sellerdesk_bench_live] [--redis redis://…]

Creates (or with --reuse keeps) a PostgreSQL database, migrates it, seeds the demo shops, then
starts gunicorn (gthread workers) with ``sellerdesk.settings.production`` (PostgreSQL, Redis).
``--clients`` simulated browser tabs of the Russian demo shop, each with its own logged-in
session, poll the live view exactly as ``static/js/live.js`` does (every
``LIVE_POLL_SECONDS``, random phase, the cursor of the last answer, the inbox list's filter).

1. Idle: nobody writes for ``--idle-seconds``; the server's CPU time (gunicorn's processes,
   from /proc) divided by clients and minutes is the cost of an idle open inbox.
2. Messages: a buyer message goes through the real inbound service (the chat handler the
   Wildberries sync calls) every ``--every`` seconds; each client notes when an answer first
   carries it. Figures: p50/p95/max of that delay over every (message, client) pair.
3. Ratio: in the same server, the server-side time of an idle check (a 204) against a full
   conversation-list render (the htmx list partial), both from gunicorn's access log.

The naive baseline is the list render: what a page would cost if it re-fetched its list to
stay current. The last line printed is one JSON object. Only talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

logging.getLogger("httpx").setLevel(logging.WARNING)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SECRET = "bench-live-not-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _environment(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sellerdesk.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL=args.redis,
        CELERY_BROKER_URL=args.redis,
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
    )
    return env


def _prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (args.database,)
        ).fetchone()
        if exists and not args.reuse:
            c.execute(f'DROP DATABASE "{args.database}" WITH (FORCE)')
        if not exists or not args.reuse:
            c.execute(f'CREATE DATABASE "{args.database}"')
    manage = [PYTHON, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["seed_demo", "--quiet-logins"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True)


def _start_server(args: argparse.Namespace, env: dict[str, str], port: int, log: Path):
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "sellerdesk.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--backlog",
        "4096",
        "--access-logfile",
        str(log),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        "--timeout",
        "60",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code < 500:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _cpu_seconds(root_pid: int) -> float:
    """User + system CPU of gunicorn's master and workers (from /proc, in seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [root_pid]
    children = Path(f"/proc/{root_pid}/task/{root_pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _django(env: dict[str, str]):
    """Django in this process, against the same database and Redis as the server."""
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL")})
    os.environ.update({k: env[k] for k in ("REDIS_URL", "ALLOWED_HOSTS", "STATIC_ROOT")})
    import django

    django.setup()


def _sessions(count: int) -> tuple[list[dict], int, str]:
    """``count`` logged-in sessions of the demo seller, their live URL, the shop's cursor."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.cached_db import SessionStore

    from sellerdesk.core.demo import DEMO_SHOPS, demo_login
    from sellerdesk.core.live import live_token, shop_cursor
    from sellerdesk.core.models import Role, Shop

    spec = DEMO_SHOPS[0]
    shop = Shop.objects.get(name=spec.name)
    user = get_user_model().objects.get(username=demo_login(spec, Role.SELLER))
    clients = []
    for _ in range(count):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        token = live_token(user_id=user.pk, shop_id=shop.pk, session_key=store.session_key)
        clients.append(
            {
                "cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}",
                "url": f"/chats/live/?t={token}",
            }
        )
    return clients, shop.pk, str(shop_cursor(shop_id=shop.pk, fresh=True))


def _inject(shop_id: int, number: int, rng: random.Random) -> tuple[str, float]:
    """A buyer message through the chat inbound handler; returns its marker and commit time."""
    from django.db import transaction
    from django.utils import timezone

    from chats.models import Conversation
    from sellerdesk.core.models import Shop
    from sellerdesk.marketplaces.inbound import IncomingChatMessage, handler_for
    from sellerdesk.marketplaces.models import InboundStream

    shop = Shop.objects.get(pk=shop_id)
    conversation = rng.choice(list(Conversation.objects.for_shop(shop).exclude(external_id="")))
    marker = f"bench-{number}-{time.time_ns()}"  # unique across runs on a reused database
    item = IncomingChatMessage(
        chat_external_id=conversation.external_id,
        message_external_id=marker,
        chat_ref=conversation.chat_ref,
        buyer_name=conversation.buyer_name,
        buyer_external_id="",
        sender="buyer",
        text=f"Здравствуйте, есть новости по заказу? {marker}",
        created_at=timezone.now(),
    )
    with transaction.atomic():
        handler_for(InboundStream.CHAT_EVENT)(shop=shop, item=item)
    return marker, time.time()  # after commit: the cursor moved on commit


def _ensure_external_ids(shop_id: int) -> None:
    """Give demo conversations a marketplace chat id, as synced chats have."""
    from chats.models import Conversation

    for conversation in Conversation.objects.filter(shop_id=shop_id, external_id=""):
        Conversation.objects.filter(pk=conversation.pk).update(
            external_id=f"bench-chat-{conversation.pk}", chat_ref=f"sign-{conversation.pk}"
        )


class _Connection:
    """One tab's keep-alive HTTP/1.1 connection (a browser holds one per open page). Written
    by hand: 500 httpx clients in one process cost more CPU than the server under test."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str, cookie: str) -> tuple[int, bytes]:
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
                self.writer.write(
                    (
                        f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                        "X-Forwarded-Proto: https\r\nAccept-Language: ru\r\n\r\n"
                    ).encode()
                )
                await self.writer.drain()
                assert self.reader is not None
                head = await self.reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await self.reader.readexactly(length) if length else b""
                return status, body
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _clients(
    args: argparse.Namespace, port: int, clients: list[dict], since0: str, shop_id: int
) -> dict:
    interval = args.interval
    injected: dict[str, float] = {}
    seen: dict[str, list[float]] = {}
    counts: dict[str, int] = {"idle": 0, "changed": 0, "errors": 0}
    stop = asyncio.Event()

    async def tab(state: dict, rng: random.Random) -> None:
        since = since0
        known: set[str] = set()
        connection = _Connection(port)
        await asyncio.sleep(rng.random() * interval)
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, body = await connection.get(
                    f"{state['url']}&since={since}&list=1", state["cookie"]
                )
                if status == 204:
                    counts["idle"] += 1
                elif status == 200:
                    counts["changed"] += 1
                    data = json.loads(body)
                    since = str(data["cursor"])
                    rows = data.get("rows", "")
                    now = time.time()
                    for marker, at in list(injected.items()):
                        if marker not in known and marker in rows:
                            known.add(marker)
                            seen.setdefault(marker, []).append(now - at)
                else:
                    counts["errors"] += 1
                    counts[f"http_{status}"] = counts.get(f"http_{status}", 0) + 1
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                counts["errors"] += 1
                counts[type(exc).__name__] = counts.get(type(exc).__name__, 0) + 1
            await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))
        connection.close()

    rngs = [random.Random(i) for i in range(len(clients))]
    tasks = [asyncio.create_task(tab(c, r)) for c, r in zip(clients, rngs, strict=True)]
    await asyncio.sleep(interval * 2)  # every tab has started polling
    idle_before = counts["idle"]
    cpu0, t0 = _cpu_seconds(args.server_pid), time.monotonic()
    await asyncio.sleep(args.idle_seconds)
    cpu1, t1 = _cpu_seconds(args.server_pid), time.monotonic()
    idle_requests = counts["idle"] - idle_before
    rng = random.Random(7)
    loop = asyncio.get_running_loop()
    number = 0
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        tick = time.monotonic()
        number += 1
        marker, at = await loop.run_in_executor(None, _inject, shop_id, number, rng)
        injected[marker] = at
        await asyncio.sleep(max(0.0, args.every - (time.monotonic() - tick)))
    await asyncio.sleep(interval * 3)  # the last message reaches everyone
    stop.set()
    await asyncio.gather(*tasks)
    delays = [d for values in seen.values() for d in values]
    return {
        "idle_cpu_seconds": cpu1 - cpu0,
        "idle_wall_seconds": t1 - t0,
        "idle_requests": idle_requests,
        "messages": len(injected),
        "deliveries": len(delays),
        "deliveries_expected": len(injected) * len(clients),
        "delays": delays,
        "counts": counts,
    }


def _render_comparison(
    base: str, cookie: str, log: Path, runs: int, server_pid: int
) -> dict[str, float]:
    """An idle check against a full list render in the same server: server time (median ms,
    gunicorn's access log) and server CPU (ms per request, /proc; CPU is what a loaded
    machine does not inflate)."""
    from sellerdesk.core.live import shop_cursor

    marker = log.stat().st_size
    headers = {"Cookie": cookie, "X-Forwarded-Proto": "https", "Accept-Language": "ru"}
    shop_id = _bench_shop_id()
    list_headers = {**headers, "HX-Request": "true", "HX-Target": "conversation-list"}
    with httpx.Client(timeout=30) as client:
        page = client.get(f"{base}/chats/", headers=headers)
        if page.status_code != 200 or "data-live-url" not in page.text:
            raise SystemExit(f"the inbox did not load for the bench session: {page.status_code}")
        live_url = page.text.split('data-live-url="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        idle_url = f"{base}{live_url}&since={shop_cursor(shop_id=shop_id, fresh=True)}&list=1"
        cpu0 = _cpu_seconds(server_pid)
        for _ in range(runs):
            assert client.get(idle_url, headers=headers).status_code == 204
        cpu1 = _cpu_seconds(server_pid)
        for _ in range(runs):
            client.get(f"{base}/chats/", headers=list_headers)
        cpu2 = _cpu_seconds(server_pid)
    idle, full = [], []
    time.sleep(0.5)  # gunicorn flushes its access log line by line
    with log.open() as handle:
        handle.seek(marker)
        for line in handle:
            _method, path, status, micros = line.split()
            if path == "/chats/live/" and status == "204":
                idle.append(int(micros) / 1000)
            elif path == "/chats/" and status == "200":
                full.append(int(micros) / 1000)
    return {
        "idle_ms": statistics.median(idle),
        "full_ms": statistics.median(full),
        "idle_cpu_ms": 1000 * (cpu1 - cpu0) / runs,
        "full_cpu_ms": 1000 * (cpu2 - cpu1) / runs,
    }


def _bench_shop_id() -> int:
    from sellerdesk.core.demo import DEMO_SHOPS
    from sellerdesk.core.models import Shop

    return Shop.objects.get(name=DEMO_SHOPS[0].name).pk


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=40, help="how long messages arrive")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between messages")
    parser.add_argument("--interval", type=float, default=1.5, help="LIVE_POLL_SECONDS")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--runs", type=int, default=200, help="requests per kind for the ratio")
    parser.add_argument("--database", default="sellerdesk_bench_live")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    )
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()

    static_root = tempfile.mkdtemp(prefix="sellerdesk-static-")
    env = _environment(args, static_root)
    env["LIVE_POLL_SECONDS"] = str(args.interval)
    _prepare(args, env)
    _django(env)
    from django.core.cache import caches

    caches["live"].clear()  # cursors and shared answers of an earlier run
    shop_id = _bench_shop_id()
    _ensure_external_ids(shop_id)
    clients, _shop, since0 = _sessions(args.clients)
    port = _free_port()
    log = Path(tempfile.mkdtemp(prefix="sellerdesk-bench-")) / "access.log"
    load_before = os.getloadavg()
    server = _start_server(args, env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        args.server_pid = server.pid
        result = asyncio.run(_clients(args, port, clients, since0, shop_id))
        compared = _render_comparison(base, clients[0]["cookie"], log, args.runs, server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()

    delays = result["delays"]
    minutes = result["idle_wall_seconds"] / 60
    cpu_per_client_minute_ms = 1000 * result["idle_cpu_seconds"] / args.clients / minutes
    figures = {
        "bench": "live_inbox",
        "clients": args.clients,
        "poll_seconds": args.interval,
        "messages": result["messages"],
        "deliveries": result["deliveries"],
        "deliveries_expected": result["deliveries_expected"],
        "delay_p50_s": round(_percentile(delays, 0.5), 3),
        "delay_p95_s": round(_percentile(delays, 0.95), 3),
        "delay_max_s": round(max(delays) if delays else 0.0, 3),
        "idle_requests_per_s": round(result["idle_requests"] / result["idle_wall_seconds"], 1),
        "idle_server_cpu_share": round(result["idle_cpu_seconds"] / result["idle_wall_seconds"], 3),
        "idle_cpu_ms_per_client_per_min": round(cpu_per_client_minute_ms, 2),
        "idle_check_ms_p50": round(compared["idle_ms"], 3),
        "list_render_ms_p50": round(compared["full_ms"], 3),
        "list_render_over_idle_check": round(compared["full_ms"] / compared["idle_ms"], 1),
        "idle_check_cpu_ms": round(compared["idle_cpu_ms"], 3),
        "list_render_cpu_ms": round(compared["full_cpu_ms"], 3),
        "list_render_over_idle_check_cpu": round(
            compared["full_cpu_ms"] / compared["idle_cpu_ms"], 1
        )
        if compared["idle_cpu_ms"]
        else None,
        "errors": result["counts"]["errors"],
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
    }
    print(f"polls: {result['counts']}")
    print(
        f"{args.clients} open inboxes polling every {args.interval} s, {args.workers} gthread workers"
    )
    print(
        f"delivery delay over {figures['deliveries']}/{figures['deliveries_expected']} "
        f"(message, tab) pairs: p50 {figures['delay_p50_s']} s, p95 {figures['delay_p95_s']} s, "
        f"max {figures['delay_max_s']} s"
    )
    print(
        f"idle: {figures['idle_requests_per_s']} checks/s, server CPU {figures['idle_server_cpu_share']} "
        f"cores = {figures['idle_cpu_ms_per_client_per_min']} ms CPU per idle tab per minute"
    )
    print(
        f"server time: idle check {figures['idle_check_ms_p50']} ms, list render "
        f"{figures['list_render_ms_p50']} ms -> {figures['list_render_over_idle_check']}x cheaper"
    )
    print(
        f"server CPU: idle check {figures['idle_check_cpu_ms']} ms, list render "
        f"{figures['list_render_cpu_ms']} ms -> {figures['list_render_over_idle_check_cpu']}x cheaper"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
