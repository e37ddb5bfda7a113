"""The production stack under broken services: its own Redis stopped or restarted, PostgreSQL
connections cut, the database unreachable.

gunicorn (production settings), a Celery worker and beat run as separate processes against
the test database, a redis-server of the test's own and the Wildberries fake; sellers act
through HTTP like a browser would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import httpx
import pytest
from celery import Celery
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from chats.models import Conversation
from questions.models import Question
from reviews.models import Review
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import OutboundItem
from sellerdesk.sla import services as sla_services
from sellerdesk.sla.models import EventKind, SlaClock, SlaEvent
from tests.factories import TEST_PASSWORD
from tests.marketplaces.resilience import (
    ANSWER,
    CHAT_REPLY,
    REVIEW_REPLY,
    RedisServer,
    Session,
    celery_process,
    free_port,
    stop,
    wait_for,
    web_process,
)

pytestmark = [pytest.mark.worker, pytest.mark.isolated, pytest.mark.django_db(transaction=True)]

QUEUED = "В очереди"


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """Production serves hashed static files: collect them once for every stack."""
    root = tmp_path_factory.mktemp("static")
    # override_settings (not a plain patch) resets the static files storage that earlier
    # tests already built, so collectstatic writes the manifest into this root.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (root / "staticfiles.json").is_file()
    return root


@dataclass
class Stack:
    redis: RedisServer
    env: dict[str, str]
    base: str
    log: Path
    processes: dict[str, Popen]

    def session(self, user) -> Session:
        # Production checks passwords with its own hashers (the tests' MD5 is not among them).
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode(TEST_PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])
        session = Session(self.base)
        session.login(user.get_username(), TEST_PASSWORD)
        return session

    def broker(self) -> Celery:
        """A client of the stack's broker (this process's own app talks to the test Redis)."""
        # Not the current app: shared tasks of this process keep publishing to the test broker.
        return Celery("probe", broker=self.env["CELERY_BROKER_URL"], set_as_current=False)


def stack_env(redis_server: RedisServer, static_root: Path, database: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "sellerdesk.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,  # the shop's token was encrypted with it
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": redis_server.url(0),
        "CELERY_BROKER_URL": redis_server.url(1),
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "OUTBOX_SWEEP_SECONDS": "2",
        "OUTBOX_BACKOFF_BASE_SECONDS": "1",
        "OUTBOX_LEASE_SECONDS": "30",
        "WB_HTTP_TIMEOUT": "5",
        "LOG_LEVEL": "INFO",
    }


@pytest.fixture
def stack(static_root, tmp_path, transactional_db) -> Iterator[Stack]:
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    env = stack_env(redis_server, static_root, connection.settings_dict["NAME"])
    log = tmp_path / "stack.log"
    port = free_port()
    processes = {
        "web": web_process(env, port, log=log),
        "worker": celery_process("worker", env, log=log, extra=("--concurrency=2",)),
        "beat": celery_process("beat", env, log=log, extra=("--schedule", str(tmp_path / "beat"))),
    }
    try:
        yield Stack(redis_server, env, f"http://127.0.0.1:{port}", log, processes)
    finally:
        for process in processes.values():
            stop(process)
        redis_server.stop()


def states(shop) -> list[str]:
    return sorted(OutboundItem.objects.for_shop(shop).values_list("state", flat=True))


def test_redis_down_while_sellers_send_saves_every_reply_and_delivers_it_when_redis_returns(
    wb_fake, wb_account_apps, shops, stack
):
    shop = wb_account_apps.shop
    remote_question = wb_fake.add_question("Подходит ли кофемолка для эспрессо?")
    remote_review = wb_fake.add_feedback("Отличная кофемолка", rating=5)
    chat = wb_fake.add_chat("Ирина")
    wb_fake.add_buyer_message(chat, "Здравствуйте! Где мой заказ?")
    services.account_sync(account_id=wb_account_apps.pk)
    question = Question.objects.get(external_id=remote_question["id"])
    review = Review.objects.get(external_id=remote_review["id"])
    conversation = Conversation.objects.get(external_id=chat["chatID"])
    seller = stack.session(shops.users[Role.SELLER])

    stack.redis.stop()  # cache, live cursors and broker are gone
    sent = [
        seller.request(
            "POST",
            f"/chats/{conversation.pk}/send/",
            {"text": CHAT_REPLY, "warnings_confirmed": "1"},
        ),
        seller.request(
            "POST", f"/questions/{question.pk}/answer/", {"text": ANSWER, "warnings_confirmed": "1"}
        ),
        seller.request(
            "POST",
            f"/reviews/{review.pk}/answer/",
            {"text": REVIEW_REPLY, "warnings_confirmed": "1"},
        ),
    ]
    assert [r.status_code for r in sent] == [302, 302, 302], stack.log.read_text()[-4000:]
    for page in (
        f"/chats/{conversation.pk}/",
        f"/questions/{question.pk}/",
        f"/reviews/{review.pk}/",
    ):
        response = seller.request("GET", page)
        assert response.status_code == 200 and QUEUED in response.text, page
    assert states(shop) == ["queued"] * 3
    assert wb_fake.writes == []

    stack.redis.start()  # nobody presses retry: the beat sweep finds the saved replies
    assert wait_for(lambda: states(shop) == ["sent"] * 3, 120), (
        states(shop),
        stack.log.read_text()[-4000:],
    )
    assert [w["kind"] for w in wb_fake.writes].count("question_answer") == 1
    assert [w["kind"] for w in wb_fake.writes].count("feedback_answer") == 1
    assert [e["message"]["text"] for e in wb_fake.seller_messages(chat["chatID"])] == [CHAT_REPLY]
    assert all(p.poll() is None for p in stack.processes.values())


def test_redis_restart_under_a_worker_holding_sla_timers_loses_and_doubles_nothing(
    wb_fake, wb_account_apps, shops, stack
):
    shop = wb_account_apps.shop
    sla_services.sla_policy_update(
        shop=shop, channel="chat", target_minutes=1, warn_percent=95, business_hours=False
    )
    wb_fake.realtime = True  # the buyer writes now: the SLA timers fall due in about a minute
    chat = wb_fake.add_chat("Олег")
    wb_fake.add_buyer_message(chat, "Здравствуйте! Вы отправили заказ?")
    probe = stack.broker()
    probe.send_task("marketplaces.account_sync", args=[wb_account_apps.pk])  # the worker imports

    def timers_held() -> bool:
        replies = probe.control.inspect(timeout=2).scheduled() or {}
        return sum(len(tasks) for tasks in replies.values()) >= 2

    assert wait_for(timers_held, 60), stack.log.read_text()[-4000:]
    clock = SlaClock.objects.get(shop=shop, channel="chat")

    stack.redis.stop()
    stack.redis.start()

    def worker_answers() -> bool:
        try:  # a fresh client each time: the old one's connection died with Redis
            return bool(stack.broker().control.ping(timeout=2))
        except Exception:  # kombu and redis-py errors while Redis comes back
            return False

    assert wait_for(worker_answers, 60), stack.log.read_text()[-4000:]
    assert stack.processes["worker"].poll() is None  # survived, no supervisor needed
    # The timers the worker held died with Redis' memory; the beat's SLA sweep records them.
    assert wait_for(
        lambda: SlaEvent.objects.filter(clock=clock, kind=EventKind.BREACHED).exists(), 240
    ), stack.log.read_text()[-4000:]
    kinds = sorted(SlaEvent.objects.filter(clock=clock).values_list("kind", flat=True))
    # Each once: the sweep recorded what the lost timers would have (a late warning is dated
    # when it was noticed, so compare the kinds, not the order of their times).
    assert kinds == sorted([EventKind.STARTED, EventKind.WARNED, EventKind.BREACHED])
    # And the worker still does new work after the restart.
    conversation = Conversation.objects.get(shop=shop)
    seller = stack.session(shops.users[Role.SELLER])
    response = seller.request(
        "POST", f"/chats/{conversation.pk}/send/", {"text": CHAT_REPLY, "warnings_confirmed": "1"}
    )
    assert response.status_code == 302
    assert wait_for(lambda: states(shop) == ["sent"], 60), stack.log.read_text()[-4000:]


def test_postgres_connections_cut_under_traffic_web_and_worker_recover_by_themselves(
    wb_fake, wb_account_apps, shops, stack
):
    shop = wb_account_apps.shop
    chat = wb_fake.add_chat("Анна")
    wb_fake.add_buyer_message(chat, "Здравствуйте!")
    services.account_sync(account_id=wb_account_apps.pk)
    conversation = Conversation.objects.get(external_id=chat["chatID"])
    seller = stack.session(shops.users[Role.SELLER])

    def send(n: int) -> int:
        return seller.request(
            "POST",
            f"/chats/{conversation.pk}/send/",
            {"text": f"{CHAT_REPLY} №{n}", "warnings_confirmed": "1"},
        ).status_code

    assert send(1) == 302
    assert wait_for(lambda: states(shop) == ["sent"], 60)
    # What a PostgreSQL restart does to every open connection of the web and the worker
    # (the shared server itself stays up for everyone else).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert cursor.fetchone()[0] >= 1
    assert send(2) == 302, stack.log.read_text()[-4000:]
    assert wait_for(lambda: states(shop) == ["sent", "sent"], 60), stack.log.read_text()[-4000:]
    health = httpx.get(stack.base + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["database"] == "ok"
    assert len(wb_fake.seller_messages(chat["chatID"])) == 2


def test_healthz_says_503_in_json_naming_the_database_when_it_is_unreachable(
    static_root, tmp_path, transactional_db
):
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    env = stack_env(redis_server, static_root, "sellerdesk")
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{free_port()}/sellerdesk"  # nobody there
    port = free_port()
    web = web_process(env, port, log=tmp_path / "web.log")
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
    finally:
        stop(web)
        redis_server.stop()
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.text)
    assert body["down"] == ["database"] and body["database"].startswith("error")
    assert body["broker"] == "ok"
