"""Labelled phrase sets compiled into one matcher.

Generic core shared by question auto-decline rules and (later) review playbooks:
an ordered list of labelled phrase sets, each with optional exclusions; the first
set in order that matches and is not vetoed by one of its own exclusions wins,
and the matcher reports which phrase matched and where (offsets into the
original text).

Matching semantics:

* Word phrases (Russian, English, anything without Han characters) match when
  the lemmas of their words occur contiguously and in order among the text's
  word lemmas. Case, punctuation and ё/е are ignored; a phrase never matches
  inside a longer word. A word matches when any of its lemmas equals any lemma
  of the phrase word (pymorphy3 gives several for ambiguous forms).
* Between two words of a phrase, one or two *function words* may stand, as a
  manager expects: «пахнет пластиком» matches «Пахнет ли пластиком?», «где
  закупаете» matches «Где вы его закупаете?»; the span covers the gap. Function
  words are Russian particles, pronouns, prepositions and conjunctions
  (pymorphy3's most probable part of speech), a short English list
  (data/en/function_words.txt). Never skipped: negations («не», "not"), any
  content word, a possessive or demonstrative that determines the next noun
  («номер вашего телефона» is not «номер телефона»), and a sentence end.
, a phrase word of 5+ letters also matches a text word whose
  rapidfuzz ratio to the phrase word's lemma or one of its inflected forms
  reaches the cutoff (80), so «поставщег» and «поставшиков» match «поставщик».
  Only plausible typos are compared: words of 4+ letters that, if Russian, are
  not in pymorphy3's dictionary (a real word such as «поставка» is a different
  word, not a typo). Text words are only ever compared with this vocabulary,
  once per distinct word.
* Exclusions are phrases like any other (fuzzy too, in a fuzzy set); one that
  matches anywhere in the text vetoes its own set only.
* Phrases containing Han characters match as substrings of the normalised text:
  full-width forms folded, Traditional characters folded to Simplified, and
  whitespace ignored (Chinese is written without spaces); one or two sentence
  particles or pronouns inside are skipped the same way (寄到了台湾 matches 寄到台湾,
  data/zh/function_chars.txt), an attributive 的 is not (其他的卖家).

Compilation: every lemma gets an integer id; word phrases go into one trie over
id sequences (a fuzzy-capable phrase word is keyed by the negated id, so fuzzy
neighbours never leak into exact-only sets); Han phrases go into one
Aho-Corasick automaton. A scan walks each text position once per alternative id.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
from rapidfuzz import fuzz, process

from sellerdesk.policy._data import to_simplified
from sellerdesk.policy.text import _Morph, fold, lemma_forms

__all__ = [
    "DEFAULT_FUZZY_CUTOFF",
    "FUZZY_MIN_LETTERS",
    "Match",
    "PhraseMatcher",
    "PhraseSet",
    "Scan",
    "fold_han",
    "normalize_han",
    "phrase_is_matchable",
]

DEFAULT_FUZZY_CUTOFF = 80.0
FUZZY_MIN_LETTERS = 5
# A text word shorter than this is never compared fuzzily (one letter dropped
# from a 5-letter phrase word still qualifies).
_FUZZY_MIN_TEXT_LETTERS = 4
# Coarse pre-filter against lemmas before the exact check against inflected forms:
# Indel distance is a metric, so a word close to a form is reasonably close to its lemma.
_FUZZY_PREFILTER_CUTOFF = 50.0
_WORD_CACHE_LIMIT = 300_000

_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Word runs of folded text; Han runs are cut out so that «买iphone» still yields «iphone».
_WORD_RE = re.compile(rf"[^\W_{_HAN_CLASS}]+")
_HAN_RE = re.compile(f"[{_HAN_CLASS}]")
_SPACE_RE = re.compile(r"\s")
_CYRILLIC_RE = re.compile(r"[а-я]")
# How many function words may stand between two words of a phrase.
_MAX_GAP = 2
_GAP_BREAK_RE = re.compile(r"[.!?…;\n。！？；]")
# Russian parts of speech that are function words (pymorphy3's most probable parse).
_RU_FUNCTION_POS = frozenset({"PRCL", "NPRO", "PREP", "CONJ"})


@lru_cache(maxsize=1)
def _function_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(English function words, negations never skipped, Chinese particle characters)."""
    from sellerdesk.policy._data import read_lines

    return (
        frozenset(read_lines("en", "function_words")),
        frozenset(read_lines("ru", "negations_gap") + read_lines("en", "negations_gap")),
        frozenset("".join(read_lines("zh", "function_chars"))),
    )


