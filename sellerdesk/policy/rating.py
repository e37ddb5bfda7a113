"""Rating manipulation: asking a buyer to change or remove a review, or paying for a good one.

A public reply may thank for a review, apologise and solve the problem it describes;
it may never ask for a different rating nor offer anything in exchange for one. This
module finds such requests in folded text (same length as the original, so the spans
are valid offsets into what the seller typed).

Russian and English work on word tokens with normal forms (pymorphy3 for Russian).
Every verb rule needs the verb in a *requesting mood*: imperative or infinitive
(«поправьте», «можно удалить», "please update", "to revise"), a second-person future
(«если поставите», «поменяете»), a past form under «бы»/«чтобы»/«если»/"if you"
(«если бы вы исправили», "if you changed"), or after a modal ("could you raise").
A plain report («вы изменили оценку», "you updated your review") or a negated verb
(«отзыв можно не менять») asks nothing.

* change request: a change/remove/add verb («поправьте», «удалите», «накиньте», "update",
  "bump", "add") and a rating word («отзыв», «оценку», «звёздочку», "review") in the
  same clause with only adjectives, pronouns, adverbs or small filler words between.
  A preposition or another noun in between ends it, which keeps «исправим проблему,
  описанную в отзыве» clean. Object first («отзыв удалите») counts too.
* asking for a good rating: a rating verb («поставьте», "leave", "give") with a positive
  qualifier or «пятёрку» («будем рады, если поставите пятёрку», "give us five stars");
  or a wish with no verb at all — «будем рады / ждём / надеемся на / рассчитываем на»,
  "we hope for / look forward to" — followed by a positive rating.
* exchange: «в обмен на отзыв», "in exchange for a review"; a rating after «за», «после»,
  «при», "for", "after", "with" in a sentence that offers a reward («после отзыва вернём
  100 ₽», "a gift card for a 5-star review"); and a request for any rating joined to a
  reward («оставьте отзыв и получите кешбэк», "leave a review and get 10% off").

Thanks for a rating already given («спасибо, что поставили 5 звёзд», "thank you for
your review") is not a request: a thanks word just before the phrase clears it unless
the verb is plainly requesting.

Chinese phrases are regular-expression fragments on text folded to Simplified
characters (修改評價 = 修改评价), with "!" lines cancelling overlapping hits
(感谢您的好评).
"""

from __future__ import annotations

import re
from bisect import bisect_right
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
_MAX_GAP = 4
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
    wishes: frozenset[str]
    moods: frozenset[str]  # words after which a verb form is a request (if, could, бы …)
    negations: frozenset[str]
    links: frozenset[str]  # prepositions tying a reward to a rating (за, после, for …)


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
        wishes=words("wishes"),
        moods=words("moods"),
        negations=words("negations"),
        links=words("links"),
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
def _ru_mood(word: str) -> str:
    """Returns "request" (imperative, infinitive, second-person future: «поправьте», «удалить»,
    «поставите»), "past" (a report unless «бы»/«если» governs it) or "other"."""
    parses = _Morph.get().parse(word)
    if any(
        "impr" in p.tag or p.tag.POS == "INFN" or ("futr" in p.tag and "2per" in p.tag)
        for p in parses
    ):
        return "request"
    if parses and "past" in parses[0].tag:
        return "past"
    return "other"


_EN_PAST = re.compile(r"(?:ed|left|gave|wrote|put|took|raised|bumped)$")


@cache
def _object_stem_re() -> re.Pattern[str]:
    # Every form of a rating word starts with its lemma minus two letters («отзыв»,
    # «оценк», «звезд», "review"): a sentence without one can hold no finding.
    stems = {
        word[: max(3, len(word) - 2)] for lang in ("ru", "en") for word in _lexicon(lang).objects
    }
    return re.compile("|".join(map(re.escape, sorted(stems))))


