"""Overpromise: promises the shop cannot keep.

Three classes, in Russian, English and Chinese:

* **Guarantees and certainty** — «гарантируем», «100% подойдёт», "will never break",
  保证, 绝对 — and **guaranteed results of using the product** («результат с первого
  применения», «поможет каждому», "works for everyone", 立竿见影, 药到病除);
  **claims that no other product anywhere is as good** («лучший на рынке», «аналогов
  нет», "second to none", "you won't find better", 全网最好, 独一无二). These are
  phrases in ``data/<lang>/overpromise.txt`` (the phrase book's syntax, «!» lines for
  exceptions such as «не гарантируем», «100% хлопок», 质保), found in the engine's one
  pass over the reply and handed in as ``matches``.
* **Delivery and timing the marketplace controls** — the shop ships, the marketplace
  delivers. A delivery verb («доставим», «придёт», «получите», "will arrive",
  "we'll deliver") with a near time («завтра», «сегодня», «за сутки», "tomorrow",
  "next day") in one clause, or speeding delivery up («ускорим доставку», "we'll
  expedite shipping", 加快配送). Not a promise: a past fact («пришёл вчера»), a negation
  («ускорить доставку мы не можем»), a hedge («ориентировочно», «по данным
  отслеживания», "estimated", "usually"), or the shop's own dispatch («отправим
  сегодня», "we'll ship today").

``find_overpromises(folded, matches)`` returns merged spans into the folded text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache

from sellerdesk.policy._data import read_lines
from sellerdesk.policy.phrases import Match
from sellerdesk.policy.text import _Morph, lemma_forms

__all__ = ["find_overpromises"]

_WORD_RE = re.compile(r"[^\W\d_]+|\d+")
_CLAUSE_BREAK_RE = re.compile(r"[,;:.!?…\n—–()，。！？；：]")
_SENTENCE_BREAK_RE = re.compile(r"[.!?…\n。！？]")
_CYRILLIC_RE = re.compile(r"[а-я]")
# How many words may separate a delivery verb from its time, or «ускорить» from «доставку».
_REACH = 4


@cache
def _words(lang: str, name: str) -> frozenset[str]:
    return frozenset(line.lower().replace("ё", "е") for line in read_lines(lang, name))


@cache
def _lexicon(lang: str) -> dict[str, frozenset[str]]:
    return {
        name: _words(lang, f"overpromise_{name}")
        for name in (
            "delivery",
            "times",
            "hurry",
            "carriers",
            "hedges",
            "negations",
            "future",
            "unable",
            "modals",
        )
    }


@lru_cache(maxsize=50_000)
def _forms(word: str) -> frozenset[str]:
    return frozenset((word, *lemma_forms(word)))


@lru_cache(maxsize=50_000)
def _ru_promising(word: str) -> bool:
    """Future, present or imperative — not a past fact («доставили», «пришёл»)."""
    parses = _Morph.get().parse(word)
    return bool(parses) and "past" not in parses[0].tag


def find_overpromises(folded: str, matches: list[Match]) -> list[tuple[int, int]]:
    """Merged spans: phrase-book overpromises plus delivery promises."""
    spans = [(m.start, m.end) for m in matches if m.category == "overpromise"]
    if _may_promise_delivery(folded):
        spans.extend(_delivery_spans(folded))
    return _merge(spans)


@lru_cache(maxsize=4)
def _delivery_gate(name: str) -> re.Pattern[str]:
    # Word forms keep at least the first four letters (or all of a shorter word).
    stems = {word[: max(4, len(word) - 3)] for lang in ("ru", "en") for word in _words(lang, name)}
    return re.compile("|".join(map(re.escape, sorted(stems))))


@lru_cache(maxsize=1)
def _times_gate() -> re.Pattern[str]:
    # Time words keep their first three letters in every form («сутки», «суток»).
    stems = {
        word[: max(3, len(word) - 2)]
        for lang in ("ru", "en")
        for word in _words(lang, "overpromise_times")
    }
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, sorted(stems))) + ")")


def _may_promise_delivery(folded: str) -> bool:
    """A cheap necessary condition, found in C: every delivery finding pairs a delivery
    or hurry word with a time or carrier word, so the text holds the stems of both."""
    if _times_gate().search(folded) is not None:
        return True  # delivery verbs change their stems («придёт», «привезём»): test times
    return _delivery_gate("overpromise_hurry").search(folded) is not None and (
        _delivery_gate("overpromise_carriers").search(folded) is not None
    )


def _delivery_spans(folded: str) -> list[tuple[int, int]]:
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(folded)]
    # Clause and sentence of every token: one scan for breaks, one bisection per token.
    clause_breaks = [m.start() for m in _CLAUSE_BREAK_RE.finditer(folded)]
    sentence_breaks = [m.start() for m in _SENTENCE_BREAK_RE.finditer(folded)]
    starts = [start for start, _, _ in tokens]
    clause_of = [bisect_right(clause_breaks, start) for start in starts]
    sentence_of = [bisect_right(sentence_breaks, start) for start in starts]
    forms: list[frozenset[str] | None] = [None] * len(tokens)

    def forms_at(j: int) -> frozenset[str]:
        found = forms[j]
        if found is None:
            found = forms[j] = _forms(tokens[j][2])
        return found

    hedged: dict[int, bool] = {}

    def is_hedged(sentence: int) -> bool:
        if sentence not in hedged:
            first = bisect_left(sentence_of, sentence)
            last = bisect_right(sentence_of, sentence)
            hedged[sentence] = any(
                not forms_at(j).isdisjoint(_lexicon(_lang_of(tokens[j][2]))["hedges"])
                for j in range(first, last)
            )
        return hedged[sentence]

    # Anchors: the time or hurry words, found by their stems (no word analysis for the rest).
    times_gate, hurry_gate = _times_gate(), _delivery_gate("overpromise_hurry")
    verbs: set[int] = set()
    for anchor, (_, _, text) in enumerate(tokens):
        if times_gate.match(text) or hurry_gate.match(text):
            low, high = max(0, anchor - _REACH), min(len(tokens), anchor + _REACH + 1)
            verbs.update(range(low, high))
    spans: list[tuple[int, int]] = []
    for index in sorted(verbs):
        start, end, text = tokens[index]
        ru = _CYRILLIC_RE.search(text) is not None
        lex = _lexicon("ru" if ru else "en")
        own = forms_at(index)
        is_delivery = not own.isdisjoint(lex["delivery"])
        is_hurry = not own.isdisjoint(lex["hurry"])
        if not (is_delivery or is_hurry):
            continue
        if is_hurry:
            wanted = lex["carriers"]
        else:
            if ru and not _ru_promising(text):
                continue
            if not ru and not _en_promising(tokens, forms_at, clause_of, index, lex):
                continue
            wanted = lex["times"]
        window = range(max(0, index - _REACH), min(len(tokens), index + _REACH + 1))
        partner = next(
            (
                j
                for j in window
                if j != index
                and clause_of[j] == clause_of[index]
                and not forms_at(j).isdisjoint(wanted)
            ),
            None,
        )
        if partner is None or is_hedged(sentence_of[index]):
            continue
        if _negated(tokens, forms_at, clause_of, index, lex) or _unable_after(
            forms_at, sentence_of, index, lex
        ):
            continue
        spans.append((min(start, tokens[partner][0]), max(end, tokens[partner][1])))
    return spans


def _lang_of(text: str) -> str:
    return "ru" if _CYRILLIC_RE.search(text) else "en"


def _negated(tokens, forms_at, clause_of, index: int, lex) -> bool:
    """«не можем ускорить доставку», "we cannot speed up delivery", «ускорить нельзя»."""
    clause = clause_of[index]
    for j in range(max(0, index - 3), min(len(tokens), index + 3)):
        if clause_of[j] == clause and not forms_at(j).isdisjoint(lex["negations"]):
            return True
    return False


def _unable_after(forms_at, sentence_of, index: int, lex) -> bool:
    """«Ускорить доставку мы, к сожалению, не можем»: the inability comes later."""
    sentence = sentence_of[index]
    for j in range(index + 1, min(len(sentence_of), index + 8)):
        if sentence_of[j] != sentence:
            return False
        if not forms_at(j).isdisjoint(lex["unable"]):
            return True
        if (
            not forms_at(j).isdisjoint(lex["negations"])
            and j + 1 < len(sentence_of)
            and not forms_at(j + 1).isdisjoint(lex["modals"])
        ):
            return True
    return False


def _en_promising(tokens, forms_at, clause_of, index: int, lex) -> bool:
    """ "will arrive", "we'll deliver", "arrives tomorrow" — not "arrived", "delivering"."""
    text = tokens[index][2]
    if text.endswith(("ed", "ing")):
        return False
    clause = clause_of[index]
    if any(
        clause_of[j] == clause and not forms_at(j).isdisjoint(lex["future"])
        for j in range(max(0, index - 3), index)
    ):
        return True
    return text.endswith("s")  # "it arrives tomorrow"


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
