from __future__ import annotations

import uuid

import pytest

from sellerdesk.core.models import Marketplace
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.inbound import handlers_replaced
from tests.marketplaces import recorder
from tests.marketplaces.contract import ContractCheck
from tests.marketplaces.wb_fake import WildberriesFake

HANDLERS = {
    "question": recorder.record_question,
    "feedback": recorder.record_feedback,
    "chat_event": recorder.record_chat,
}


@pytest.fixture
def wb_token() -> str:
    # A fresh token per test: the shared Redis buckets of one test never slow down the next.
    return f"wb-test-{uuid.uuid4().hex}"


@pytest.fixture
def wb_contract() -> ContractCheck:
    return ContractCheck()


@pytest.fixture
def wb_fake(wb_token, wb_contract):
    """The fake, every exchange checked against the published description (see contract.py)."""
    fake = WildberriesFake(tokens=(wb_token,), observer=wb_contract)
    fake.start()
    yield fake
    fake.stop()
    assert not wb_contract.violations, wb_contract.report()


@pytest.fixture
def recorded(settings):
    settings.WB_HTTP_TIMEOUT = 1.0
    recorder.reset()
    with handlers_replaced(HANDLERS):
        yield recorder
    recorder.reset()


def _connect(shops, wb_fake, wb_token):
    shop = shops.mine
    shop.marketplace = Marketplace.WILDBERRIES
    shop.save()
    services.account_settings_update(
        shop=shop, enabled=True, feedbacks_base_url=wb_fake.url, chat_base_url=wb_fake.url
    )
    return services.account_token_set(shop=shop, token=wb_token)


@pytest.fixture
def wb_account(shops, wb_fake, wb_token, recorded):
    """Connected to the fake; inbound items go to the recorder hooks."""
    return _connect(shops, wb_fake, wb_token)


@pytest.fixture
def wb_account_apps(shops, wb_fake, wb_token, settings):
    """Connected to the fake; inbound items go to the real questions and chats apps."""
    settings.WB_HTTP_TIMEOUT = 1.0
    return _connect(shops, wb_fake, wb_token)