_NOT_SKIPPED, _SKIPPED, _SKIPPED_UNLESS_NOUN = 0, 1, 2


def _is_function_word(word: str) -> int:
    """0: a content word (or a negation); 1: a function word; 2: a function word unless it
    determines the noun after it («где вы его закупаете», but «номер его телефона»)."""
    english, negations, _ = _function_lists()
    if word in negations:
        return _NOT_SKIPPED
    if _CYRILLIC_RE.search(word):
        parses = _Morph.get().parse(word)
        if parses[0].tag.POS not in _RU_FUNCTION_POS:
            return _NOT_SKIPPED
        # Possessive and demonstrative adjectives («вашего», «этого») agree with a noun
        # and narrow it: «номер вашего телефона» is not «номер телефона».
        apro = [p for p in parses if "Apro" in p.tag]
        return _SKIPPED_UNLESS_NOUN if apro else _SKIPPED
    return _SKIPPED if word in english else _NOT_SKIPPED


@lru_cache(maxsize=50_000)
def _determines(word: str, following: str) -> bool:
    """Does ``word`` read as a determiner of the noun ``following`` («вашего телефона»,
    «этого товара», «его телефона»)? «пахнет ли это пластиком» does not agree."""
    if not _CYRILLIC_RE.search(following):
        return False
    morph = _Morph.get()
    nouns = [q.tag for q in morph.parse(following) if q.tag.POS in ("NOUN", "ADJF")]
    if not nouns:
        return False
    for p in morph.parse(word):
        if "Apro" not in p.tag:
            continue
        if "Fixd" in p.tag:
            return True  # «его», «её», «их» agree with anything
        if any(p.tag.case == q.case and p.tag.number == q.number for q in nouns):
            return True
    return False


def fold_han(folded: str) -> str:
    """Traditional → Simplified (length-preserving): the package's one table, data/zh/t2s.txt."""
    return to_simplified(folded)


def normalize_han(text: str) -> str:
    """How a Han phrase is compared: folded, Simplified, without whitespace."""
    return _SPACE_RE.sub("", fold_han(fold(text)))


def phrase_is_matchable(phrase: str) -> bool:
    """A phrase needs at least one letter, digit or Han character to ever match."""
    folded = fold(phrase)
    return bool(_HAN_RE.search(folded) or _WORD_RE.search(folded))


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """One labelled group of phrases; ``exclude`` phrases veto this set only."""

    label: str
    phrases: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    fuzzy: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    label: str
    index: int  # position of the phrase set in the matcher
    phrase: str  # the phrase as written in the set
    start: int  # offsets into the original text
    end: int
    text: str  # original[start:end]


@dataclass(frozen=True, slots=True)
class Scan:
    """Everything one pass found: per set index its leftmost(-longest) hit, and vetoed sets."""

    text: str
    hits: dict[int, tuple[int, int, int]]  # set index -> (start, end, phrase index)
    excluded: frozenset[int]

    def match_for(self, matcher: PhraseMatcher, index: int) -> Match | None:
        hit = self.hits.get(index)
        if hit is None or index in self.excluded:
            return None
        start, end, phrase_index = hit
        phrase_set = matcher.sets[index]
        return Match(
            label=phrase_set.label,
            index=index,
            phrase=phrase_set.phrases[phrase_index],
            start=start,
            end=end,
            text=self.text[start:end],
        )


# A trie node is a dict: int key -> child node, and None -> list of payloads
# (set index, is_exclusion, phrase index) for phrases ending there.
_Payload = tuple[int, bool, int]


