"""Shared pieces of the resilience tests: waiting for a condition, polite replies, and the
items of a shop connected to the Wildberries fake."""

from __future__ import annotations

import time
from collections.abc import Callable

ANSWER = "Здравствуйте! Спасибо за вопрос. Да, подходит, подробности есть в карточке товара. Хорошего дня!"
DECLINE = (
    "Здравствуйте! Спасибо за вопрос. К сожалению, этой информацией мы не располагаем, "
    "рекомендуем посмотреть карточку товара. Хорошего дня!"
)
REVIEW_REPLY = "Здравствуйте! Спасибо за отзыв, нам очень приятно. Ждём вас снова, хорошего дня!"
CHAT_REPLY = "Здравствуйте! Спасибо за сообщение. Заказ уже в пути, номер для отслеживания есть в личном кабинете. Хорошего дня!"


def wait_for(condition: Callable[[], bool], seconds: float = 60, step: float = 0.2) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a deadline, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- processes ---------------------------------------------------------------------------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def celery_process(
    kind: str, env: dict[str, str], *, log: Path, extra: tuple[str, ...] = ()
) -> subprocess.Popen:
    """A real ``celery worker`` or ``celery beat`` in its own process group (so a SIGKILL takes
    its children with it), writing to ``log``."""
    command = [sys.executable, "-m", "celery", "-A", "sellerdesk.celery", kind, "--loglevel=INFO"]
    if kind == "worker":
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += list(extra)
    handle = log.open("ab")
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


# --- a production-like stack: its own Redis, gunicorn, worker, beat ----------------------------

import socket  # noqa: E402
from http.cookies import SimpleCookie  # noqa: E402

import httpx  # noqa: E402
import redis  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test stops and starts."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wait_for(self.answers, 20), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        assert not self.answers()


def web_process(env: dict[str, str], port: int, *, log: Path) -> subprocess.Popen:
    """gunicorn serving the project with ``env`` (production settings), like compose's web."""
    handle = log.open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sellerdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def up() -> bool:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        except httpx.HTTPError:
            return False
        return True

    assert wait_for(up, 60), log.read_text()[-3000:]
    return process


class Session:
    """A logged-in browser, minus the browser: production cookies are Secure, so they are kept
    by hand for a plain-HTTP server behind a pretend TLS proxy (X-Forwarded-Proto)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.client = httpx.Client(base_url=base, timeout=30)

    def request(self, method: str, path: str, data: dict | None = None) -> httpx.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": self.base.replace("http://", "https://") + "/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if method == "POST":
            data = {**(data or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        response = self.client.request(method, path, data=data, headers=headers)
        for raw in response.headers.get_list("set-cookie"):
            parsed = SimpleCookie()
            parsed.load(raw)
            for name, morsel in parsed.items():
                self.cookies[name] = morsel.value
        return response

    def login(self, username: str, password: str) -> None:
        # The server answers /healthz (even 503) before it can serve pages: wait until the
        # login page itself is served and has set the CSRF cookie the form post needs.
        def login_page_served() -> bool:
            page = self.request("GET", "/accounts/login/")
            return page.status_code == 200 and "csrftoken" in self.cookies

        assert wait_for(login_page_served, 60), "the login page was never served"
        response = self.request(
            "POST", "/accounts/login/", {"username": username, "password": password}
        )
        assert response.status_code == 302, response.text[:500]
