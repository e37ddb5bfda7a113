"""Delivery through the connector: sent, retried on temporary errors, failed and retried by hand."""

from __future__ import annotations

import pytest

from chats import services
from chats.models import DeliveryStatus
from chats.tasks import chat_message_deliver_task
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import base as marketplaces
from sellerdesk.marketplaces.base import ConnectorError
from tests.chats.helpers import GOOD_REPLY, conversation_with, pdf_upload

pytestmark = pytest.mark.django_db


class FlakyConnector:
    """Fails ``failures`` times (retryable or not), then delivers."""

    def __init__(self, failures: int, *, retryable: bool = True) -> None:
        self.failures = failures
        self.retryable = retryable
        self.sent: list[dict] = []

    def send_chat_message(self, *, shop, chat_ref, text, attachments):
        if self.failures:
            self.failures -= 1
            raise ConnectorError("marketplace unavailable (503)", retryable=self.retryable)
        self.sent.append(
            {
                "chat_ref": chat_ref,
                "text": text,
                "files": [(f.name, f.content_type, f.open().read()[:5]) for f in attachments],
            }
        )
        return "remote-42"


@pytest.fixture
def queued(shops, monkeypatch):
    monkeypatch.setattr("chats.tasks.chat_message_deliver_task.delay", lambda *_a: None)
    conversation = conversation_with(shops.mine)
    return services.chat_message_send(
        conversation=conversation,
        author=shops.users[Role.SELLER],
        text=GOOD_REPLY,
        files=[pdf_upload()],
    )


def use(monkeypatch, connector):
    monkeypatch.setattr(marketplaces, "get_connector", lambda shop: connector)
    return connector


def test_local_connector_marks_the_message_sent(queued):
    message = services.chat_message_deliver(message_id=queued.pk)
    assert message.delivery_status == DeliveryStatus.SENT
    assert message.external_id.startswith("local-")
    assert message.attempts == 1


def test_connector_receives_text_and_file_bytes(queued, monkeypatch):
    connector = use(monkeypatch, FlakyConnector(0))
    services.chat_message_deliver(message_id=queued.pk)
    assert connector.sent[0]["text"] == GOOD_REPLY
    assert connector.sent[0]["files"] == [("invoice.pdf", "application/pdf", b"%PDF-")]


def test_task_retries_temporary_errors_then_sends(queued, monkeypatch):
    use(monkeypatch, FlakyConnector(2))
    chat_message_deliver_task.apply(args=[queued.pk])  # eager: retries run inline
    queued.refresh_from_db()
    assert queued.delivery_status == DeliveryStatus.SENT
    assert queued.attempts == 3
    assert queued.failure_reason == ""


def test_task_gives_up_after_the_last_retry_and_keeps_the_text(queued, monkeypatch):
    use(monkeypatch, FlakyConnector(100))
    chat_message_deliver_task.apply(args=[queued.pk])
    queued.refresh_from_db()
    assert queued.delivery_status == DeliveryStatus.FAILED
    assert queued.attempts == services.MAX_DELIVERY_ATTEMPTS
    assert "503" in queued.failure_reason
    assert queued.text == GOOD_REPLY


def test_permanent_error_fails_at_once_and_manual_retry_sends(
    queued, monkeypatch, django_capture_on_commit_callbacks
):
    use(monkeypatch, FlakyConnector(1, retryable=False))
    message = services.chat_message_deliver(message_id=queued.pk)
    assert message.delivery_status == DeliveryStatus.FAILED and message.attempts == 1

    enqueued = []
    monkeypatch.setattr("chats.tasks.chat_message_deliver_task.delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        services.chat_message_retry(message=message)
    assert enqueued == [message.pk]
    assert (
        services.chat_message_deliver(message_id=message.pk).delivery_status == DeliveryStatus.SENT
    )


def test_delivering_twice_is_harmless(queued, monkeypatch):
    connector = use(monkeypatch, FlakyConnector(0))
    services.chat_message_deliver(message_id=queued.pk)
    services.chat_message_deliver(message_id=queued.pk)
    assert len(connector.sent) == 1
