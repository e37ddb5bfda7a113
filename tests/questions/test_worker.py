"""A real Celery worker on Redis applies the decline rules to arriving questions, once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker

from questions import tasks
from questions.models import AutoDecision, Question, QuestionStatus
from sellerdesk.celery import app
from sellerdesk.marketplaces import tasks as outbox_tasks
from sellerdesk.marketplaces.models import OutboundState
from tests.questions.conftest import ask

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tasks_inline():
    """Overrides the in-process default of this package: tasks go through the broker here."""
    yield


@pytest.fixture
def deliveries(monkeypatch) -> list[tuple[str, str]]:
    sent: list[tuple[str, str]] = []

    class RecordingConnector:
        def decline_question(self, *, shop, question_ref, text):
            sent.append(("decline", question_ref))

        def answer_question(self, *, shop, question_ref, text):
            sent.append(("answer", question_ref))

        def withdraw_question_answer(self, *, shop, question_ref):
            sent.append(("withdraw", question_ref))
            return True

        def close(self):
            pass

    monkeypatch.setattr(
        "sellerdesk.marketplaces.connectors.connector_for",
        lambda shop, *, remote_ref: RecordingConnector(),
    )
    return sent


@pytest.fixture
def worker() -> Iterator[None]:
    assert tasks.question_arrived.name in app.tasks
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_worker_declines_matching_question_once(shops, supplier_rule, deliveries, worker):
    question = ask(shops.mine, "Кто ваш поставщик?", external_id="wb-77")  # enqueued on commit
    kept = ask(shops.mine, "Какой размер пледа?")

    def delivered() -> bool:
        return Question.objects.filter(pk=question.pk, outbound__state=OutboundState.SENT).exists()

    assert wait_for(delivered)
    # A retried and a duplicated task arrive later: nothing changes, nothing is sent again.
    tasks.question_arrived.delay(question.pk)
    tasks.question_arrived.delay(question.pk)
    question.refresh_from_db()
    outbox_tasks.outbox_send.delay(question.outbound_id)
    # The solo worker takes tasks in order: once a later question is declined, the
    # duplicates before it have been handled too.
    marker = ask(shops.mine, "Где закупаете товар?", external_id="wb-78")
    assert wait_for(
        lambda: Question.objects.filter(pk=marker.pk, outbound__state=OutboundState.SENT).exists()
    )
    question.refresh_from_db()
    kept.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED and question.decline_kind == "auto"
    assert kept.status == QuestionStatus.NEW
    assert AutoDecision.objects.filter(question=question).count() == 1
    assert deliveries == [("decline", "wb-77"), ("decline", "wb-78")]
