"""Shared pieces of the resilience tests: waiting for a condition, polite replies, and the
items of a shop connected to the Wildberries fake."""

from __future__ import annotations

import time
from collections.abc import Callable

ANSWER = "Здравствуйте! Спасибо за вопрос. Да, подходит, подробности есть в карточке товара. Хорошего дня!"
DECLINE = (
    "Здравствуйте! Спасибо за вопрос. К сожалению, этой информацией мы не располагаем, "
    "рекомендуем посмотреть карточку товара. Хорошего дня!"
)
REVIEW_REPLY = "Здравствуйте! Спасибо за отзыв, нам очень приятно. Ждём вас снова, хорошего дня!"
CHAT_REPLY = "Здравствуйте! Спасибо за сообщение. Заказ уже в пути, номер для отслеживания есть в личном кабинете. Хорошего дня!"


def wait_for(condition: Callable[[], bool], seconds: float = 60, step: float = 0.2) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a deadline, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
