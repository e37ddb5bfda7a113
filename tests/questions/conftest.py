"""Fixtures for the questions app: a shop with products and saved decline rules."""

from __future__ import annotations

import pytest

from questions import services
from questions.ruleset import ruleset_cache_clear
from templates_lib.selectors import shipped_decline_reasons
from tests.factories import ProductFactory

POLITE_DECLINE = shipped_decline_reasons("ru")[0].text
GOOD_ANSWER = "Здравствуйте! Спасибо за вопрос. Да, плед можно стирать в машинке при 30 градусах. Хорошего дня!"
# A template variable left in the text is an error for every channel: sending is refused.
BROKEN_REPLY = (
    "Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. Рекомендуем карточку товара. Хорошего дня!"
)


@pytest.fixture(autouse=True)
def _fresh_rules_cache():
    ruleset_cache_clear()
    yield
    ruleset_cache_clear()


@pytest.fixture(autouse=True)
def tasks_inline():
    """Run Celery tasks in-process when their on-commit callbacks execute.

    Tests still capture the callbacks (nothing runs before commit); the real broker
    and worker are covered by test_worker.py.
    """
    from sellerdesk.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def products(shops):
    return [
        ProductFactory(shop=shops.mine, sku="WB-104233", name="Кофемолка электрическая"),
        ProductFactory(shop=shops.mine, sku="WB-118871", name="Плед флисовый"),
    ]


def rule_fields(name: str, phrases: list[str], **extra) -> dict:
    return {
        "name": name,
        "phrases": phrases,
        "exclusions": extra.pop("exclusions", []),
        "fuzzy": extra.pop("fuzzy", False),
        "kind": extra.pop("kind", "keywords"),
        "enabled": extra.pop("enabled", True),
        "reply_text": extra.pop("reply_text", POLITE_DECLINE),
    }


@pytest.fixture
def supplier_rule(shops):
    return services.decline_rule_create(
        shop=shops.mine, fields=rule_fields("Поставщики", ["поставщик", "где закупаете"])
    )


def ask(shop, text: str, product=None, **extra):
    """A question arrives the way the connector or the demo brings it in."""
    return services.question_create(
        shop=shop, text=text, product=product, buyer_name="Анна", **extra
    )
