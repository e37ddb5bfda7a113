"""Demo texts sit on the products they talk about."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sellerdesk.core.demo_text import product_for_text


@dataclass
class _Product:
    name: str


RU = [_Product("Кофемолка электрическая"), _Product("Зубная щётка звуковая"), _Product("Плед")]
ZH = [_Product("男童牛仔裤 弹力修身"), _Product("女童碎花连衣裙 夏季款")]


@pytest.mark.parametrize(
    ("text", "products", "expected"),
    [
        ("У щётки через неделю перестал работать режим", RU, 1),  # another case of the word
        ("Кофемолку вернула, шумит", RU, 0),
        ("裙子很漂亮，就是有一点线头", ZH, 1),  # 裙 of 连衣裙
        ("牛仔裤偏小", ZH, 0),
    ],
)
def test_a_text_goes_to_the_product_it_names(text, products, expected):
    assert product_for_text(text, products, fallback=0) is products[expected]


def test_a_text_naming_nothing_takes_the_fallback():
    assert product_for_text("Нормально, но ожидал большего.", RU, fallback=4) is RU[1]
    assert product_for_text("Что угодно", [], fallback=0) is None
