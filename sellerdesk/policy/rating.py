"""Rating manipulation: asking a buyer to change or remove a review, or paying for a good one.

A public reply may thank for a review, apologise and solve the problem it describes;
it may never ask for a different rating nor offer anything in exchange for one. This
module finds such requests in folded text (same length as the original, so the spans
are valid offsets into what the seller typed).

Russian and English work on word tokens with normal forms (pymorphy3 for Russian):

* change request: a change/remove verb («измените», «удалите», "update") followed, in
  the same sentence, by a rating word («отзыв», «оценку», "review") with only
  adjectives, pronouns, adverbs or small filler words between («измените, пожалуйста,
  свой отзыв»). A preposition or another noun in between ends it, which keeps «исправим
  проблему, описанную в отзыве» clean. «отзыв удалите» (object first) counts when the
  verb is imperative or an infinitive and nothing but fillers stands between.
* asking for a good rating: a rating verb («поставьте», "leave") with a positive
  qualifier or «пятёрку» («поставьте 5 звёзд», "leave a 5-star review").
* exchange: «в обмен на отзыв», "in exchange for a review", "5 stars in exchange", and
  «за»/"for" + rating with a reward in the sentence or a positive qualifier («за
  положительный отзыв вернём 200 ₽», "a coupon for a positive review").

Thanks for a rating already given («спасибо, что поставили 5 звёзд», "thank you for
your review") is not a request: a thanks word just before the phrase clears it, unless
the verb is imperative.

Chinese phrases are regular-expression fragments on text folded to Simplified
characters (修改評價 = 修改评价), with "!" lines cancelling overlapping hits
(感谢您的好评).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from sellerdesk.policy._data import read_lines, to_simplified
from sellerdesk.policy.text import Token, _Morph, lemma_forms, tokenize

__all__ = ["find_rating_manipulation"]

_CYRILLIC_RE = re.compile(r"[а-я]")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SENTENCE_BREAK_RE = re.compile(r"[.!?…;\n。！？；]")
_CLAUSE_BREAK_RE = re.compile(r"[,:.!?…;\n，。！？；—-]")
# How many words may stand between the verb (or «за») and the rating word.
_MAX_GAP = 3
# How far back a thanks word clears a phrase.
_THANKS_REACH = 4
# Russian parts of speech that may stand between a verb and its object.
_RU_FILLER_POS = {"ADJF", "ADJS", "PRTF", "NPRO", "ADVB", "PRCL", "NUMR", "PRED", "INTJ", None}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    change: frozenset[str]
    ask: frozenset[str]
    objects: frozenset[str]
    positive: frozenset[str]
    reward: frozenset[str]
    thanks: frozenset[str]
    fillers: frozenset[str]


@cache
def _lexicon(lang: str) -> _Lexicon:
    def words(name: str) -> frozenset[str]:
        return frozenset(
            line.lower().replace("ё", "е") for line in read_lines(lang, f"rating_{name}")
        )

    return _Lexicon(
        change=words("change_verbs"),
        ask=words("ask_verbs"),
        objects=words("objects"),
        positive=words("positive"),
        reward=words("reward"),
        thanks=words("thanks"),
        fillers=words("fillers"),
    )


@cache
def _han_patterns() -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    positive, negative = [], []
    for line in read_lines("zh", "rating"):
        if line.startswith("!"):
            negative.append(f"(?:{line[1:]})")
        else:
            positive.append(f"(?:{line})")
    compile_ = lambda parts: re.compile("|".join(parts)) if parts else None  # noqa: E731
    return compile_(positive), compile_(negative)


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    text: str
    forms: frozenset[str]  # the surface form and every normal form
    sentence: int  # index of the sentence the word belongs to
    lang: str  # "ru" or "en"

    def is_in(self, lexicon: frozenset[str]) -> bool:
        return not self.forms.isdisjoint(lexicon)


@lru_cache(maxsize=20_000)
def _forms(word: str) -> frozenset[str]:
    return frozenset((word, *lemma_forms(word)))


@lru_cache(maxsize=20_000)
def _ru_pos(word: str) -> str | None:
    return _Morph.get().parse(word)[0].tag.POS


@lru_cache(maxsize=20_000)
def _ru_imperative(word: str) -> bool:
    """Imperative or infinitive: a request («удалите», «удалить») rather than a report («удалили»)."""
    return any("impr" in parse.tag or parse.tag.POS == "INFN" for parse in _Morph.get().parse(word))


def _words(folded: str, tokens: list[Token]) -> list[_Word]:
    words: list[_Word] = []
    sentence = 0
    previous_end = 0
    for token in tokens:
        if _SENTENCE_BREAK_RE.search(folded, previous_end, token.start):
            sentence += 1
        previous_end = token.end
        if _HAN_RE.search(token.text):
            sentence += 1  # a Han run separates word phrases like a sentence break
            continue
        lang = "ru" if _CYRILLIC_RE.search(token.text) else "en"
        words.append(_Word(token.start, token.end, token.text, _forms(token.text), sentence, lang))
    return words


def _is_filler(word: _Word, lexicon: _Lexicon) -> bool:
    if word.is_in(lexicon.fillers) or word.is_in(lexicon.positive):
        return True
    if word.lang == "ru":
        return _ru_pos(word.text) in _RU_FILLER_POS and not word.is_in(lexicon.objects)
    return word.text.isdigit()


def _is_request_form(word: _Word) -> bool:
    if word.lang == "ru":
        return _ru_imperative(word.text)
    return not word.text.endswith(("ing", "ed"))


def _thanked_before(words: list[_Word], index: int, lexicon: _Lexicon) -> bool:
    sentence = words[index].sentence
    for back in range(index - 1, max(-1, index - 1 - _THANKS_REACH), -1):
        if words[back].sentence != sentence:
            return False
        if words[back].is_in(lexicon.thanks):
            return True
    return False


def _object_after(words: list[_Word], index: int, lexicon: _Lexicon) -> tuple[int, bool] | None:
    """The rating word right after ``index`` (only fillers between), and whether a positive
    qualifier stood in between."""
    sentence = words[index].sentence
    positive = False
    for ahead in range(index + 1, min(len(words), index + 2 + _MAX_GAP)):
        word = words[ahead]
        if word.sentence != sentence:
            return None
        if word.is_in(lexicon.objects):
            # "5-star rating", "star review": the phrase ends at the last rating word.
            while (
                ahead + 1 < len(words)
                and words[ahead + 1].sentence == sentence
                and words[ahead + 1].is_in(lexicon.objects)
            ):
                ahead += 1
            return ahead, positive or word.is_in(lexicon.positive)
        if not _is_filler(word, lexicon):
            return None
        positive = positive or word.is_in(lexicon.positive)
    return None


def _sentence_has(words: list[_Word], index: int, lexicon: frozenset[str]) -> bool:
    sentence = words[index].sentence
    return any(word.sentence == sentence and word.is_in(lexicon) for word in words)


def _inherently_positive(word: _Word) -> bool:
    return bool(word.forms & {"пятерка", "пятерочка"})


def _word_spans(folded: str, words: list[_Word]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for index, word in enumerate(words):
        lexicon = _lexicon(word.lang)
        if word.is_in(lexicon.change):
            found = _object_after(words, index, lexicon)
            if found is not None:
                if not (_thanked_before(words, index, lexicon) and not _is_request_form(word)):
                    spans.append((word.start, words[found[0]].end))
                continue
        if word.is_in(lexicon.ask):
            found = _object_after(words, index, lexicon)
            if found is not None:
                target, positive = found
                if (positive or _inherently_positive(words[target])) and not (
                    _thanked_before(words, index, lexicon) and not _is_request_form(word)
                ):
                    spans.append((word.start, words[target].end))
                continue
        if word.is_in(lexicon.objects):
            span = _object_first(folded, words, index, lexicon)
            if span is not None:
                spans.append(span)
            continue
        span = _exchange(words, index, lexicon)
        if span is not None:
            spans.append(span)
    return spans


def _object_first(
    folded: str, words: list[_Word], index: int, lexicon: _Lexicon
) -> tuple[int, int] | None:
    """«отзыв удалите», «5 звёзд в обмен», "5 stars in exchange"."""
    word = words[index]
    sentence = word.sentence
    following = [w for w in words[index + 1 : index + 2 + _MAX_GAP] if w.sentence == sentence]
    texts = [w.text for w in following]
    if texts[:2] in (["в", "обмен"], ["in", "exchange"], ["in", "return"]) or texts[:1] == [
        "взамен"
    ]:
        return word.start, following[1 if texts[0] != "взамен" else 0].end
    if word.lang != "ru":
        return None
    for candidate in following:
        if candidate.is_in(lexicon.change) and _is_request_form(candidate):
            # Nothing but fillers, and no comma or other break: «отзыв удалите», «оценку можно исправить».
            if _CLAUSE_BREAK_RE.search(folded, word.end, candidate.start) is None:
                return word.start, candidate.end
            return None
        if not _is_filler(candidate, lexicon):
            return None
    return None


def _exchange(words: list[_Word], index: int, lexicon: _Lexicon) -> tuple[int, int] | None:
    """«в обмен на отзыв», "in exchange for a review", «за положительный отзыв вернём…»."""
    word = words[index]
    text = word.text
    if word.lang == "ru" and text == "обмен" and index >= 1 and words[index - 1].text == "в":
        after = index + 1 if index + 1 < len(words) and words[index + 1].text == "на" else index
        found = _object_after(words, after, lexicon)
        return (words[index - 1].start, words[found[0]].end) if found else None
    if word.lang == "ru" and text == "взамен":
        after = index + 1 if index + 1 < len(words) and words[index + 1].text == "на" else index
        found = _object_after(words, after, lexicon)
        return (word.start, words[found[0]].end) if found else None
    if (
        word.lang == "en"
        and text in ("exchange", "return")
        and index >= 1
        and words[index - 1].text == "in"
    ):
        after = index + 1 if index + 1 < len(words) and words[index + 1].text == "for" else index
        found = _object_after(words, after, lexicon)
        return (words[index - 1].start, words[found[0]].end) if found else None
    if text in ("за", "for"):
        found = _object_after(words, index, lexicon)
        if found is None or _thanked_before(words, index, lexicon):
            return None
        target, positive = found
        if (
            positive
            or _inherently_positive(words[target])
            or _sentence_has(words, index, lexicon.reward)
        ):
            return word.start, words[target].end
    return None


def _han_spans(folded: str) -> list[tuple[int, int]]:
    positive, negative = _han_patterns()
    if positive is None or not _HAN_RE.search(folded):
        return []
    simplified = to_simplified(folded)
    vetoes = [m.span() for m in negative.finditer(simplified)] if negative is not None else []
    spans = []
    for match in positive.finditer(simplified):
        start, end = match.span()
        if any(start < v_end and v_start < end for v_start, v_end in vetoes):
            continue
        spans.append((start, end))
    return spans


def find_rating_manipulation(folded: str) -> list[tuple[int, int]]:
    """Spans (into the folded text) asking to change/remove a rating or paying for one."""
    words = _words(folded, tokenize(folded))
    spans = sorted(_word_spans(folded, words) + _han_spans(folded))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
