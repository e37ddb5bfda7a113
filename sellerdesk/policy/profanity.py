"""Obscenities and insults in Russian, English and Chinese.

Stable entry point for the phrase matcher's ``profanity`` rule kind:
``find_profanity(text) -> [(start, end), ...]`` with offsets into ``text``.

Words are matched by their *start* (after an optional verbal prefix for the
Russian obscene roots), never as arbitrary substrings: that is what keeps
«рубля», «застрахуйте», «команда», "Scunthorpe" and "class" innocent. Before
matching, a word typed with Latin look-alikes or digits («xуй», «3аебал»,
"sh1t") is mapped back to the script it imitates, and a masked word («б**»,
«х*р», "f*ck") is compared with the roots letter by letter, masks matching any
letter.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from sellerdesk.policy._data import read_lines, to_simplified
from sellerdesk.policy.phrases import words_of
from sellerdesk.policy.text import fold, has_han

# Characters a word may carry besides letters when someone disguises it.
_WORD_RE = re.compile(r"[^\W_]+(?:[*#%@$!.]+[^\W_]+)*[*#%]*|[*#%@$]+[^\W_]+(?:[*#%@$!]+[^\W_]*)*")
_MASKS = frozenset("*#%.")
# «б.л.я», "sh!t", "ass!谢谢"; Han runs glued by «！» (folded to «!») are no disguise:
# no root starts with a Han character.
_THREE_SINGLES = b"\x01\x01\x01"
_MASK_CHAR_RE = re.compile(r"[*#%@$]")
_GLUE_RE = re.compile(r"[!.][^\W_]")
_DISGUISE_RE = re.compile(r"[*#%@$]|[a-zа-я0-9][!.]+[^\W_]|[^\W_][!.]+[a-zа-я0-9]")
_CYR_LOOKALIKE = str.maketrans(
    {
        "a": "а",
        "b": "ь",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "x": "х",
        "y": "у",
        "u": "и",
        "3": "з",
        "0": "о",
        "6": "б",
        "@": "а",
        "$": "с",
        "4": "ч",
        "!": "и",
        "r": "г",
        "n": "п",
        "z": "з",
    }
)
_LAT_LOOKALIKE = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
# In a Cyrillic word «@» and «$» hide a letter rather than imitate one («бл@ть»).
_AT_AS_MASK = str.maketrans({"@": "*", "$": "*"})
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
# Single letters spelt apart: «х у й», «б.л.я», "f-u-c-k".
_SPACED_RE = re.compile(r"(?<![^\W_])(?:[^\W\d_][ .\-_]{1,2}){2,}[^\W\d_](?![^\W_])")
_ZH_SB_RE = re.compile(r"(?<![a-z0-9])sb(?![a-z0-9])")


def _alternation(fragments: tuple[str, ...]) -> str:
    return "|".join(f"(?:{fragment})" for fragment in fragments)


class _Lexicon:
    def __init__(self) -> None:
        self.plain_prefixes = read_lines("ru", "profanity_prefixes")
        prefixes = _alternation(self.plain_prefixes)
        roots = read_lines("ru", "profanity_roots")
        self.ru_roots = roots
        self.ru = re.compile(
            rf"^(?:(?:{prefixes})?(?:{_alternation(roots)})|(?:{_alternation(read_lines('ru', 'insults'))}))"
        )
        self.lat = re.compile(
            rf"^(?:{_alternation(read_lines('en', 'profanity') + read_lines('ru', 'profanity_translit'))})"
        )
        zh_words = sorted(read_lines("zh", "profanity"), key=len, reverse=True)
        self.zh = re.compile("|".join(map(re.escape, zh_words)))
        zh_excluded = sorted(read_lines("zh", "profanity_exclude"), key=len, reverse=True)
        self.zh_exclude = re.compile("|".join(map(re.escape, zh_excluded)))
        # Plain (regex-free) forms used to test masked words letter by letter.
        plain = re.compile(r"^[а-яa-z]+\$?$")
        self.masked_roots = tuple(
            root.rstrip("$")
            for root in roots
            + read_lines("ru", "insults")
            + read_lines("en", "profanity")
            # Masked only: «хр*нь» hides a rude word, plain «хрен» is also horseradish.
            + ("хуй", "хуе", "хуя", "бля", "еба", "ебу", "ебл", "сук", "хрен", "fuck", "shit")
            if plain.match(root)
        )


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


def _masked_matches(word: str, roots: tuple[str, ...]) -> bool:
    """A word with mask characters («б**», «п***а», "f*ck") that can only be a root."""
    letters = sum(1 for char in word if char not in _MASKS)
    if letters == 0 or letters == len(word):
        return False
    for root in roots:
        if len(root) > len(word) or len(root) < 3:
            continue
        # A mask must fall inside the root, or the word is masked elsewhere.
        if all(w in _MASKS or w == r for w, r in zip(word, root, strict=False)) and any(
            char in _MASKS for char in word[: len(root)]
        ):
            return True
    return False


@lru_cache(maxsize=100_000)
def _is_profane_word(word: str) -> bool:
    lexicon = _lexicon()
    stripped = word.strip("!.@$")
    if not stripped:
        return False
    if _CYRILLIC.search(stripped):
        mapped = stripped.translate(_CYR_LOOKALIKE)
        if lexicon.ru.match(mapped.replace("*", "").replace("#", "")) and "*" not in mapped:
            return True
        masked = stripped.translate(_AT_AS_MASK).translate(_CYR_LOOKALIKE)
        if any(char in _MASKS for char in masked):
            if _masked_matches(masked, lexicon.masked_roots):
                return True
            # «ох*ели», «за*бал»: a verbal prefix before the masked root.
            return any(
                _masked_matches(masked[len(prefix) :], lexicon.masked_roots)
                for prefix in lexicon.plain_prefixes
                if masked.startswith(prefix)
            )
        return False
    if _LATIN.search(stripped):
        mapped = stripped.translate(_LAT_LOOKALIKE)
        if any(char in _MASKS for char in mapped):
            return _masked_matches(mapped, lexicon.masked_roots)
        return bool(lexicon.lat.match(mapped))
    return False


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def find_profanity_folded(folded: str) -> list[tuple[int, int]]:
    """Profanity spans of text already passed through :func:`text.fold`."""
    spans: list[tuple[int, int]] = []
    # Without mask characters or letters glued by «.»/«!», the disguise-aware word
    # pattern yields plain words: find those in C and walk only if one is profane.
    plain = _MASK_CHAR_RE.search(folded) is None and (
        _GLUE_RE.search(folded) is None or _DISGUISE_RE.search(folded) is None
    )
    words = words_of(folded)[0] if plain else _WORD_RE.findall(folded)
    if any(map(_is_profane_word, words)):
        for match in _WORD_RE.finditer(folded):
            word = match.group()
            if _is_profane_word(word):
                start, end = match.span()
                # Do not mark sentence punctuation that clings to the word.
                while end > start and folded[end - 1] in "!.":
                    end -= 1
                spans.append((start, end))
    # Letters spelt apart need three one-letter words in a row (lengths capped at 2, in C).
    spaced_possible = not plain or _THREE_SINGLES in bytes(map(min, map(len, words), repeat(2)))
    if spaced_possible and (" " in folded or "." in folded or "-" in folded):
        for match in _SPACED_RE.finditer(folded):
            joined = re.sub(r"[ .\-_]", "", match.group())
            if len(joined) >= 3 and _is_profane_word(joined):
                spans.append(match.span())
    if has_han(folded) or "sb" in folded or "tmd" in folded or "cnm" in folded:
        spans.extend(_find_chinese(folded))
    return _merge(spans)


def _find_chinese(folded: str) -> list[tuple[int, int]]:
    lexicon = _lexicon()
    simplified = to_simplified(folded)
    excluded = [m.span() for m in lexicon.zh_exclude.finditer(simplified)]
    found = []
    candidates = list(lexicon.zh.finditer(simplified))
    if has_han(simplified):
        candidates.extend(_ZH_SB_RE.finditer(simplified))
    for match in candidates:
        start, end = match.span()
        if not has_han(simplified) and match.group().isascii():
            continue  # Latin abbreviations only count inside Chinese text.
        if any(start < ex_end and ex_start < end for ex_start, ex_end in excluded):
            continue
        found.append((start, end))
    return found


def find_profanity(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of obscenities and insults in ``text``."""
    if not text:
        return []
    return find_profanity_folded(fold(text))
