"""Text normalisation shared by every check and by the phrase matcher.

Everything here keeps a 1:1 mapping between characters of the folded text and
characters of the original, so that spans found on folded text are valid
offsets into what the seller typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD_RE = re.compile(r"[^\W_]+")
# Where a sentence ends, for the checks that reason about sentences.
SENTENCE_END = re.compile(r"[.!?…。！？\n]+")
_CYRILLIC_RE = re.compile(r"[а-яё]")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char).lower()
    if len(folded) != 1:
        folded = char.lower()
        if len(folded) != 1:
            return char
    return "е" if folded == "ё" else folded


def fold(text: str) -> str:
    """Lower-case, fold full-width forms to ASCII and «ё» to «е», keeping length."""
    quick = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    if len(quick) == len(text):
        return quick
    return "".join(map(_fold_char, text))


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str  # folded surface form


def tokenize(folded: str) -> list[Token]:
    """Alphanumeric runs of already folded text (a run of Han characters is one token)."""
    return [Token(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(folded)]


class _Morph:
    """Lazy pymorphy3 analyser: importing this module must stay cheap."""

    _analyzer = None

    @classmethod
    def get(cls):
        if cls._analyzer is None:
            import pymorphy3

            cls._analyzer = pymorphy3.MorphAnalyzer(lang="ru")
        return cls._analyzer


_EN_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", ""))


@lru_cache(maxsize=200_000)
def lemma_forms(word: str) -> tuple[str, ...]:
    """Every normal form of a folded word, most probable first.

    Russian words go through pymorphy3 (all parses, so «стали» gives both
    «стать» and «сталь»); English gets a light suffix strip; other tokens are
    their own lemma.
    """
    if _CYRILLIC_RE.search(word):
        forms: list[str] = []
        for parse in _Morph.get().parse(word):
            normal = parse.normal_form.replace("ё", "е")
            if normal not in forms:
                forms.append(normal)
        return tuple(forms) or (word,)
    if word.isascii() and word.isalpha() and len(word) > 3:
        for suffix, replacement in _EN_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                if suffix == "s" and word.endswith(("ss", "us", "is")):
                    break
                return (word[: len(word) - len(suffix)] + replacement, word)
    return (word,)


# Spelling slips people make in Russian: «жы/шы», «ться/тся», unstressed vowels.
_SPELLING_SLIPS = (
    ("жы", "жи"),
    ("шы", "ши"),
    ("чя", "ча"),
    ("щя", "ща"),
    ("чю", "чу"),
    ("щю", "щу"),
    ("тса", "тся"),
    ("ться", "тся"),
    ("тся", "ться"),
)
_VOWEL_SLIPS = {"е": "ия", "и": "е", "а": "о", "о": "а", "я": "е"}


@lru_cache(maxsize=50_000)
def spelling_variants(word: str) -> tuple[str, ...]:
    """Dictionary words a misspelt Russian word was probably meant to be.

    Only for words pymorphy3 does not know: a known word is never second-guessed.
    Tries the usual slips, one vowel swapped anywhere, and two swapped in the ending
    («умеити» → «умеете»).
    """
    if len(word) < 4 or not _CYRILLIC_RE.search(word):
        return ()
    morph = _Morph.get()
    if morph.word_is_known(word):
        return ()
    candidates = {word.replace(wrong, right) for wrong, right in _SPELLING_SLIPS if wrong in word}
    singles = {
        word[:i] + swap + word[i + 1 :]
        for i, char in enumerate(word)
        for swap in _VOWEL_SLIPS.get(char, "")
    }
    candidates |= singles
    ending = len(word) - 4
    for single in singles:
        for i in range(max(ending, 0), len(single)):
            for swap in _VOWEL_SLIPS.get(single[i], ""):
                candidates.add(single[:i] + swap + single[i + 1 :])
    candidates.discard(word)
    return tuple(sorted(c for c in candidates if morph.word_is_known(c)))


def lemma(word: str) -> str:
    """The most probable normal form of a folded word."""
    return lemma_forms(word)[0]


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def has_cyrillic(folded: str) -> bool:
    return _CYRILLIC_RE.search(folded) is not None


_HAN_COUNT_RE = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_CYR_COUNT_RE = re.compile(r"[а-яА-ЯёЁ]")
_LAT_COUNT_RE = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh', 'ru' or 'en' by script: the script with the most letters wins."""
    # Counting with regexes keeps this off the per-character Python path.
    han = len(_HAN_COUNT_RE.findall(text))
    cyr = len(_CYR_COUNT_RE.findall(text))
    lat = len(_LAT_COUNT_RE.findall(text))
    # A Han character carries roughly a word's worth of meaning.
    if han and han * 2 >= cyr + lat:
        return "zh"
    if cyr >= lat and cyr:
        return "ru"
    if lat:
        return "en"
    return "zh" if han else "ru"
