"""Demo data that reads right: put a text on the product it talks about."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sellerdesk.core.models import Product

_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _keys(name: str) -> set[str]:
    """What a text says when it talks about this product: Russian word stems (first four
    letters of each longer word, so «щётка»/«щётки» meet) and Chinese characters and
    character pairs («裙子» meets «连衣裙» by 裙)."""
    keys = {word.lower()[:4] for word in _WORD.findall(name) if not _CJK.fullmatch(word)}
    for run in _CJK.findall(name):
        keys |= set(run) | {run[i : i + 2] for i in range(len(run) - 1)}
    return keys


def _text_keys(text: str) -> set[str]:
    return _keys(text)


def product_for_text(text: str, products: Sequence[Product], *, fallback: int) -> Product | None:
    """The product whose name shares the most words with ``text``; ``products[fallback]``
    (cycled) for a text that names none, e.g. «Нормально, но ожидал большего»."""
    if not products:
        return None
    said = _text_keys(text)
    scored = [(len(_keys(product.name) & said), -index) for index, product in enumerate(products)]
    best = max(range(len(products)), key=lambda i: scored[i])
    if scored[best][0] > 0:
        return products[best]
    return products[fallback % len(products)]
