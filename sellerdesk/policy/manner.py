"""How a reply treats the buyer: ``rude``, ``blame`` and ``brush_off``.

The expressions are phrase categories of the shared phrase book (``phrases.py``), so
they are found in the same single pass as greetings and thanks; the lexicons are
``data/<lang>/rude.txt``, ``blame.txt``, ``brush_off.txt``, ``brush_off_soft.txt`` and
``shop_help.txt``, with Russian word classes (imperatives, 2nd-person and past forms
and their misspellings) in ``data/ru/word_classes.txt``. Each file describes classes
of expressions, and its ``!`` lines keep the polite look-alikes clean («это не ваша
вина», «нет глупых вопросов», "you're right").

A finding covers the whole sentence holding the expression: the fix removes a rude
sentence and replaces a blaming or brushing-off one with a polite wording.

``brush_off_soft`` expressions («с этим не к нам», "take it up with the courier") pass
the buyer on; they are a brush-off only when the reply offers nothing from the shop
(no ``shop_help``: «мы проверим», 我们会帮您, "we'll check"). ``brush_off`` ones («не
наша проблема», 跟我们无关) are one whatever follows.

Rhetorical questions need the question mark, which the phrase book does not see, so
they are found here: a question to the buyer about reading, seeing or understanding,
sharpened by an intensifier («Вы вообще читать умеете?», «Неужели так трудно
заглянуть в описание?», "Did you even look?"), or a question that is nothing but an
interjection («Серьёзно?», "Hello??"). The word lists are the ``rq_*`` classes of
``data/<lang>/word_classes.txt``. Praise in ironic quotes («очень «ценный» отзыв») is
``data/<lang>/rude_marks.txt``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache

from sellerdesk.policy._data import read_lines
from sellerdesk.policy.phrases import Match, word_class

_SENTENCE_MARKS = ".!?…。！？"

SentenceOf = Callable[[int], tuple[int, int]]


def manner_spans(
    matches: list[Match], code: str, folded: str, sentence_of: SentenceOf
) -> list[tuple[int, int]]:
    """Sentence spans of ``code`` ("rude", "blame" or "brush_off") among ``matches``."""
    categories = {code}
    if code == "brush_off" and not any(m.category == "shop_help" for m in matches):
        categories.add("brush_off_soft")
    spans: list[tuple[int, int]] = []
    for match in matches:
        if match.category in categories:
            spans.append(_sentence_span(folded, match, sentence_of))
    if code == "rude":
        if "?" in folded:
            spans.extend(rhetorical_questions(folded))
        marks = _rude_marks()
        if marks is not None and _QUOTE_RE.search(folded):
            spans.extend(
                _sentence_span(folded, Match("rude", m.start(), m.end()), sentence_of)
                for m in marks.finditer(folded)
            )
    return _merge(spans)


_QUOTE_RE = re.compile("[«»\"“”„']")


@lru_cache(maxsize=1)
def _rude_marks() -> re.Pattern[str] | None:
    fragments = [line for lang in ("ru", "zh", "en") for line in read_lines(lang, "rude_marks")]
    return re.compile("|".join(f"(?:{f})" for f in fragments)) if fragments else None


# A question: from the previous sentence stop up to its run of question marks.
_QUESTION_RE = re.compile(r"[^.!?…。！？\n]*\?[?!]*")
_WORD_RE = re.compile(r"[^\W_]+")
_CYRILLIC_RE = re.compile(r"[а-я]")
# Forms that address the buyer without a pronoun: «разучились», «понимаете», «видишь».
_SECOND_PERSON_ENDINGS = ("ете", "ите", "ешь", "ишь", "етесь", "итесь", "лись", "ли")
# Intensifiers that make a question rhetorical even without «вы»: «неужели так трудно…?»
_SELF_SUFFICIENT = frozenset({"неужели", "неужто"})


class _Questions:
    """The rq_* word classes of one language, as sets."""

    def __init__(self, suffix: str) -> None:
        def words(name: str) -> frozenset[str]:
            try:
                return frozenset(word_class(name + suffix))
            except ValueError:
                return frozenset()

        self.perceive = words("rq_perceive") | words("rq_perceive_inf")
        self.you = words("rq_you")
        self.intensifier = words("rq_intensifier")
        self.pairs = frozenset(tuple(pair.split("_")) for pair in words("rq_intensifier2"))
        self.interjection = words("rq_interjection")


@lru_cache(maxsize=2)
def _questions(lang: str) -> _Questions:
    return _Questions("" if lang == "ru" else "_" + lang)


def rhetorical_questions(folded: str) -> list[tuple[int, int]]:
    """Spans of rhetorical questions aimed at the buyer (Russian and English)."""
    spans = []
    for m in _QUESTION_RE.finditer(folded):
        words = _WORD_RE.findall(m.group())
        if not words:
            continue
        q = _questions("ru" if _CYRILLIC_RE.search(m.group()) else "en")
        if len(words) <= 2 and all(word in q.interjection for word in words):
            rhetorical = True
        else:
            perceive = [word for word in words if word in q.perceive]
            sharpened = any(word in q.intensifier for word in words) or any(
                pair in q.pairs for pair in itertools.pairwise(words)
            )
            addressed = (
                any(word in q.you for word in words)
                or any(word.endswith(_SECOND_PERSON_ENDINGS) for word in perceive)
                or any(word in _SELF_SUFFICIENT for word in words)
            )
            rhetorical = bool(perceive) and sharpened and addressed
        if rhetorical:
            start = m.start()
            while start < m.end() and folded[start].isspace():
                start += 1
            spans.append((start, m.end()))
    return spans


def _sentence_span(folded: str, match: Match, sentence_of: SentenceOf) -> tuple[int, int]:
    start, end = sentence_of(match.start)
    start = min(start, match.start)
    end = max(end, match.end)
    while start < match.start and folded[start].isspace():
        start += 1
    # The sentence's own closing marks go with it, so removing it leaves no stray «?».
    while end < len(folded) and folded[end] in _SENTENCE_MARKS:
        end += 1
    return start, end


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
