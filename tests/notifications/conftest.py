from __future__ import annotations

from collections.abc import Iterator

import pytest

from sellerdesk.notifications import services
from tests.notifications.telegram_fake import TelegramFake


@pytest.fixture
def telegram(settings) -> Iterator[TelegramFake]:
    """The Bot API fake, with the installation's bot configured against it."""
    with TelegramFake() as fake:
        settings.TELEGRAM_API_BASE = fake.url
        yield fake


@pytest.fixture
def bot(telegram, db) -> TelegramFake:
    services.telegram_bot_configure(token=telegram.token)
    return telegram


def link_telegram(fake: TelegramFake, user, chat_id: int) -> None:
    """What a person does: ask for a code on the profile, send it to the bot."""
    link = services.telegram_code_issue(user=user)
    fake.user_writes(chat_id, f"/start {link.code}")
    assert services.telegram_poll() == 1
