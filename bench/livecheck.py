"""Live reply check under load: gunicorn + PostgreSQL on loopback, 20 typing sellers.

Starts the production settings (DEBUG off) against a bench database it creates and
migrates, logs a bench seller in through the real login form, and then fires
live-check POSTs (the request the reply box sends after each pause in typing) from
20 concurrent client threads with mixed Russian and Chinese drafts.

Two phases:
  * typing  — each client behaves like a typing seller: a check every ~300 ms
              (the debounce), so 20 clients offer ~65 requests/s; this is the goal
              phase (p95 < 30 ms).
  * flood   — the same 20 clients with no pause at all, to show the ceiling.

Usage: .venv/bin/python bench/livecheck.py [--requests 1500] [--workers 3] [--port 8765]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB_NAME = "sellerdesk_bench_livecheck"
BENCH_USER = "bench-seller"
BENCH_PASSWORD = "bench-pass-" + secrets.token_hex(4)
CLIENTS = 20
TYPING_INTERVAL = 0.3

RU_DRAFTS = [
    "Здравствуйте, Анна! Спасибо за заказ. Кофемолка уже передана в доставку, обычно она идёт 2–3 дня. Хорошего дня!",
    "Добрый день! К сожалению, этот плед сейчас закончился, но похожий есть в синем цвете. Обращайтесь!",
    "спасибо что написали, пришлём замену",
    "Здравствуйте! Напишите мне в телеграм @dom_uyut или позвоните 8 916 123-45-67, так быстрее.",
    "Здравствуйте, Игорь. Чайник выдерживает кипячение без воды не более 10 секунд, потом срабатывает защита. Спасибо, что выбрали нас!",
    "Добрый вечер! Полотенца можно стирать при 60 градусах, они не садятся. Будем рады видеть вас снова.",
    "Здравствуйте! Гарантия 100%, кукла никогда не сломается. Спасибо!",
    "Здравствуйте! Отвечу позже",
]
ZH_DRAFTS = [
    "亲，您好！感谢您的咨询，这款卫衣110码适合身高100-110厘米的宝宝，祝您生活愉快！",
    "您好，裙子今天已经发货了，请耐心等待哦，有问题随时联系我们~",
    "亲，加我微信 xiaoxiong2026 发您实拍图，或者打 138 0013 8000",
    "感谢支持！牛仔裤有弹力，建议按平时尺码购买。",
    "亲亲，雨衣带书包位，小学生背书包也能穿，欢迎再次光临！",
    "您好，这个连体衣是纯棉的，三件装，绝对不会起球，放心购买。",
]


def _say(message: str) -> None:
    print(message, flush=True)


def _env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sellerdesk.settings.production",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        SECRET_KEY="bench-only-" + secrets.token_hex(16),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=str(ROOT / "var" / "bench-static"),
        DJANGO_DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


def _psql(sql: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
    )


SETUP_SCRIPT = f"""
from django.contrib.auth import get_user_model
from sellerdesk.core import services
from sellerdesk.core.models import Role
user = get_user_model().objects.create_user({BENCH_USER!r}, password={BENCH_PASSWORD!r})
shop = services.shop_create(name="Bench shop", marketplace="wildberries", time_zone="Europe/Moscow", default_language="ru")
services.membership_grant(shop=shop, user=user, role=Role.SELLER)
print(shop.pk)
"""


class Session:
    """Cookies by hand: production marks them Secure, which httpx would not send over http."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def _remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def headers(self) -> dict[str, str]:
        return {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "HX-Request": "true",
            "Referer": self.base + "/check/",
        }

    def login(self, client: httpx.Client) -> None:
        page = client.get(self.base + "/accounts/login/")
        page.raise_for_status()
        self._remember(page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        response = client.post(
            self.base + "/accounts/login/",
            data={
                "username": BENCH_USER,
                "password": BENCH_PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())},
        )
        if response.status_code != 302:
            raise SystemExit(f"login failed: {response.status_code}")
        self._remember(response)