def _words(folded: str, tokens: list[Token]) -> list[_Word]:
    """Words of the sentences that mention a rating (every rule needs one in its sentence).

    Two words share a sentence when no sentence mark and no Han run stands between them.
    """
    breaks = [m.start() for m in _SENTENCE_BREAK_RE.finditer(folded)]
    objects = _object_stem_re()
    sentence_of: list[int] = []
    rated: set[int] = set()
    han_runs = 0
    for token in tokens:
        if _HAN_RE.search(token.text):
            han_runs += 1  # a Han run separates word phrases like a sentence break
            sentence_of.append(-1)
            continue
        sentence = bisect_right(breaks, token.start) + han_runs
        sentence_of.append(sentence)
        if objects.match(token.text):
            rated.add(sentence)
    words: list[_Word] = []
    for token, sentence in zip(tokens, sentence_of, strict=True):
        if sentence in rated:
            lang = "ru" if _CYRILLIC_RE.search(token.text) else "en"
            words.append(
                _Word(token.start, token.end, token.text, _forms(token.text), sentence, lang)
            )
    return words


def _is_filler(word: _Word, lexicon: _Lexicon) -> bool:
    if word.is_in(lexicon.fillers) or word.is_in(lexicon.positive):
        return True
    if word.lang == "ru":
        return _ru_pos(word.text) in _RU_FILLER_POS and not word.is_in(lexicon.objects)
    return word.text.isdigit()


def _mood(words: list[_Word], index: int, lexicon: _Lexicon) -> str:
    """Returns "request", "report" or "neutral" for the verb at ``index`` (see the module doc)."""
    word = words[index]
    sentence = word.sentence
    governed = any(
        words[back].sentence == sentence and words[back].is_in(lexicon.moods)
        for back in range(max(0, index - 4), index)
    )
    if word.lang == "ru":
        mood = _ru_mood(word.text)
        if mood == "request":
            return "request"
        if mood == "past":
            return "request" if governed else "report"
        return "request" if governed else "neutral"
    if governed:
        return "request"
    if word.text.endswith("ing"):
        return "neutral"  # "thank you for updating", "we are changing"
    if _EN_PAST.search(word.text):
        return "report"
    previous = words[index - 1] if index and words[index - 1].sentence == sentence else None
    if previous is None or previous.text in ("please", "kindly", "just", "simply"):
        return "request"  # sentence-initial base form: an imperative
    return "neutral"