class PhraseMatcher:
    """Ordered labelled phrase sets compiled once; immutable after construction.

    Thread-safety: scans only add to per-word caches (plain dict assignments).
    """

    def __init__(
        self,
        sets: Iterable[PhraseSet],
        *,
        fuzzy_cutoff: float = DEFAULT_FUZZY_CUTOFF,
    ) -> None:
        self.sets: tuple[PhraseSet, ...] = tuple(sets)
        self.fuzzy_cutoff = float(fuzzy_cutoff)
        self._lemma_ids: dict[str, int] = {}
        self._fuzzy_ids: set[int] = set()
        self._trie: dict = {}
        self._han: ahocorasick.Automaton | None = None
        # Per distinct folded word: (trie keys, root children for those keys).
        self._word_alts: dict[str, tuple[tuple[int, ...], tuple[dict, ...]]] = {}
        self._function_cache: dict[str, int] = {}
        # Fuzzy vocabulary: lemma strings (pre-filter choices) and, per lemma id,
        # the strings a text word is finally compared with (lemma + inflected forms).
        self._fuzzy_heads: list[str] = []
        self._fuzzy_head_ids: list[int] = []
        self._fuzzy_forms: dict[int, tuple[str, ...]] = {}
        self._compile()

    # --- compilation -----------------------------------------------------------------------

    def _lemma_id(self, lemma: str) -> int:
        lemma_id = self._lemma_ids.get(lemma)
        if lemma_id is None:
            lemma_id = len(self._lemma_ids) + 1  # never 0: negated ids mark fuzzy keys
            self._lemma_ids[lemma] = lemma_id
        return lemma_id

    def _compile(self) -> None:
        han_entries: dict[str, list[tuple[int, bool, int]]] = {}
        fuzzy_words: dict[int, set[str]] = {}
        for set_index, phrase_set in enumerate(self.sets):
            groups = ((False, phrase_set.phrases), (True, phrase_set.exclude))
            for is_exclusion, phrases in groups:
                for phrase_index, phrase in enumerate(phrases):
                    payload = (set_index, is_exclusion, phrase_index)
                    folded = fold(phrase)
                    if _HAN_RE.search(folded):
                        key = normalize_han(phrase)
                        han_entries.setdefault(key, []).append(payload)
                        continue
                    words = _WORD_RE.findall(folded)
                    if not words:
                        raise ValueError(f"phrase {phrase!r} has no letters or digits")
                    # A fuzzy set matches its exclusions the same way as its phrases.
                    fuzzy = phrase_set.fuzzy
                    self._insert(words, fuzzy, payload, fuzzy_words)
        if han_entries:
            automaton = ahocorasick.Automaton()
            for key, payloads in han_entries.items():
                automaton.add_word(key, (len(key), tuple(payloads)))
            automaton.make_automaton()
            self._han = automaton
        self._compile_fuzzy(fuzzy_words)

    def _insert(
        self,
        words: list[str],
        fuzzy: bool,
        payload: _Payload,
        fuzzy_words: dict[int, set[str]],
    ) -> None:
        alternatives: list[set[int]] = []
        for word in words:
            ids = {self._lemma_id(form) for form in lemma_forms(word)}
            if fuzzy and _letters(word) >= FUZZY_MIN_LETTERS:
                for lemma_id in ids:
                    fuzzy_words.setdefault(lemma_id, set()).add(word)
                    self._fuzzy_ids.add(lemma_id)
                # The exact lemma or a fuzzy neighbour (negated id): a text word then
                # carries a single key in the common case, which keeps the walk cheap.
                ids = ids | {-lemma_id for lemma_id in ids}
            alternatives.append(ids)
        for path in itertools.product(*(sorted(ids) for ids in alternatives)):
            node = self._trie
            for key in path:
                node = node.setdefault(key, {})
            node.setdefault(None, []).append(payload)

    def _compile_fuzzy(self, fuzzy_words: dict[int, set[str]]) -> None:
        if not fuzzy_words:
            return
        lemma_by_id = {lemma_id: lemma for lemma, lemma_id in self._lemma_ids.items()}
        for lemma_id, surfaces in fuzzy_words.items():
            lemma = lemma_by_id[lemma_id]
            forms = {lemma, *surfaces, *_inflections(lemma)}
            self._fuzzy_heads.append(lemma)
            self._fuzzy_head_ids.append(lemma_id)
            self._fuzzy_forms[lemma_id] = tuple(sorted(forms))

    # --- per-word analysis -----------------------------------------------------------------

    def _alternatives(self, word: str) -> tuple[tuple[int, ...], tuple[dict, ...]]:
        """Trie keys a text word can stand for, and the root's children for them (cached)."""
        keys: list[int] = []
        lemma_ids = self._lemma_ids
        for form in lemma_forms(word):
            lemma_id = lemma_ids.get(form)
            if lemma_id is not None and lemma_id not in keys:
                keys.append(lemma_id)
        if self._fuzzy_heads and _is_fuzzy_candidate(word):
            for lemma_id in self._fuzzy_neighbours(word):
                if lemma_id not in keys:
                    keys.append(-lemma_id)
        root = self._trie
        firsts = tuple(root[key] for key in keys if key in root)
        result = (tuple(keys), firsts)
        if len(self._word_alts) >= _WORD_CACHE_LIMIT:
            self._word_alts.clear()
        self._word_alts[word] = result
        return result

    def _fuzzy_neighbours(self, word: str) -> list[int]:
        candidates = process.extract(
            word,
            self._fuzzy_heads,
            scorer=fuzz.ratio,
            score_cutoff=_FUZZY_PREFILTER_CUTOFF,
            limit=None,
        )
        cutoff = self.fuzzy_cutoff
        found: list[int] = []
        for _, _, position in candidates:
            lemma_id = self._fuzzy_head_ids[position]
            forms = self._fuzzy_forms[lemma_id]
            if process.extractOne(word, forms, scorer=fuzz.ratio, score_cutoff=cutoff):
                found.append(lemma_id)
        return found

    # --- scanning --------------------------------------------------------------------------

    def scan(self, text: str) -> Scan:
        """One pass over ``text``: every set's leftmost-longest hit and every vetoed set."""
        hits, excluded = self.scan_raw(text)
        return Scan(text=text, hits=hits, excluded=frozenset(excluded))

    def scan_raw(self, text: str) -> tuple[dict[int, tuple[int, int, int]], set[int]]:
        """:meth:`scan` without the wrapper: ({set index: (start, end, phrase index)}, vetoed)."""
        hits: dict[int, tuple[int, int, int]] = {}
        excluded: set[int] = set()
        folded = fold(text)
        if self._trie:
            self._scan_words(folded, hits, excluded)
        if self._han is not None and _HAN_RE.search(folded):
            self._scan_han(folded, hits, excluded)
        return hits, excluded

    def _scan_words(
        self,
        folded: str,
        hits: dict[int, tuple[int, int, int]],
        excluded: set[int],
    ) -> None:
        words = _WORD_RE.findall(folded)
        cache = self._word_alts
        analysed = [cache.get(word) for word in words]
        if None in analysed:
            analysed = [
                entry or self._alternatives(word)
                for entry, word in zip(analysed, words, strict=True)
            ]
        if not any(entry[1] for entry in analysed):
            return
        alts = [entry[0] for entry in analysed]
        spans: list[tuple[int, int]] | None = None
        count = len(alts)
        function_word = self._function_word
        for first, (_, firsts) in enumerate(analysed):
            if not firsts:
                continue
            # Frontier: (trie node, function words skipped since the last phrase word, index
            # of that word). A phrase word may follow up to _MAX_GAP function words.
            frontier = [(node, 0, first) for node in firsts]
            last = first
            while frontier:
                for node, _skipped, at in frontier:
                    payloads = node.get(None) if at == last else None
                    if payloads:
                        if spans is None:
                            spans = [m.span() for m in _WORD_RE.finditer(folded)]
                        start, end = spans[first][0], spans[last][1]
                        _record(payloads, start, end, hits, excluded)
                last += 1
                if last >= count:
                    break
                keys = alts[last]
                kind = function_word(words[last])
                skippable = kind == _SKIPPED or (
                    kind == _SKIPPED_UNLESS_NOUN
                    and (last + 1 >= count or not _determines(words[last], words[last + 1]))
                )
                following = []
                for node, skipped, at in frontier:
                    for key in keys:
                        child = node.get(key)
                        if child is not None and (
                            skipped == 0 or self._same_sentence(folded, spans, at, last)
                        ):
                            following.append((child, 0, last))
                    # Only a node that can still grow may skip: «пахнет [ли] пластиком».
                    if skippable and skipped < _MAX_GAP and len(node) > (None in node):
                        following.append((node, skipped + 1, at))
                if following and spans is None and any(s for _, s, _ in following):
                    spans = [m.span() for m in _WORD_RE.finditer(folded)]
                frontier = following

    @staticmethod
    def _same_sentence(folded: str, spans, at: int, last: int) -> bool:
        """A skipped gap never crosses the end of a sentence."""
        if spans is None:
            spans = [m.span() for m in _WORD_RE.finditer(folded)]
        return _GAP_BREAK_RE.search(folded, spans[at][1], spans[last][0]) is None

    def _function_word(self, word: str) -> int:
        """Particles, pronouns, prepositions, conjunctions (never a negation), cached."""
        known = self._function_cache.get(word)
        if known is None:
            known = _is_function_word(word)
            if len(self._function_cache) >= _WORD_CACHE_LIMIT:
                self._function_cache.clear()
            self._function_cache[word] = known
        return known

    def _scan_han(
        self,
        folded: str,
        hits: dict[int, tuple[int, int, int]],
        excluded: set[int],
    ) -> None:
        assert self._han is not None
        simplified = fold_han(folded)
        if _SPACE_RE.search(simplified):
            positions = [i for i, char in enumerate(simplified) if not char.isspace()]
            compact = "".join(simplified[i] for i in positions)
        else:
            positions = None
            compact = simplified
        for last, (length, payloads) in self._han.iter(compact):
            first = last - length + 1
            if positions is None:
                start, end = first, last + 1
            else:
                start, end = positions[first], positions[last] + 1
            _record(payloads, start, end, hits, excluded)
        # 质量[的]好不好: one or two particle characters inside a phrase. The same search
        # over the text without them; a hit counts when it spans one or two of them.
        particles = _function_lists()[2]
        if not particles or not any(char in particles for char in compact):
            return
        kept = [i for i, char in enumerate(compact) if char not in particles]
        reduced = "".join(compact[i] for i in kept)
        for last, (length, payloads) in self._han.iter(reduced):
            first = last - length + 1
            inside = kept[last] - kept[first] - (last - first)
            if not 0 < inside <= _MAX_GAP:
                continue
            start, end = kept[first], kept[last] + 1
            if positions is not None:
                start, end = positions[start], positions[end - 1] + 1
            _record(payloads, start, end, hits, excluded)

    # --- answers ---------------------------------------------------------------------------

    def first(self, text: str) -> Match | None:
        """The first set in order that matches and is not vetoed by its exclusions."""
        scan = self.scan(text)
        for index in sorted(scan.hits):
            match = scan.match_for(self, index)
            if match is not None:
                return match
        return None

    def matches(self, text: str) -> list[Match]:
        """Every set that matches and is not vetoed, in set order."""
        scan = self.scan(text)
        found = (scan.match_for(self, index) for index in sorted(scan.hits))
        return [match for match in found if match is not None]

    @property
    def labels(self) -> Sequence[str]:
        return [phrase_set.label for phrase_set in self.sets]


