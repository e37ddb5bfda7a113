"""Load: concurrent sellers against gunicorn on this machine, production settings.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--workers 3]
                                   [--threads 1] [--worker-class sync] [--reuse]
                                   [--baseline-app-dir /tmp/before]
                                   [--database sellerdesk_bench_load] [--redis redis://…]

Creates (or with --reuse keeps) a dedicated PostgreSQL database, migrates it, seeds the demo
shops (``seed_demo``), collects static files, then starts gunicorn with
``sellerdesk.settings.production`` (PostgreSQL, Redis cache) on a free loopback port.
``--clients`` asyncio clients, logged in as the demo seller, loop for ``--seconds`` over four
pages a seller keeps open:

* inbox: the chat inbox page (``/chats/``);
* conversation: one conversation page (``/chats/<id>/``);
* live: the live policy check of a typed reply (``POST /check/live/``);
* questions: the product questions list (``/questions/``).

It prints requests/s, errors, client-side p50/p95 per page and the server's own time per
request (gunicorn's access log ``%(D)s``: from the request read to the response written,
queueing excluded), plus the load average before and after, since the two cores are shared.
``--baseline-app-dir DIR`` measures another checkout first (e.g. a worktree of the commit
before a change, on its own database), then this one, back to back, and prints the ratio of
requests/s: the naive baseline of the same run. The last line printed is one JSON object. The loop is bounded in time and only
talks to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = ("inbox", "conversation", "live", "questions")
LIVE_TEXTS = (
    "Здравствуйте, Анна! Спасибо за вопрос. Кофемолка приедет в пятницу. Хорошего дня!",
    "Добрый день! Размер M подойдёт при обхвате груди 92 см. Спасибо, что выбрали нас!",
    "Здравствуйте! К сожалению, этого цвета нет, но есть серый и синий. Всего доброго!",
)


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
        SECRET_KEY="bench-load-not-secret",
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
    manage = [PYTHON, str(Path(args.app_dir) / "manage.py")]
    # migrate even a reused database: the code under test may have new migrations
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--quiet-logins"]):
        subprocess.run([*manage, *command], env=env, cwd=args.app_dir, check=True)


def _start_server(args: argparse.Namespace, env: dict[str, str], port: int, log: Path):
    subprocess.run(
        [PYTHON, str(Path(args.app_dir) / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=args.app_dir,
        check=True,
    )
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
        args.worker_class,
        "--access-logfile",
        str(log),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s",
        "--timeout",
        "60",
    ]
    if args.preload:
        command.append("--preload")
    if Path(args.app_dir).resolve() != ROOT:
        command += ["--chdir", args.app_dir]
    server = subprocess.Popen(command, env=env, cwd=args.app_dir, start_new_session=True)
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


class Session:
    """A logged-in seller. Production cookies are Secure: we carry them by hand over loopback
    HTTP and say the request came through an HTTPS proxy (SECURE_PROXY_SSL_HEADER)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def headers(self, referer: str = "/") -> dict[str, str]:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.base.split('//', 1)[1]}{referer}",
            "Accept-Language": "ru",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        return headers

    def remember(self, response: httpx.Response) -> None:
        for raw in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    async def login(self, client: httpx.AsyncClient, username: str, password: str) -> None:
        page = await client.get(f"{self.base}/accounts/login/", headers=self.headers())
        self.remember(page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit("no CSRF token on the login page")
        response = await client.post(
            f"{self.base}/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token[1]},
            headers=self.headers("/accounts/login/"),
        )
        self.remember(response)
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed: HTTP {response.status_code}")


async def _run(args: argparse.Namespace, base: str) -> dict:
    limits = httpx.Limits(max_connections=args.clients + 5, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        sessions = [Session(base) for _ in range(min(args.clients, args.sessions))]
        for session in sessions:
            await session.login(client, args.username, args.password)
        inbox = await client.get(f"{base}/chats/", headers=sessions[0].headers())
        ids = sorted(set(re.findall(r'href="/chats/(\d+)/"', inbox.text)))
        if inbox.status_code != 200 or not ids:
            raise SystemExit(f"the inbox did not list conversations (HTTP {inbox.status_code})")
        conversation_ids = ids[:10]
        times: dict[str, list[float]] = {page: [] for page in PAGES}
        errors: dict[str, int] = dict.fromkeys(PAGES, 0)
        stop_at = time.monotonic() + args.seconds

        port = int(base.rsplit(":", 1)[1])

        async def one(page: str, session: Session, rng: random.Random) -> None:
            body = b""
            headers = session.headers()
            if page == "inbox":
                method, path = "GET", "/chats/"
            elif page == "conversation":
                method, path = "GET", f"/chats/{rng.choice(conversation_ids)}/"
            elif page == "questions":
                method, path = "GET", "/questions/"
            else:
                method, path = "POST", "/check/live/"
                body = urlencode(
                    {
                        "text": rng.choice(LIVE_TEXTS),
                        "channel": "chat",
                        "buyer_name": "Анна",
                        "field_id": "reply-text",
                    }
                ).encode()
                headers = {
                    **session.headers("/chats/"),
                    "HX-Request": "true",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(
                    _raw_request(port, method, path, headers, body), timeout=30
                )
                ok = status == 200
            except (OSError, ValueError, TimeoutError):
                ok = False
            if time.monotonic() <= stop_at:
                times[page].append(time.perf_counter() - started)
                if not ok:
                    errors[page] += 1

        async def client_loop(index: int) -> None:
            rng = random.Random(index)
            session = sessions[index % len(sessions)]
            step = index
            while time.monotonic() < stop_at:
                await one(PAGES[step % len(PAGES)], session, rng)
                step += 1

        started = time.monotonic()
        cpu_started = time.process_time()
        await asyncio.gather(*(client_loop(i) for i in range(args.clients)))
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - cpu_started
    return {"times": times, "errors": errors, "elapsed": elapsed, "client_cpu": client_cpu}


async def _raw_request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes
) -> int:
    """One HTTP/1.1 request on a fresh connection, the response read to its end; the status.

    A minimal client on purpose: the load client shares the two cores with the server, and a
    full HTTP library costs it several times more CPU per request than the parsing here."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        response = await reader.read()  # the server closes after the response
    finally:
        writer.close()
    status_line = response.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2:
        raise ValueError("no HTTP status line")
    return int(status_line[1])


def _server_times(log: Path) -> dict[str, list[float]]:
    kinds: dict[str, list[float]] = {page: [] for page in PAGES}
    for line in log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        _method, path, _status, micros = parts
        if path == "/chats/":
            kind = "inbox"
        elif re.fullmatch(r"/chats/\d+/", path):
            kind = "conversation"
        elif path == "/check/live/":
            kind = "live"
        elif path == "/questions/":
            kind = "questions"
        else:
            continue
        kinds[kind].append(int(micros) / 1000)
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--sessions", type=int, default=5, help="distinct logged-in sessions")
    parser.add_argument("--database", default="sellerdesk_bench_load")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    )
    parser.add_argument("--reuse", action="store_true", help="keep an existing bench database")
    parser.add_argument("--username", default="ru-seller")
    parser.add_argument("--password", default="demo-pass-2026")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--app-dir",
        default=str(ROOT),
        help="serve the code of another checkout (e.g. a worktree of the commit before)",
    )
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument(
        "--baseline-app-dir",
        help="first measure this checkout (its own --baseline-database), then ours; print the ratio",
    )
    parser.add_argument("--baseline-database", default="sellerdesk_bench_load_baseline")
    args = parser.parse_args()
    results = []
    if args.baseline_app_dir:
        baseline = argparse.Namespace(**vars(args))
        baseline.app_dir, baseline.database = args.baseline_app_dir, args.baseline_database
        baseline.label = "baseline"
        results.append(_measure(baseline))
    results.append(_measure(args))
    if len(results) == 2:
        before, after = results
        ratio = after["requests_per_s"] / max(before["requests_per_s"], 0.1)
        print(
            f"ratio: {ratio:.2f}x requests/s; p95 {before['p95_ms']:.0f} ms -> {after['p95_ms']:.0f} ms"
        )
        print(json.dumps({"bench": "load", "ratio": round(ratio, 2), "runs": results}))
    else:
        print(json.dumps(results[0]))


def _measure(args: argparse.Namespace) -> dict:

    static_root = tempfile.mkdtemp(prefix="sellerdesk-bench-static-")
    env = _environment(args, static_root)
    _prepare(args, env)
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="sellerdesk-bench-access-", suffix=".log")[1])
    load_before = os.getloadavg()
    server = _start_server(args, env, port, log)
    try:
        log.write_text("")  # drop the start-up probes
        result = asyncio.run(_run(args, f"http://127.0.0.1:{port}"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()
    server_times = _server_times(log)

    total = sum(len(values) for values in result["times"].values())
    errors = sum(result["errors"].values())
    rate = total / result["elapsed"]
    setup = f"{args.workers} {args.worker_class} workers x {args.threads} threads"
    print(f"{args.label or 'load'}: {args.clients} clients, {result['elapsed']:.0f} s, {setup}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{total} requests, {rate:.1f} requests/s, {errors} errors")
    client_share = result["client_cpu"] / result["elapsed"]
    print(f"the load client itself used {client_share:.2f} of a core")
    pages = {}
    all_times = [t for values in result["times"].values() for t in values]
    for page in PAGES:
        values = result["times"][page]
        served = server_times[page]
        pages[page] = {
            "requests": len(values),
            "errors": result["errors"][page],
            "p50_ms": round(_percentile(values, 0.5) * 1000, 1),
            "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
            "server_mean_ms": round(statistics.fmean(served), 1) if served else None,
            "server_p50_ms": round(_percentile(served, 0.5), 1),
        }
        row = pages[page]
        print(
            f"  {page:<13} {row['requests']:>6} req  p50 {row['p50_ms']:>7.1f} ms"
            f"  p95 {row['p95_ms']:>7.1f} ms  server mean {row['server_mean_ms']} ms"
            f"  (p50 {row['server_p50_ms']} ms)"
        )
    p95 = round(_percentile(all_times, 0.95) * 1000, 1)
    print(f"  all pages p95 {p95} ms")
    log.unlink(missing_ok=True)
    return {
        "bench": "load",
        "label": args.label,
        "clients": args.clients,
        "seconds": round(result["elapsed"], 1),
        "server": setup,
        "requests_per_s": round(rate, 1),
        "errors": errors,
        "p95_ms": p95,
        "pages": pages,
        "loadavg_before": round(load_before[0], 2),
        "loadavg_after": round(load_after[0], 2),
        "client_cpu_cores": round(client_share, 2),
    }


if __name__ == "__main__":
    main()
