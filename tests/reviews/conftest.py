"""Fixtures for the reviews app: a shop with products, default situation rules and limits."""

from __future__ import annotations

import pytest

from reviews import services, situations
from sellerdesk.core.models import Role
from tests.factories import ProductFactory

GOOD_REPLY = (
    "Здравствуйте, Анна! Спасибо за отзыв, нам очень приятно. Ждём вас снова, хорошего дня!"
)
RATING_REQUEST = (
    "Здравствуйте, Анна! Спасибо за отзыв. Измените, пожалуйста, оценку на 5 звёзд. Хорошего дня!"
)


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    situations.cache_clear()
    yield
    situations.cache_clear()


@pytest.fixture(autouse=True)
def tasks_inline():
    """Run Celery tasks in-process when their on-commit callbacks execute."""
    from sellerdesk.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def shop(shops):
    services.situation_rules_install_defaults(shop=shops.mine)
    services.situation_rules_install_defaults(shop=shops.other)
    return shops.mine


@pytest.fixture
def product(shop):
    return ProductFactory(shop=shop, sku="WB-150320", name="Чайник стеклянный с подсветкой")


@pytest.fixture
def seller(shops):
    return shops.users[Role.SELLER]


@pytest.fixture
def manager(shops):
    return shops.users[Role.MANAGER]


def write(shop, rating: int, text: str, **extra):
    return services.review_create(
        shop=shop, rating=rating, text=text, buyer_name=extra.pop("buyer_name", "Анна"), **extra
    )