def _record(
    payloads: Iterable[_Payload],
    start: int,
    end: int,
    hits: dict[int, tuple[int, int, int]],
    excluded: set[int],
) -> None:
    for set_index, is_exclusion, phrase_index in payloads:
        if is_exclusion:
            excluded.add(set_index)
            continue
        best = hits.get(set_index)
        if best is None or start < best[0] or (start == best[0] and end > best[1]):
            hits[set_index] = (start, end, phrase_index)


def _is_fuzzy_candidate(word: str) -> bool:
    """Could this text word be a misspelling? A real Russian word is not a typo.

    Without this, «поставка», «поставили» or «подставка» would all pass for
    «поставщик» at ratio 80; pymorphy3's dictionary tells real words from typos
    such as «поставщег». Words in other scripts have no dictionary here.
    """
    if _letters(word) < _FUZZY_MIN_TEXT_LETTERS or not word.isalpha():
        return False
    if _CYRILLIC_RE.search(word):
        return not _Morph.get().word_is_known(word)
    return True


def _letters(word: str) -> int:
    return sum(1 for char in word if char.isalpha())


def _inflections(lemma: str) -> set[str]:
    """Inflected forms of a Russian lemma (fuzzy comparison targets); empty for other words."""
    if not _CYRILLIC_RE.search(lemma):
        return set()
    forms: set[str] = set()
    for parse in _Morph.get().parse(lemma):
        if parse.normal_form.replace("ё", "е") != lemma:
            continue
        forms.update(form.word.replace("ё", "е") for form in parse.lexeme)
    return forms