def _negated(folded: str, words: list[_Word], index: int, lexicon: _Lexicon) -> bool:
    """«можно не менять», "no need to change", "don't have to update" (same clause)."""
    sentence = words[index].sentence
    for back in range(index - 1, max(-1, index - 4), -1):
        if words[back].sentence != sentence:
            return False
        if _CLAUSE_BREAK_RE.search(folded, words[back].end, words[back + 1].start):
            return False
        if words[back].is_in(lexicon.negations):
            return True
        if words[back].lang == "ru" and (back < index - 1 or _ru_pos(words[back].text) != "VERB"):
            # Russian «не» stands right before the verb or its modal: «можно не менять»,
            # «мы не можем удалить»; «не могли бы вы изменить» still asks.
            return False
    return False


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
    qualifier stood in between or in a target right after it («оценку на 5 звёзд»)."""
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
            positive = positive or word.is_in(lexicon.positive) or _inherently_positive(word)
            # A target after it makes the request one for a good rating: «оценку на
            # пять звёзд», "your rating to 5 stars" (the span still ends at the object).
            return ahead, positive or _target_after(words, ahead, lexicon) is not None
        if not _is_filler(word, lexicon):
            return None
        positive = positive or word.is_in(lexicon.positive)
    return None


_TARGET_PREPOSITIONS = frozenset({"на", "до", "в", "с", "to", "up", "with", "into"})


def _target_after(words: list[_Word], index: int, lexicon: _Lexicon) -> int | None:
    sentence = words[index].sentence
    if index + 1 >= len(words) or words[index + 1].text not in _TARGET_PREPOSITIONS:
        return None
    positive = False
    for ahead in range(index + 2, min(len(words), index + 5)):
        word = words[ahead]
        if word.sentence != sentence:
            return None
        positive = positive or word.is_in(lexicon.positive) or _inherently_positive(word)
        if word.is_in(lexicon.objects) or _inherently_positive(word):
            return ahead if positive else None
        if not (word.is_in(lexicon.positive) or word.is_in(lexicon.fillers)):
            return None
    return None


class _Sentences:
    """Per sentence: does it offer a reward? (Computed once: linear in the text.)"""

    def __init__(self, words: list[_Word]) -> None:
        self.rewarding: set[int] = set()
        for word in words:
            if word.is_in(_lexicon(word.lang).reward):
                self.rewarding.add(word.sentence)


def _inherently_positive(word: _Word) -> bool:
    return bool(word.forms & {"пятерка", "пятерочка"})


def _word_spans(folded: str, words: list[_Word]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    sentences = _Sentences(words)
    for index, word in enumerate(words):
        lexicon = _lexicon(word.lang)
        if word.is_in(lexicon.change) or word.is_in(lexicon.ask):
            span = _verb_phrase(folded, words, index, lexicon, sentences)
            if span is not None:
                spans.append(span)
                continue
        if word.is_in(lexicon.wishes):
            span = _wish(words, index, lexicon)
            if span is not None:
                spans.append(span)
                continue
        if word.is_in(lexicon.objects):
            span = _object_first(folded, words, index, lexicon)
            if span is not None:
                spans.append(span)
            continue
        span = _exchange(words, index, lexicon, sentences)
        if span is not None:
            spans.append(span)
    return spans


def _verb_phrase(
    folded: str, words: list[_Word], index: int, lexicon: _Lexicon, sentences: _Sentences
) -> tuple[int, int] | None:
    word = words[index]
    found = _object_after(words, index, lexicon)
    if found is None:
        return None
    mood = _mood(words, index, lexicon)
    if mood == "report" or _negated(folded, words, index, lexicon):
        return None
    if mood != "request" and _thanked_before(words, index, lexicon):
        return None
    target, positive = found
    if word.is_in(lexicon.change):
        return word.start, words[target].end
    # A rating verb asks for a review; that is fine unless it asks for a good one or
    # pays for it («оставьте отзыв и получите кешбэк»).
    if positive or _inherently_positive(words[target]) or word.sentence in sentences.rewarding:
        return word.start, words[target].end
    return None


def _wish(words: list[_Word], index: int, lexicon: _Lexicon) -> tuple[int, int] | None:
    """«будем рады вашей пятёрке», «ждём от вас 5 звёзд», "we hope for a 5-star review"."""
    word = words[index]
    sentence = word.sentence
    # «рады»/"happy" wish only in the future or the conditional: «будем рады», «были
    # бы благодарны», "we'd be happy" — never «рады, что вы поставили».
    if word.is_in(lexicon.thanks) and not any(
        words[back].sentence == sentence and words[back].text in _FUTURE_MARKS
        for back in range(max(0, index - 3), index)
    ):
        return None
    positive = False
    for ahead in range(index + 1, min(len(words), index + 6)):
        candidate = words[ahead]
        if candidate.sentence != sentence or candidate.is_in(lexicon.thanks):
            return None
        positive = positive or candidate.is_in(lexicon.positive) or _inherently_positive(candidate)
        if candidate.is_in(lexicon.objects) or _inherently_positive(candidate):
            return (word.start, candidate.end) if positive else None
        if candidate.is_in(lexicon.change) or candidate.is_in(lexicon.ask):
            return None  # a verb follows: the verb rules decide
    return None


_FUTURE_MARKS = frozenset({"будем", "буду", "бы", "будет", "will", "would", "d", "ll"})


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
    for position, candidate in enumerate(following):
        if candidate.is_in(lexicon.change):
            at = index + 1 + position
            if _ru_mood(candidate.text) != "request" or _negated(folded, words, at, lexicon):
                return None
            # Nothing but fillers, and no comma or other break: «отзыв удалите», «оценку можно исправить».
            if _CLAUSE_BREAK_RE.search(folded, word.end, candidate.start) is None:
                return word.start, candidate.end
            return None
        if not _is_filler(candidate, lexicon):
            return None
    return None


def _exchange(
    words: list[_Word], index: int, lexicon: _Lexicon, sentences: _Sentences
) -> tuple[int, int] | None:
    """«в обмен на отзыв», "in exchange for a review", «за/после отзыва вернём…»."""
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
    if word.is_in(lexicon.links):
        found = _object_after(words, index, lexicon)
        if found is None or _thanked_before(words, index, lexicon):
            return None
        target, positive = found
        if word.sentence in sentences.rewarding or (
            text in ("за", "for") and (positive or _inherently_positive(words[target]))
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
