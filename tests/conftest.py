"""Shared fixtures: shops and members, logged-in clients, and the browser harness."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client

from sellerdesk.core.models import Role, Shop
from tests.factories import ShopFactory, member

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# in a thread with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass
class ShopPair:
    """Two shops with a member of every role each: 'mine' is the one under test."""

    mine: Shop
    other: Shop
    users: dict[Role, object]
    other_users: dict[Role, object]


@pytest.fixture
def shops(db) -> ShopPair:
    mine = ShopFactory(name="Уютный дом")
    other = ShopFactory(name="Чужой магазин")
    users = {role: member(mine, role, username=f"mine-{role.value}") for role in Role}
    other_users = {role: member(other, role, username=f"other-{role.value}") for role in Role}
    return ShopPair(mine=mine, other=other, users=users, other_users=other_users)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def seller_client(shops) -> Client:
    return _client_for(shops.users[Role.SELLER])


@pytest.fixture
def manager_client(shops) -> Client:
    return _client_for(shops.users[Role.MANAGER])


@pytest.fixture
def admin_client_shop(shops) -> Client:
    return _client_for(shops.users[Role.ADMIN])


# --- Browser harness ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """A headless Debian Chromium driven by Playwright; fails (not skips) on CI without it."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI requires browser tests to run.")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _ServerRequests:
    """Requests the live server is still working on, counted from Django's own signals (in the
    live server's threads), so teardown can wait for them instead of guessing."""

    def __init__(self) -> None:
        self.busy = 0
        self.idle = threading.Condition()

    def started(self, **_) -> None:
        with self.idle:
            self.busy += 1

    def finished(self, **_) -> None:
        with self.idle:
            self.busy -= 1
            self.idle.notify_all()

    def wait_idle(self, seconds: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.busy <= 0, timeout=seconds)


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    from django.core.signals import request_finished, request_started

    server = _ServerRequests()
    request_started.connect(server.started, dispatch_uid="tests.browser.started")
    request_finished.connect(server.finished, dispatch_uid="tests.browser.finished")
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.base_url = live_server.url  # type: ignore[attr-defined]
    try:
        yield tab
    finally:
        # A poll or a late htmx request still running in the live server when the database is
        # flushed makes the flush fail: stop the page from starting new requests, let those
        # under way finish, and only then close the browser and let pytest-django flush.
        context.route("**/*", lambda route: route.abort())
        idle = server.wait_idle(30)
        context.close()
        request_started.disconnect(dispatch_uid="tests.browser.started")
        request_finished.disconnect(dispatch_uid="tests.browser.finished")
        assert idle, "the live server was still answering a request 30 s after the test"


def browser_login(page, username: str, password: str | None = None) -> None:
    """Log in through the real form, as a person would."""
    from tests.factories import TEST_PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


# --- Outbox ------------------------------------------------------------------------------------


class OutboxRecorder:
    """What the outbox handed to the broker, as (item id, countdown); ``deliver()`` runs every
    recorded attempt in-process, as a worker would, until nothing more is published."""

    def __init__(self) -> None:
        self.published: list[tuple[int, float | None]] = []

    def __call__(self, item_id: int, countdown: float | None) -> None:
        self.published.append((item_id, countdown))

    def deliver(self) -> None:
        from django.test import TestCase

        from sellerdesk.marketplaces.services import outbox_deliver

        while self.published:
            item_id, _countdown = self.published.pop(0)
            # The test's transaction never commits: run what the attempt queued on commit
            # (a retry's publish) as a real commit would.
            with TestCase.captureOnCommitCallbacks(execute=True):
                outbox_deliver(item_id=item_id)


@pytest.fixture
def outbox(monkeypatch) -> OutboxRecorder:
    """Replies stay in the outbox until the test delivers them (no broker involved); retries are
    due at once (the policy's backoff is tested in tests/marketplaces/test_outbox.py)."""
    from django.conf import settings

    recorder = OutboxRecorder()
    monkeypatch.setattr("sellerdesk.marketplaces.services._publish", recorder)
    monkeypatch.setattr(settings, "OUTBOX_BACKOFF_BASE_SECONDS", 0.0)
    return recorder
