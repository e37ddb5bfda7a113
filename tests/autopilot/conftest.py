"""A shop with the shipped templates and situation rules, and the autopilot switched on."""

from __future__ import annotations

import pytest

from autopilot import services
from reviews import services as reviews
from reviews import situations
from sellerdesk.core.models import Role
from templates_lib.services import templates_install_defaults
from tests.factories import ProductFactory


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    situations.cache_clear()
    yield
    situations.cache_clear()


@pytest.fixture
def shop(shops):
    for each in (shops.mine, shops.other):
        reviews.situation_rules_install_defaults(shop=each)
        templates_install_defaults(shop=each)
    services.autopilot_settings_update(
        shop=shops.mine, fields={"reviews_enabled": True}, user=shops.users[Role.MANAGER]
    )
    return shops.mine


@pytest.fixture
def kettle(shop):
    return ProductFactory(shop=shop, sku="WB-1", name="Чайник стеклянный")


def arrive(shop, rating: int, text: str, *, product=None, buyer: str = "Анна", **extra):
    """A review arrives and the autopilot handles it (what the on-commit task does)."""
    review = reviews.review_create(
        shop=shop, rating=rating, text=text, buyer_name=buyer, product=product, **extra
    )
    return services.review_autopilot(review_id=review.pk)
