"""A real Celery worker (Redis broker) delivers a queued reply after the request commits."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from chats.models import Direction, Message
from sellerdesk.celery import app
from sellerdesk.marketplaces import tasks
from sellerdesk.marketplaces.models import OutboundState
from tests.chats.helpers import GOOD_REPLY, conversation_with, pdf_upload

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker() -> Iterator[None]:
    assert tasks.outbox_send.name in app.tasks
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


def test_reply_posted_through_the_view_is_delivered_by_the_worker(shops, seller_client, worker):
    conversation = conversation_with(shops.mine)
    response = seller_client.post(
        reverse("chats:send", args=[conversation.pk]), {"text": GOOD_REPLY, "files": [pdf_upload()]}
    )
    assert response.status_code == 302

    message = Message.objects.get(direction=Direction.OUTGOING)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        message.outbound.refresh_from_db()
        if message.outbound.state in (OutboundState.SENT, OutboundState.FAILED):
            break
        time.sleep(0.2)
    assert message.outbound.state == OutboundState.SENT
    assert message.outbound.remote_id.startswith("local-")
