"""Meaning-bearing phrase lexicons compiled once into indexed structures.

Russian and English phrases are sequences of *slots* matched against word
tokens (so every inflected form counts: «благодарим», «благодарны», «спасибо
большое»). Chinese phrases are substrings matched on text folded to Simplified
characters (so 謝謝 and 谢谢 are the same): the plain ones of every category in
one Aho-Corasick automaton, the few real regexes one alternation per category.

Besides the five parts and ``overpromise`` there are helper categories the
engine combines: ``refusal`` with ``cause``/``constraint`` makes a reason;
``alternative_hint`` (the card, the chat, a refund) makes an alternative only in
a sentence with a ``directive`` («посмотрите», «можно», "please", 可以).

Phrase file syntax (``data/<lang>/<category>.txt``), one phrase per line:

* ``word``      any word sharing a normal form with ``word`` (pymorphy3 for Russian)
* ``stem*``     any word starting with ``stem``
* ``=word``     exactly this (folded) word
* ``@class``    any form of a word class (``data/<lang>/word_classes.txt``): a
                list of words, or the forms of lemmas with given grammemes
* ``a|b``       any of the alternatives
* ``...``       up to four arbitrary words
* ``!phrase``   a *negative* phrase: a positive match overlapping it is dropped
                («благодаря» is not thanks, «не гарантируем» is no promise)

Chinese files hold regular-expression fragments (usually plain substrings);
``!`` works the same way.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple

import ahocorasick

from sellerdesk.policy._data import read_lines, to_simplified
from sellerdesk.policy.text import lemma_forms, spelling_variants

CATEGORIES = (
    "greeting",
    "thanks",
    "reason",
    "alternative",
    "closing",
    "greeting_or_closing",
    "overpromise",
    "refusal",
    "cause",
    "constraint",
    "alternative_hint",
    "directive",
    # How the reply treats the buyer (manner.py).
    "rude",
    "blame",
    "brush_off",
    "brush_off_soft",
    "shop_help",
)
GAP = 4
_TOKEN_LANGS = ("ru", "en")


@dataclass(frozen=True, slots=True)
class Slot:
    keys: frozenset[str]  # "L:<lemma>" / "=<surface>" / "P:<stem>"
    gap: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    category: str
    negative: bool
    slots: tuple[Slot, ...]
    text: str


class Match(NamedTuple):
    # A tuple: a text yields a dozen of these, and a frozen dataclass costs ~1 µs each.
    category: str
    start: int
    end: int


def _slot_keys(spec: str) -> frozenset[str]:
    keys: set[str] = set()
    for alternative in spec.split("|"):
        if alternative.startswith("@"):
            keys.update("=" + form for form in word_class(alternative[1:]))
        elif alternative.startswith("="):
            keys.add("=" + alternative[1:])
        elif alternative.endswith("*"):
            keys.add("P:" + alternative[:-1])
        else:
            keys.update("L:" + form for form in lemma_forms(alternative))
    return frozenset(keys)


@cache
def _word_classes() -> dict[str, tuple[str, ...]]:
    """``@name`` word classes of ``data/<lang>/word_classes.txt``, one per line:

    ``@name: word word …`` lists surface forms (``=`` implied);
    ``@name: GRAMMEMES: lemma lemma …`` takes every form of each Russian lemma whose
    pymorphy3 tag has all the comma-separated grammemes («VERB,past,plur» of
    «выбрать» is «выбрали»), and the misspellings people make in their endings
    («умеите» for «умеете»).
    """
    classes: dict[str, tuple[str, ...]] = {}
    for lang in _TOKEN_LANGS:
        for line in read_lines(lang, "word_classes"):
            name, _, rest = line.partition(":")
            fields = rest.split(":")
            if len(fields) == 1:
                forms = fields[0].lower().replace("ё", "е").split()
            else:
                grammemes = frozenset(fields[0].replace(" ", "").split(","))
                forms = [
                    variant
                    for lemma_ in fields[1].lower().replace("ё", "е").split()
                    for form in _inflect(lemma_, grammemes)
                    for variant in (form, *_misspelt(form))
                ]
            classes[name.strip().removeprefix("@")] = tuple(dict.fromkeys(forms))
    return classes


def word_class(name: str) -> tuple[str, ...]:
    """The surface forms of the word class ``name`` (see :func:`_word_classes`)."""
    try:
        return _word_classes()[name]
    except KeyError:
        raise ValueError(f"unknown word class @{name}") from None


def _inflect(lemma_: str, grammemes: frozenset[str]) -> list[str]:
    from sellerdesk.policy.text import _Morph

    forms: list[str] = []
    for parse in _Morph.get().parse(lemma_):
        if parse.normal_form.replace("ё", "е") != lemma_:
            continue
        for form in parse.lexeme:
            if grammemes <= set(str(form.tag).replace(" ", ",").split(",")):
                forms.append(form.word.replace("ё", "е"))
    return forms


# Endings people misspell: «-ете»/«-ите» in the 2nd person («умеите», «различаите»).
_MISSPELT_ENDINGS = (("ете", "ите"), ("ите", "ете"), ("ешь", "ишь"), ("ишь", "ешь"))


def _misspelt(form: str) -> tuple[str, ...]:
    """Misspellings of ``form`` that are no word of their own («пишите» stays apart
    from «пишете»: both are real words)."""
    from sellerdesk.policy.text import _Morph

    morph = _Morph.get()
    return tuple(
        wrong_form
        for right, wrong in _MISSPELT_ENDINGS
        if form.endswith(right) and len(form) > len(right) + 2
        for wrong_form in (form[: -len(right)] + wrong,)
        if not morph.word_is_known(wrong_form)
    )


def _parse(line: str, category: str) -> Phrase:
    negative = line.startswith("!")
    body = line[1:].strip() if negative else line
    slots = []
    for spec in body.lower().replace("ё", "е").split():
        slots.append(Slot(frozenset(), gap=True) if spec == "..." else Slot(_slot_keys(spec)))
    return Phrase(category, negative, tuple(slots), body)


class PhraseBook:
    """All phrase categories of all languages, indexed for one pass over a text."""

    def __init__(self) -> None:
        self.by_first_key: dict[str, list[Phrase]] = {}
        self.stems: set[str] = set()
        self.known_keys: set[str] = set()
        for category in CATEGORIES:
            for lang in _TOKEN_LANGS:
                for line in read_lines(lang, category):
                    phrase = _parse(line, category)
                    if not phrase.slots or phrase.slots[0].gap:
                        raise ValueError(f"bad phrase in {lang}/{category}: {line!r}")
                    for slot in phrase.slots:
                        self.known_keys |= slot.keys
                        self.stems.update(k[2:] for k in slot.keys if k.startswith("P:"))
                    for key in phrase.slots[0].keys:
                        self.by_first_key.setdefault(key, []).append(phrase)
        # Chinese: the plain substrings of every category go into one Aho-Corasick
        # automaton (one pass over the text finds them all); the few real regular
        # expressions stay regexes, one per category and sign.
        self.max_stem = max(map(len, self.stems), default=0)
        self.zh_automaton = ahocorasick.Automaton()
        literals: dict[str, list[tuple[str, bool]]] = {}
        self.zh_regexes: list[tuple[str, bool, re.Pattern[str]]] = []
        for category in CATEGORIES:
            lines = read_lines("zh", category)
            for negative in (False, True):
                fragments = [
                    ln[1:] if negative else ln for ln in lines if ln.startswith("!") == negative
                ]
                patterns = []
                for fragment in fragments:
                    # «(?:您|你)自己选错了?» is a finite set of strings: those go into the
                    # automaton too, and only real patterns stay regexes.
                    expanded = (
                        _literal_expansions(fragment)
                        if _REGEX_SYNTAX.search(fragment)
                        else [fragment]
                    )
                    if expanded is None:
                        patterns.append(fragment)
                        continue
                    for literal in expanded:
                        owners = literals.setdefault(literal, [])
                        if (category, negative) not in owners:
                            owners.append((category, negative))
                regex = _alternation(patterns)
                if regex is not None:
                    self.zh_regexes.append((category, negative, regex))
        for literal, owners in literals.items():
            self.zh_automaton.add_word(literal, (len(literal), tuple(owners)))
        if literals:
            self.zh_automaton.make_automaton()
        self._keys_cache = _KeyCache(self._compute_keys)
        self._candidates_cache: dict[frozenset[str], tuple] = {}

    def token_keys(self, surface: str) -> frozenset[str]:
        return self._keys_cache[surface]

    def _compute_keys(self, surface: str) -> frozenset[str]:
        if _CJK_RE.match(surface):
            return _NO_KEYS  # Russian/English phrases never start with a Han character
        keys = {"=" + surface}
        if not surface.isdigit():
            keys.update("L:" + form for form in lemma_forms(surface))
            # «умеити», «отвежитесь», «пишыте»: a misspelt word also counts as the word meant.
            for variant in spelling_variants(surface):
                keys.add("=" + variant)
                keys.update("L:" + form for form in lemma_forms(variant))
            # Only prefixes as long as the longest stem can be stems: linear in the word.
            for size in range(1, min(len(surface), self.max_stem) + 1):
                if surface[:size] in self.stems:
                    keys.add("P:" + surface[:size])
        return frozenset(keys & self.known_keys)

    def match_tokens(self, folded: str) -> list[tuple[Phrase, int, int]]:
        """(phrase, start, end) character offsets per occurrence; never across sentences."""
        # Most words carry no key: look every word up once (a C-level dict hit for
        # words seen before) and walk only the few that may start a phrase.
        keys_of = self._keys_cache
        words, bounds = words_of(folded)
        keys = [keys_of[word] for word in words]
        hits = [index for index, token_keys in enumerate(keys) if token_keys]
        if not hits:
            return []
        present: set[str] = set().union(*keys)
        count = len(keys)
        found: list[tuple[Phrase, int, int]] = []
        walked: list[tuple[Phrase, int, int]] = []
        candidates_for = self._candidates
        for index in hits:
            singles, gap_second, by_second = candidates_for(keys[index])
            for phrase in singles:
                found.append((phrase, index, index + 1))
            multis = gap_second
            if by_second and index + 1 < count:
                # A phrase whose second word is fixed can only fit if the next word is it.
                following = [by_second[key] for key in keys[index + 1] if key in by_second]
                if following:
                    multis = (
                        *gap_second,
                        *dict.fromkeys(m for group in following for m in group),
                    )
            for phrase, needs, gapless in multis:
                if gapless:
                    # Consecutive words: compare them in place, no walk.
                    end = index + 1 + len(needs)
                    if end > count:
                        continue
                    position = index
                    for need in needs:
                        position += 1
                        if need.isdisjoint(keys[position]):
                            break
                    else:
                        walked.append((phrase, index, end))
                    continue
                # Every slot must find its word somewhere in the text before we walk.
                for need in needs:
                    if need.isdisjoint(present):
                        break
                else:
                    end = _match_rest(phrase.slots, 1, keys, index + 1, None)
                    if end is not None:
                        walked.append((phrase, index, end))
        sentences: list[int] | None = None
        for phrase, first, end in walked:
            # Word i spans bounds[2 * i] .. bounds[2 * i + 1].
            if _SENTENCE_BREAK.search(folded, bounds[2 * first + 1], bounds[2 * end - 2]) is None:
                found.append((phrase, first, end))
                continue
            # The first fit crosses a sentence: walk again, this time within sentences.
            if sentences is None:
                breaks = [m.start() for m in _SENTENCE_BREAK.finditer(folded)]
                sentences = [bisect_right(breaks, start) for start in bounds[0::2]]
            end = _match_rest(phrase.slots, 1, keys, first + 1, sentences, sentences[first])
            if end is not None:
                found.append((phrase, first, end))
        return [(phrase, bounds[2 * first], bounds[2 * end - 1]) for phrase, first, end in found]

    def _candidates(self, token_keys: frozenset[str]) -> tuple[tuple, tuple, dict]:
        """Phrases starting here: (one-word phrases, longer ones whose second slot is a
        gap, {key of the second word: longer ones}), each longer one as (phrase, keys each
        later slot needs, gapless?)."""
        cached = self._candidates_cache.get(token_keys)
        if cached is None:
            unique: dict[int, Phrase] = {}
            for key in token_keys:
                for phrase in self.by_first_key.get(key, ()):
                    unique.setdefault(id(phrase), phrase)
            singles = tuple(p for p in unique.values() if len(p.slots) == 1)
            multis = tuple(
                (
                    p,
                    tuple(s.keys for s in p.slots[1:] if not s.gap),
                    not any(s.gap for s in p.slots),
                )
                for p in unique.values()
                if len(p.slots) > 1
            )
            gap_second = tuple(m for m in multis if m[0].slots[1].gap)
            by_second: dict[str, list] = {}
            for m in multis:
                if not m[0].slots[1].gap:
                    for key in m[0].slots[1].keys:
                        by_second.setdefault(key, []).append(m)
            cached = self._candidates_cache[token_keys] = (
                singles,
                gap_second,
                {key: tuple(group) for key, group in by_second.items()},
            )
        return cached

    def find(self, folded: str) -> list[Match]:
        """Positive matches of every category, negatives already applied."""
        positives: list[Match] = []
        negatives: list[Match] = []
        for phrase, start, end in self.match_tokens(folded):
            (negatives if phrase.negative else positives).append(Match(phrase.category, start, end))
        if _has_cjk(folded):
            for category, negative, start, end in self._find_chinese(to_simplified(folded)):
                (negatives if negative else positives).append(Match(category, start, end))
        if not negatives:
            return positives
        return _drop_vetoed(positives, negatives)

    def _find_chinese(self, simplified: str) -> list[tuple[str, bool, int, int]]:
        """(category, negative, start, end): per category and sign, leftmost-longest
        and non-overlapping, as one alternation regex per category would find them."""
        # One list sorted by (category, sign, start, longest first), then one sweep.
        hits: list[tuple[str, bool, int, int]] = []
        if self.zh_automaton.kind == ahocorasick.AHOCORASICK:
            for last, (length, owners) in self.zh_automaton.iter(simplified):
                for category, negative in owners:
                    hits.append((category, negative, last + 1 - length, -last - 1))
        for category, negative, regex in self.zh_regexes:
            for m in regex.finditer(simplified):
                hits.append((category, negative, m.start(), -m.end()))
        hits.sort()
        found = []
        owner: tuple[str, bool] | None = None
        reached = -1
        for category, negative, start, minus_end in hits:
            if owner != (category, negative):
                owner, reached = (category, negative), -1
            if start >= reached:
                reached = -minus_end
                found.append((category, negative, start, reached))
        return found


def _drop_vetoed(positives: list[Match], negatives: list[Match]) -> list[Match]:
    """Positives that overlap no negative of their category (sorted sweeps: linear in the text)."""
    vetoes: dict[str, tuple[list[int], list[int]]] = {}
    for category in {n.category for n in negatives}:
        spans = sorted((n.start, n.end) for n in negatives if n.category == category)
        starts = [start for start, _ in spans]
        # reach[i]: the furthest end among the first i + 1 negatives.
        vetoes[category] = (starts, list(accumulate((end for _, end in spans), max)))
    kept = []
    for p in positives:
        veto = vetoes.get(p.category)
        if veto is not None:
            # The negatives starting before p ends; one of them overlaps p if the
            # furthest reaching of them ends after p starts.
            count = bisect_left(veto[0], p.end)
            if count and veto[1][count - 1] > p.start:
                continue
        kept.append(p)
    return kept


def _match_rest(
    slots, slot_index: int, keys, token_index: int, sentences, sentence: int = 0
) -> int | None:
    """End token index of the first fit of slots[slot_index:] from token_index, or None.

    With ``sentences``, every word of the fit (skipped ones included) must lie in
    ``sentence``, the sentence of the phrase's first word.
    """
    if slot_index == len(slots):
        return token_index
    slot = slots[slot_index]
    if slot.gap:
        for skip in range(GAP + 1):
            end = _match_rest(slots, slot_index + 1, keys, token_index + skip, sentences, sentence)
            if end is not None:
                return end
        return None
    if (
        token_index < len(keys)
        and not slot.keys.isdisjoint(keys[token_index])
        and (sentences is None or sentences[token_index] == sentence)
    ):
        return _match_rest(slots, slot_index + 1, keys, token_index + 1, sentences, sentence)
    return None


_WORD_SPLIT_RE = re.compile(r"([^\W_]+)")  # the same words as text.tokenize


@lru_cache(maxsize=8)
def words_of(folded: str) -> tuple[list[str], list[int]]:
    """The words of folded text and their bounds: word i spans bounds[2i] .. bounds[2i + 1].

    One C-level split serves the phrase walk, the profanity and the contact checks of
    a reply (cached per text); callers must not modify the lists.
    """
    parts = _WORD_SPLIT_RE.split(folded)
    return parts[1::2], list(accumulate(map(len, parts)))


_SENTENCE_BREAK = re.compile(r"[.!?…;\n]")
_NO_KEYS: frozenset[str] = frozenset()
_REGEX_SYNTAX = re.compile(r"[\\()\[\]{}?*+|^$.]")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


def _literal_expansions(pattern: str, limit: int = 4096) -> list[str] | None:
    """Every string a pattern made only of characters, ``(?:a|b)`` groups, ``[ab]``
    classes and ``?`` matches, or None when it uses anything else or would list more than ``limit``."""

    def sequence(at: int, stop: str) -> tuple[list[str], int] | None:
        results = [""]
        while at < len(pattern) and pattern[at] not in stop:
            char = pattern[at]
            if char == "(":
                if not pattern.startswith("(?:", at):
                    return None
                group = alternatives(at + 3)
                if group is None:
                    return None
                options, at = group
            elif char == "[":
                close = pattern.find("]", at)
                members = pattern[at + 1 : close] if close > at else ""
                if not members or members[0] == "^" or "-" in members or "\\" in members:
                    return None
                options, at = list(members), close + 1
            elif char in "\\]{}*+.^$)|?":
                return None
            else:
                options, at = [char], at + 1
            if at < len(pattern) and pattern[at] == "?":
                options, at = [*options, ""], at + 1
            results = [left + right for left in results for right in options]
            if len(results) > limit:
                return None
        return results, at

    def alternatives(at: int) -> tuple[list[str], int] | None:
        options: list[str] = []
        while True:
            branch = sequence(at, "|)")
            if branch is None:
                return None
            found, at = branch
            options.extend(found)
            if at >= len(pattern):
                return None
            if pattern[at] == ")":
                return options, at + 1
            at += 1  # "|"

    found: list[str] = []
    at = 0
    while True:  # top-level alternatives: «a|b»
        parsed = sequence(at, "|")
        if parsed is None:
            return None
        found.extend(parsed[0])
        at = parsed[1]
        if at == len(pattern):
            break
        at += 1
    strings = [string for string in dict.fromkeys(found) if string]
    return strings if len(strings) <= limit else None


def _alternation(fragments: list[str]) -> re.Pattern[str] | None:
    if not fragments:
        return None
    ordered = sorted(fragments, key=len, reverse=True)
    return re.compile("|".join(f"(?:{fragment})" for fragment in ordered))


class _KeyCache(dict):
    """surface -> relevant keys; computes (and bounds itself) on a miss only."""

    def __init__(self, compute) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, surface: str) -> frozenset[str]:
        if len(self) > 300_000:
            self.clear()
        keys = self[surface] = self._compute(surface)
        return keys


@lru_cache(maxsize=1)
def phrase_book() -> PhraseBook:
    return PhraseBook()