def _drafts(rng: random.Random) -> list[dict[str, str]]:
    """What a typing seller sends: growing prefixes of real drafts, RU and ZH mixed."""
    bodies = []
    for draft in RU_DRAFTS + ZH_DRAFTS:
        for cut in range(12, len(draft) + 1, max(4, len(draft) // 6)):
            bodies.append(draft[:cut])
        bodies.append(draft)
    rng.shuffle(bodies)
    channels = ["chat"] * 6 + ["question_answer"] * 3 + ["question_decline", "review_reply"]
    names = ["Анна", "Игорь", "", "王芳", ""]
    return [
        {
            "text": text,
            "channel": rng.choice(channels),
            "buyer_name": rng.choice(names),
            "field_id": "reply-text",
        }
        for text in bodies
    ]


def _run_phase(
    base: str, session: Session, bodies, total: int, pause: float
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))
    headers = session.headers()

    def worker(index: int) -> None:
        nonlocal errors
        rng = random.Random(index)
        with httpx.Client(http2=False, timeout=10.0) as client:
            next_at = time.perf_counter() + rng.uniform(0, pause)
            while True:
                with lock:
                    position = next(counter, None)
                if position is None:
                    return
                if pause:
                    delay = next_at - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    next_at = time.perf_counter() + pause * rng.uniform(0.8, 1.2)
                started = time.perf_counter()
                response = client.post(
                    base + "/check/live/", data=bodies[position % len(bodies)], headers=headers
                )
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code != 200 or "replycheck-findings" not in response.text:
                        errors += 1
                    latencies.append(elapsed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def _figures(latencies: list[float], wall: float, errors: int) -> dict[str, float]:
    ordered = sorted(latencies)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "throughput_rps": round(len(ordered) / wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1500, help="requests per phase")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gunicorn worker (gthread)"
    )
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    env = _env(args.port)

    load_before = round(os.getloadavg()[0], 2)
    _say(
        f"creating database {DB_NAME} (1-minute load average {load_before} on {os.cpu_count()} CPUs)"
    )
    _psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{DB_NAME}"')
    server = None
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput", "-v", "0")
        _manage(env, "shell", "-c", SETUP_SCRIPT)
        command = [
            GUNICORN, "sellerdesk.wsgi", "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
            "--worker-class", args.worker_class, "--threads", str(args.threads), "--preload", "--log-level", "warning",
        ]  # fmt: skip
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        for _attempt in range(100):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not come up")

        session = Session(base)
        with httpx.Client(timeout=10) as client:
            session.login(client)
        bodies = _drafts(random.Random(2026))
        _say(
            f"gunicorn: {args.workers} workers x {args.threads} threads; {CLIENTS} clients; {len(bodies)} drafts"
        )
        _run_phase(
            base, session, bodies, total=CLIENTS * 10, pause=0
        )  # warm every worker's engine data

        latencies, wall, errors = _run_phase(
            base, session, bodies, total=args.requests, pause=TYPING_INTERVAL
        )
        typing = _figures(latencies, wall, errors)
        _say(
            "typing (a check every ~300 ms per client): "
            + ", ".join(f"{k}={v}" for k, v in typing.items())
        )
        latencies, wall, errors = _run_phase(base, session, bodies, total=args.requests, pause=0)
        flood = _figures(latencies, wall, errors)
        _say(
            "flood (no pause, closed loop):              "
            + ", ".join(f"{k}={v}" for k, v in flood.items())
        )
        result = {
            "bench": "livecheck",
            # The machine is shared: a busy box explains a bad run, so say how busy it was.
            "loadavg_1m_before": load_before,
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
            "clients": CLIENTS,
            "gunicorn": {
                "workers": args.workers,
                "threads": args.threads,
                "class": args.worker_class,
            },
            "typing": typing,
            "flood": flood,
            "goal_p95_ms": 30,
            "goal_met": typing["p95_ms"] < 30 and typing["errors"] == 0,
        }
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        _psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(env["STATIC_ROOT"], ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
