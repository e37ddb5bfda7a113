"""Escalation triggers: words in a review that a person must see before anything is sent.

Health (allergy, burn, injury, poisoning), safety (smoke, fire, electric shock),
counterfeit, legal or regulator threats, and personal data written into the review.
The lexicon lives in ``data/escalation.json`` and goes through the shared phrase
matcher (word forms, typos in fuzzy groups, Traditional folded to Simplified).

A hit is a place to look, not yet a trigger. General context rules then drop the
readings that do not describe harm to this buyer:

* an exclusion phrase of the same group overlapping the hit («загорелась лампочка»,
  "fire sale", 吃着火锅) — exclusions cancel only what they overlap;
* a negation just before («не вызвал аллергии», "no rash", 不过敏) or right after
  («аллергии нет»);
* a remedy or prevention word just before («средство от аллергии», "soothes
  redness", 防过敏);
* a hypothetical («если у вас аллергия», "in case of fire", 万一过敏);
* a fear that the rest of the sentence contradicts («боялась подделки, но…»,
  以为是假货，结果…).

A dropped hit is masked and the text scanned again, so a later real mention of
the same words still counts. Personal data (phone numbers, e-mail addresses,
passport and card numbers, street addresses) comes from the policy's contact finder
and a few patterns of its own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sellerdesk.policy.contacts import find_contacts
from sellerdesk.policy.matcher import PhraseMatcher, PhraseSet, fold_han
from sellerdesk.policy.text import fold, lemma_forms

__all__ = ["KINDS", "Trigger", "find_triggers", "trigger_matcher"]

DATA_FILE = Path(__file__).resolve().parent / "data" / "escalation.json"
KINDS = ("health", "safety", "counterfeit", "legal", "personal_data")

_WORD_RE = re.compile(r"[^\W_]+")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Clause boundaries: context rules never look across these.
_SENTENCE_RE = re.compile(r"[.!?;。！？；\n]")
_CLAUSE_RE = re.compile(r"[.!?;,。！？；，、\n]")
_MAX_RESCANS = 12
_WINDOW_BEFORE = 3
_HAN_WINDOW = 4

# Personal data the contact finder does not cover. Digits are matched on folded text.
_CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_PASSPORT_RE = re.compile(
    r"(?:паспорт\w*|passport|护照|身份证)\D{0,20}(?:\d[ \-]?){6,17}[\dx]", re.IGNORECASE
)
# Phone numbers written with spaces only («+7 916 482 37 19»), which the contact finder
# leaves to its stricter patterns; 10–13 digits with an optional leading plus.
_PHONE_RE = re.compile(r"(?<![\w+])\+?\d(?:[ \-()]{0,2}\d){9,12}(?!\w)")
_CN_ID_RE = re.compile(r"(?<!\d)\d{17}[\dx](?!\d)")
_ADDRESS_RE = re.compile(
    r"(?:\b(?:ул|улица|пр-т|проспект|пер|переулок|бульвар|шоссе)\.?\s+[а-яa-z][\w\- ]{1,40}?,?\s*"
    r"(?:д|дом)\.?\s*\d+\w?(?:[,\s]+(?:кв|квартира|корп|к)\.?\s*\d+)?)"
    r"|(?:[\u4e00-\u9fff]{1,12}(?:路|街|道)\d{1,5}号(?:[\u4e00-\u9fff\d]{0,10}(?:室|单元|栋|楼))?)"
    r"|(?:\b\d{1,5}\s+[a-z][a-z ]{2,30}\s(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr)\b"
    r"(?:,?\s*(?:apt|apartment|unit)\.?\s*\d+)?)",
    re.IGNORECASE,
)
_PERSONAL_CONTACT_KINDS = frozenset({"phone", "email", "handle"})


@dataclass(frozen=True, slots=True)
class Trigger:
    kind: str
    topic: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class _Context:
    negators: frozenset[str]
    not_negating_next: frozenset[str]
    han_negators: tuple[str, ...]
    after_words: frozenset[str]
    after_ne: frozenset[str]
    han_after: tuple[str, ...]
    remedy: frozenset[str]
    han_remedy: tuple[str, ...]
    hypothetical: frozenset[str]
    han_hypothetical: tuple[str, ...]
    hedges: frozenset[str]
    contrast: frozenset[str]
    han_hedges: tuple[str, ...]
    han_contrast: tuple[str, ...]
    remedy_near: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Group:
    kind: str
    topic: str
    # Words that, a few words either side of a hit, show the harmless reading whatever
    # the word order («экран загорелся», «загорелся экран»).
    near: frozenset[str] = frozenset()


class TriggerMatcher:
    """The shipped lexicon compiled once: one phrase set per phrase (labels ``t:<group>``)
    and one per exclusion (``x:<group>``), so every phrase reports its own leftmost hit."""

    def __init__(self, data: dict) -> None:
        groups: list[_Group] = []
        sets: list[PhraseSet] = []
        for index, raw in enumerate(data["groups"]):
            if raw["kind"] not in KINDS:
                raise ValueError(f"unknown trigger kind {raw['kind']!r}")
            groups.append(
                _Group(kind=raw["kind"], topic=raw["topic"], near=_words(raw.get("near", [])))
            )
            fuzzy = bool(raw.get("fuzzy"))
            for phrase in raw["phrases"]:
                sets.append(PhraseSet(label=f"t:{index}", phrases=(phrase,), fuzzy=fuzzy))
            for phrase in raw.get("exclusions", ()):
                sets.append(PhraseSet(label=f"x:{index}", phrases=(phrase,), fuzzy=False))
        self.groups = tuple(groups)
        self.matcher = PhraseMatcher(sets)
        self.context = _load_context(data["context"])


def _words(values: list[str]) -> frozenset[str]:
    """Every lemma of every listed word: «убирает» also stands for «убирают»."""
    return frozenset(form for value in values for form in lemma_forms(fold(value)))


def _is(word: str | None, lemmas: frozenset[str]) -> bool:
    return word is not None and any(form in lemmas for form in lemma_forms(word))


def _han(values: list[str]) -> tuple[str, ...]:
    return tuple(fold_han(fold(value)) for value in values)


def _load_context(raw: dict) -> _Context:
    return _Context(
        negators=_words(raw["negators"]["words"]),
        not_negating_next=_words(raw["negators"]["not_negating_next"]),
        han_negators=_han(raw["negators"]["han"]),
        after_words=_words(raw["after_negators"]["words"]),
        after_ne=_words(raw["after_negators"]["then_ne"]),
        han_after=_han(raw["after_negators"]["han"]),
        remedy=_words(raw["remedy"]["words"]),
        han_remedy=_han(raw["remedy"]["han"]),
        hypothetical=_words(raw["hypothetical"]["words"]),
        han_hypothetical=_han(raw["hypothetical"]["han"]),
        hedges=_words(raw["hedges"]["words"]),
        contrast=_words(raw["hedges"]["contrast"]),
        han_hedges=_han(raw["hedges"]["han"]),
        han_contrast=_han(raw["hedges"]["han_contrast"]),
        remedy_near=_words(raw["remedy"]["near"]),
    )


@cache
def trigger_matcher() -> TriggerMatcher:
    return TriggerMatcher(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def find_triggers(text: str) -> list[Trigger]:
    """Every escalation trigger in ``text`` (offsets into ``text``), sorted by position."""
    if not text or not text.strip():
        return []
    compiled = trigger_matcher()
    found: list[Trigger] = []
    found.extend(_phrase_triggers(compiled, text))
    found.extend(_personal_data(text))
    found.sort(key=lambda trigger: (trigger.start, trigger.end, trigger.kind))
    return _dedupe(found)


def _phrase_triggers(compiled: TriggerMatcher, text: str) -> list[Trigger]:
    matcher = compiled.matcher
    labels = [phrase_set.label for phrase_set in matcher.sets]
    folded = fold(text)
    masked = text
    accepted: dict[tuple[int, int], Trigger] = {}
    for _ in range(_MAX_RESCANS):
        hits, _vetoed = matcher.scan_raw(masked)
        exclusions: dict[int, list[tuple[int, int]]] = {}
        candidates: list[tuple[int, int, int]] = []
        for set_index, (start, end, _phrase) in hits.items():
            kind, group = labels[set_index].split(":", 1)
            if kind == "x":
                exclusions.setdefault(int(group), []).append((start, end))
            else:
                candidates.append((int(group), start, end))
        dropped: list[tuple[int, int]] = []
        for group, start, end in candidates:
            if (start, end) in accepted:
                continue
            overlaps = any(s < end and start < e for s, e in exclusions.get(group, ()))
            info = compiled.groups[group]
            if (
                overlaps
                or _near(info.near, folded, start, end)
                or _harmless(compiled.context, folded, start, end)
            ):
                dropped.append((start, end))
                continue
            accepted[(start, end)] = Trigger(info.kind, info.topic, start, end, text[start:end])
        if not dropped:
            break
        masked = _mask(masked, dropped)
    return list(accepted.values())


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    # A separator that is neither a letter nor whitespace: masked words cannot join
    # their neighbours into a new word or a new run of Han characters.
    chars = list(text)
    for start, end in spans:
        for position in range(start, end):
            chars[position] = "|"
    return "".join(chars)


def _clause_bounds(folded: str, start: int, end: int, pattern: re.Pattern[str]) -> tuple[int, int]:
    left = 0
    for match in pattern.finditer(folded, 0, start):
        left = match.end()
    right_match = pattern.search(folded, end)
    right = right_match.start() if right_match else len(folded)
    return left, right


def _near(lemmas: frozenset[str], folded: str, start: int, end: int) -> bool:
    if not lemmas:
        return False
    left, right = _clause_bounds(folded, start, end, _CLAUSE_RE)
    around = _WORD_RE.findall(folded, left, start)[-3:] + _WORD_RE.findall(folded, end, right)[:3]
    return any(_is(word, lemmas) for word in around)


def _harmless(ctx: _Context, folded: str, start: int, end: int) -> bool:
    if _HAN_RE.search(folded, start, end):
        return _harmless_han(ctx, folded, start, end)
    left, right = _clause_bounds(folded, start, end, _CLAUSE_RE)
    before = _WORD_RE.findall(folded, left, start)[-_WINDOW_BEFORE:]
    after = _WORD_RE.findall(folded, end, right)[:3]
    hit_words = _WORD_RE.findall(folded, start, end)
    if hit_words and _is(hit_words[0], ctx.negators):
        before = []  # the phrase carries its own negation («не оригинал»)
    for position, word in enumerate(before):
        if _is(word, ctx.negators):
            following = before[position + 1] if position + 1 < len(before) else None
            if not _is(following, ctx.not_negating_next):
                return True
        if _is(word, ctx.remedy) or _is(word, ctx.hypothetical):
            return True
    # Short remedy words («от», "for") only count right before the hit: "for being
    # counterfeit" is a reason, "for allergy sufferers" is a purpose.
    if before and _is(before[-1], ctx.remedy_near):
        return True
    if after:
        if _is(after[0], ctx.after_words):
            return True
        if after[0] == "не" and len(after) > 1 and _is(after[1], ctx.after_ne):
            return True
    sentence_left, sentence_right = _clause_bounds(folded, start, end, _SENTENCE_RE)
    earlier = _WORD_RE.findall(folded, sentence_left, start)
    later = _WORD_RE.findall(folded, end, sentence_right)
    return any(_is(word, ctx.hedges) for word in earlier[-6:]) and any(
        _is(word, ctx.contrast) for word in later[:8]
    )


def _harmless_han(ctx: _Context, folded: str, start: int, end: int) -> bool:
    simplified = fold_han(folded)
    left, right = _clause_bounds(simplified, start, end, _CLAUSE_RE)
    before = simplified[max(left, start - _HAN_WINDOW) : start]
    after = simplified[end : min(right, end + 6)]
    if any(mark in before for mark in ctx.han_negators):
        return True
    if any(mark in before for mark in ctx.han_remedy):
        return True
    wide_before = simplified[max(left, start - 8) : start]
    if any(mark in wide_before for mark in ctx.han_hypothetical):
        return True
    if any(after.startswith(mark) for mark in ctx.han_after):
        return True
    sentence_left, sentence_right = _clause_bounds(simplified, start, end, _SENTENCE_RE)
    earlier = simplified[max(sentence_left, start - 12) : start]
    later = simplified[end : min(sentence_right, end + 16)]
    return any(mark in earlier for mark in ctx.han_hedges) and any(
        mark in later for mark in ctx.han_contrast
    )


def _personal_data(text: str) -> list[Trigger]:
    folded = fold(text)
    found = [
        Trigger(
            "personal_data",
            contact.kind,
            contact.start,
            contact.end,
            text[contact.start : contact.end],
        )
        for contact in find_contacts(folded)
        if contact.kind in _PERSONAL_CONTACT_KINDS
    ]
    for topic, pattern in (
        ("passport", _PASSPORT_RE),
        ("id_number", _CN_ID_RE),
        ("address", _ADDRESS_RE),
        ("phone", _PHONE_RE),
    ):
        for match in pattern.finditer(folded):
            found.append(Trigger("personal_data", topic, match.start(), match.end(), match.group()))
    for match in _CARD_RE.finditer(folded):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            found.append(
                Trigger("personal_data", "card", match.start(), match.end(), match.group())
            )
    return found


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _dedupe(triggers: list[Trigger]) -> list[Trigger]:
    """Overlapping hits of one kind collapse into the longest (the list is sorted by start)."""
    kept: list[Trigger] = []
    for trigger in triggers:
        clash = next(
            (
                index
                for index, other in enumerate(kept)
                if other.kind == trigger.kind
                and other.start < trigger.end
                and trigger.start < other.end
            ),
            None,
        )
        if clash is None:
            kept.append(trigger)
        elif (trigger.end - trigger.start) > (kept[clash].end - kept[clash].start):
            kept[clash] = trigger
    return kept
