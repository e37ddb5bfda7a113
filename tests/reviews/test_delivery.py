"""Public replies reach the marketplace the way answers and chat replies do.

Reviews the marketplace never gave us stay local; a 429 is retried no sooner than the
marketplace asked; a refused token is kept on the shop's account.
"""

from __future__ import annotations

import pytest

from reviews import services
from sellerdesk.core.models import Marketplace
from sellerdesk.marketplaces import connectors
from sellerdesk.marketplaces import services as marketplace_services
from sellerdesk.marketplaces.models import MarketplaceAccount, OutboundState
from sellerdesk.marketplaces.wildberries.errors import WildberriesAuthError, WildberriesError
from tests.reviews.conftest import GOOD_REPLY, write

pytestmark = pytest.mark.django_db


class MarketplaceConnector:
    """Stands in for the Wildberries connector of a connected shop."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.answered: list[tuple[str, str]] = []

    def answer_review(self, *, shop, review_ref: str, text: str) -> None:
        if self.error is not None:
            raise self.error
        self.answered.append((review_ref, text))

    def close(self) -> None:
        pass


@pytest.fixture
def marketplace(monkeypatch):
    """The shop counts as connected; ``connectors.connector_for`` still decides which items
    go to the marketplace."""

    def install(error: Exception | None = None, *, real_account: bool = False):
        connector = MarketplaceConnector(error)
        if not real_account:
            monkeypatch.setattr(connectors, "wildberries_account_for", lambda shop: object())
        monkeypatch.setattr(
            "sellerdesk.marketplaces.wildberries.connector.WildberriesConnector",
            lambda account: connector,
        )
        return connector

    return install


def _answer(review, seller, capture) -> None:
    with capture(execute=True):
        services.review_answer(review=review, text=GOOD_REPLY, user=seller)
    review.refresh_from_db()


def test_a_marketplace_review_is_answered_on_the_marketplace(
    shop, seller, marketplace, django_capture_on_commit_callbacks
):
    connector = marketplace()
    review = write(shop, 5, "Отличный чайник!", external_id="wb-feedback-1")
    _answer(review, seller, django_capture_on_commit_callbacks)
    assert connector.answered == [("wb-feedback-1", GOOD_REPLY)]
    assert review.outbound.state == OutboundState.SENT


def test_a_review_the_marketplace_never_gave_us_stays_local(
    shop, seller, marketplace, django_capture_on_commit_callbacks
):
    connector = marketplace()
    review = write(shop, 5, "Отличный чайник!")  # demo data or typed in by hand: no marketplace id
    _answer(review, seller, django_capture_on_commit_callbacks)
    assert connector.answered == []
    assert review.outbound.state == OutboundState.SENT and review.outbound.last_error == ""


def test_a_429_is_retried_no_sooner_than_the_marketplace_asked(
    shop, seller, marketplace, outbox, django_capture_on_commit_callbacks
):
    marketplace(
        WildberriesError("429 Too Many Requests", retryable=True, status=429, retry_after=120.5)
    )
    review = write(shop, 5, "Отличный чайник!", external_id="wb-feedback-2")
    _answer(review, seller, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        marketplace_services.outbox_deliver(item_id=outbox.published.pop()[0])
    assert [countdown for _, countdown in outbox.published] == [120.5]  # not the backoff step
    review.refresh_from_db()
    assert review.outbound.state == OutboundState.QUEUED and "429" in review.outbound.last_error


def test_a_refused_token_fails_the_reply_and_marks_the_account(
    shop, seller, marketplace, django_capture_on_commit_callbacks
):
    shop.marketplace = Marketplace.WILDBERRIES
    shop.save()
    marketplace_services.account_settings_update(shop=shop, enabled=True)
    account = marketplace_services.account_token_set(shop=shop, token="wb-test-token-1234")
    marketplace(
        WildberriesAuthError("401 Unauthorized", retryable=False, status=401), real_account=True
    )
    review = write(shop, 5, "Отличный чайник!", external_id="wb-feedback-3")
    _answer(review, seller, django_capture_on_commit_callbacks)
    assert review.outbound.state == OutboundState.FAILED and "401" in review.outbound.last_error
    assert review.outbound.error_is_auth
    assert MarketplaceAccount.objects.get(pk=account.pk).auth_failed
