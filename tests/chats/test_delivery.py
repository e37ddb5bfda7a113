"""Chat replies through the outbox: sent with their files, retried on temporary errors, failed
and retried by hand — with the chat's own page showing each state."""

from __future__ import annotations

import pytest
from django.conf import settings

from chats import services
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import connectors
from sellerdesk.marketplaces.base import ConnectorError
from sellerdesk.marketplaces.models import OutboundState
from sellerdesk.marketplaces.services import outbox_deliver, outbox_retry
from tests.chats.helpers import GOOD_REPLY, conversation_with, pdf_upload

pytestmark = pytest.mark.django_db


class FlakyConnector:
    """Fails ``failures`` times (retryable or not), then delivers."""

    def __init__(self, failures: int, *, retryable: bool = True) -> None:
        self.failures = failures
        self.retryable = retryable
        self.sent: list[dict] = []

    def send_chat_message(self, *, shop, chat_ref, text, attachments, sent_after_ms=None):
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

    def close(self) -> None:
        pass


@pytest.fixture
def queued(shops, outbox, django_capture_on_commit_callbacks):
    conversation = conversation_with(shops.mine)
    with django_capture_on_commit_callbacks(execute=True):
        message = services.chat_message_send(
            conversation=conversation,
            author=shops.users[Role.SELLER],
            text=GOOD_REPLY,
            files=[pdf_upload()],
            warnings_confirmed=True,
        )
    return message


def use(monkeypatch, connector):
    monkeypatch.setattr(connectors, "connector_for", lambda shop, *, remote_ref: connector)
    return connector


def test_local_connector_marks_the_message_sent(queued, outbox):
    outbox.deliver()
    queued.refresh_from_db()
    assert queued.outbound.state == OutboundState.SENT
    assert queued.outbound.remote_id.startswith("local-")
    assert queued.outbound.attempts == 1


def test_connector_receives_text_and_file_bytes(queued, outbox, monkeypatch):
    connector = use(monkeypatch, FlakyConnector(0))
    outbox.deliver()
    assert connector.sent[0]["text"] == GOOD_REPLY
    assert connector.sent[0]["files"] == [("invoice.pdf", "application/pdf", b"%PDF-")]


def test_temporary_errors_are_retried_then_sent(
    queued, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    use(monkeypatch, FlakyConnector(2))
    outbox.deliver()
    queued.refresh_from_db()
    assert queued.outbound.state == OutboundState.SENT
    assert queued.outbound.attempts == 3
    assert queued.outbound.last_error == ""


def test_the_outbox_gives_up_after_the_last_attempt_and_keeps_the_text(
    queued, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    use(monkeypatch, FlakyConnector(100))
    outbox.deliver()
    queued.refresh_from_db()
    assert queued.outbound.state == OutboundState.FAILED
    assert queued.outbound.attempts == settings.OUTBOX_MAX_ATTEMPTS
    assert "503" in queued.outbound.last_error
    assert queued.text == GOOD_REPLY


def test_permanent_error_fails_at_once_and_manual_retry_sends(
    queued, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    use(monkeypatch, FlakyConnector(1, retryable=False))
    outbox.deliver()
    queued.refresh_from_db()
    assert queued.outbound.state == OutboundState.FAILED and queued.outbound.attempts == 1

    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(item=queued.outbound)
    assert [item_id for item_id, _ in outbox.published] == [queued.outbound_id]
    outbox.deliver()
    queued.refresh_from_db()
    assert queued.outbound.state == OutboundState.SENT


def test_delivering_twice_is_harmless(queued, monkeypatch):
    connector = use(monkeypatch, FlakyConnector(0))
    outbox_deliver(item_id=queued.outbound_id)
    outbox_deliver(item_id=queued.outbound_id)
    assert len(connector.sent) == 1
