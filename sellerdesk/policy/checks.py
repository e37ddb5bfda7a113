"""Every rule the engine applies, in one registry.

"Why did this reply get ``blame``?": find the code in :data:`REGISTRY` at the bottom of
this file; its entry names the function (whose docstring states the rule), the default
severity, the message key in ``data/messages.json`` and the data files it reads.
``CODES`` and ``DEFAULT_SEVERITY`` derive from the registry.

The parts (greeting, thanks, reason, alternative, closing) are found once per reply by
``engine._detect_parts``; the ``missing_*`` checks here only read the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from types import MappingProxyType

from sellerdesk.policy._data import read_json
from sellerdesk.policy.manner import manner_spans
from sellerdesk.policy.phrases import Match
from sellerdesk.policy.profanity import find_profanity_folded
from sellerdesk.policy.registry import Check, Context, Hit
from sellerdesk.policy.text import SENTENCE_END, fold, lemma_forms, tokenize

# --- parts -------------------------------------------------------------------------------


def _missing(ctx: Context, part: str) -> bool:
    return part in ctx.policy.requires(ctx.channel) and not ctx.parts[part]


def missing_greeting(ctx: Context) -> Iterator[Hit]:
    """The channel requires a greeting («Здравствуйте», 您好, "Hello") and the reply has none.
    The fix inserts one at the start, with the buyer's name when it is known."""
    if _missing(ctx, "greeting"):
        key = "greeting_named" if ctx.buyer_name else "greeting"
        yield Hit(0, 0, ctx.suggestion(key, name=ctx.buyer_name))


def missing_thanks(ctx: Context) -> Iterator[Hit]:
    """The channel requires thanks to the buyer and the reply has none. The fix inserts a
    thanks worded for the channel, after the greeting's sentence."""
    if _missing(ctx, "thanks"):
        greeting = ctx.by_part.get("greeting")
        at = _after_sentence(ctx.text, greeting.end) if greeting is not None else 0
        yield Hit(at, at, ctx.suggestion(f"thanks.{ctx.channel}"))


def _before_closing(ctx: Context) -> int:
    closing = ctx.by_part.get("closing")
    return _sentence_start(ctx.text, closing.start) if closing is not None else len(ctx.text)


def missing_reason(ctx: Context) -> Iterator[Hit]:
    """The channel (a decline, by default) requires a reason why the shop cannot answer —
    a reason phrase, or a refusal followed by a cause or a constraint — and there is none."""
    if _missing(ctx, "reason"):
        at = _before_closing(ctx)
        yield Hit(at, at, ctx.suggestion("reason"))


def missing_alternative(ctx: Context) -> Iterator[Hit]:
    """The channel (a decline, by default) requires telling the buyer what to do instead
    (the product card, the chat, support, a return) and the reply offers nothing."""
    if _missing(ctx, "alternative"):
        at = _before_closing(ctx)
        yield Hit(at, at, ctx.suggestion("alternative"))


def missing_closing(ctx: Context) -> Iterator[Hit]:
    """The channel requires a polite closing («Хорошего дня!», 祝您生活愉快, "Have a nice
    day!") at the end and the reply has none."""
    if _missing(ctx, "closing"):
        at = len(ctx.text)
        yield Hit(at, at, ctx.suggestion("closing"))


def greeting_without_name(ctx: Context) -> Iterator[Hit]:
    """The buyer's name is known, the reply greets, but never names the buyer (any
    declined form counts: «Анне», «Алексея»)."""
    greeting = ctx.by_part.get("greeting")
    if ctx.buyer_name and greeting is not None and not _name_in(fold(ctx.buyer_name), ctx.folded):
        named = ctx.suggestion("greeting_named", name=ctx.buyer_name).strip()
        yield Hit(greeting.start, greeting.end, named)


# --- content -----------------------------------------------------------------------------


def contact_outside_chat(ctx: Context) -> Iterator[Hit]:
    """Phone numbers, e-mail addresses, links, messenger handles — spelled out, disguised
    or in words — anywhere but the chat, and in the chat too when the shop forbids them.
    Links to the shop's allowed domains (wildberries.ru by default) are not contacts."""
    if ctx.channel == "chat" and ctx.policy.allow_contacts_in_chat:
        return
    key = "contact_outside_chat" if ctx.channel != "chat" else "contact_forbidden"
    kinds = read_json("contact_kinds")
    for contact in ctx.contacts():
        yield Hit(contact.start, contact.end, "", key, {"kind": kinds[contact.kind][ctx.ui]})


def profanity(ctx: Context) -> Iterator[Hit]:
    """Obscene words and insults, also masked («б**», "f*ck"), spelled with look-alike
    letters or digits, or letter by letter; plus the shop's own forbidden words in any
    inflected form. The fix deletes the word."""
    found = find_profanity_folded(ctx.folded)
    for start, end in found:
        yield Hit(start, end)
    forbidden = _forbidden_regex(ctx.policy.extra_forbidden_words)
    if forbidden is not None:
        already = set(found)
        for m in forbidden.finditer(ctx.folded):
            if m.span() not in already:
                yield Hit(m.start(), m.end(), "", "forbidden_word")


def rating_manipulation(ctx: Context) -> Iterator[Hit]:
    """Asking the buyer to change, raise, rewrite or remove a review or rating, asking
    for a good one, or offering anything in exchange for one (rating.py). Marketplaces
    forbid it outright, so no shop may lower it; the fix deletes the phrase."""
    for start, end in ctx.rating_spans:
        yield Hit(start, end)


def overpromise(ctx: Context) -> Iterator[Hit]:
    """Promises the shop cannot keep (overpromise.py): guarantees and certainty
    («гарантируем», 保证, "will never break"), guaranteed results of using the product,
    claims that no other product anywhere is as good, and delivery dates or speed that
    the marketplace controls («доставим завтра», «ускорим доставку», 明天就到). Facts,
    negations and hedged estimates are not promises. The fix offers a careful wording."""
    from sellerdesk.policy.overpromise import find_overpromises

    for start, end in find_overpromises(ctx.folded, ctx.matches):
        yield Hit(start, end, ctx.suggestion("overpromise"))


def rude(ctx: Context) -> Iterator[Hit]:
    """Contempt for the buyer without obscene words (manner.py, data/<lang>/rude.txt):
    mocking their ability («вы буквы различаете?», 你瞎吗, "can't you read?"), telling
    them to go away or stop writing («отвяжитесь», 别来烦, "go away"), insulting them or
    their question («что за бред», 问这种问题有意思吗, "what a silly question"), contempt
    for the sale («не нравится — не покупайте», 嫌贵别买, "don't like it, don't buy it").
    Rhetorical and sarcastic forms count. The fix removes the sentence."""
    for start, end in manner_spans(ctx.matches, "rude", ctx.folded, ctx.sentence_of):
        yield Hit(start, end)


def blame(ctx: Context) -> Iterator[Hit]:
    """Putting the problem on the buyer (manner.py, data/<lang>/blame.txt): «сами
    недосмотрели», «читать инструкцию надо было», «вы не так собирали», 是您操作不对,
    "that's on you". Not blame: the shop admitting its fault («это наша ошибка»), care
    advice worded as a recommendation, «вы правы», a cause told without accusing. The
    fix replaces the sentence with a polite wording."""
    for start, end in manner_spans(ctx.matches, "blame", ctx.folded, ctx.sentence_of):
        yield Hit(start, end, ctx.suggestion("blame"))


def brush_off(ctx: Context) -> Iterator[Hit]:
    """Refusing responsibility while offering nothing (manner.py, data/<lang>/brush_off*.txt):
    «с этим не к нам», «разбирайтесь с курьером», 这事跟我们无关, "that's not our
    department". Saying who decides is no brush-off when the reply also says what the
    shop will do (shop_help.txt: «…, но мы проверим статус заказа»); «не наша проблема»
    is one whatever follows. The fix replaces the sentence with an offer of help."""
    for start, end in manner_spans(ctx.matches, "brush_off", ctx.folded, ctx.sentence_of):
        yield Hit(start, end, ctx.suggestion("brush_off"))


# --- form --------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{\{|\}\}|\$\{[^}]*\}|\{[a-zа-я_][\w ]{0,30}\}|%[a-z_]{2,20}%"
    r"|\[(?!(?:at|dot|собака|точка)\])[a-zа-яё_][^\[\]\d]{0,40}\]|\[[\u4e00-\u9fff]{1,10}\]|<[а-яё_][^<>\d]{0,30}>|【(?:姓名|名字|商品名称?|产品名称?|订单号|买家|客户|昵称|xxx)】"
    r"|(?<![\w])(?:xxx+|ххх+)(?![\w])|_{3,}"
)
# Every _PLACEHOLDER alternative contains one of these: a cheap test before the scan.
_PLACEHOLDER_MARKS = ("{", "}", "%", "[", "<", "【", "xxx", "ххх", "___")


def placeholder(ctx: Context) -> Iterator[Hit]:
    """A template variable left unfilled: {{name}}, {name}, %name%, [имя], <имя>, 【姓名】,
    XXX, ___ . The fix deletes it."""
    if any(mark in ctx.folded for mark in _PLACEHOLDER_MARKS):
        for m in _PLACEHOLDER.finditer(ctx.folded):
            yield Hit(m.start(), m.end())


_UPPER_RE = re.compile(r"[A-ZА-ЯЁ]")
_LOWER_RE = re.compile(r"[a-zа-яё]")


def shouting(ctx: Context) -> Iterator[Hit]:
    """At least 20 capital letters making up 70% of the letters: the reply shouts. The fix
    (for replies up to 200 characters) is the same text in sentence case."""
    text = ctx.text
    if len(text) < 20:
        return
    upper = len(_UPPER_RE.findall(text))
    if upper < 20:
        return
    lower = len(_LOWER_RE.findall(text))
    if upper >= 0.7 * (upper + lower):
        yield Hit(0, len(text), text.capitalize() if len(text) <= 200 else "")


def too_long(ctx: Context) -> Iterator[Hit]:
    """Longer than the channel's limit in the shop's policy (1000 characters by default);
    the span is what lies beyond the limit."""
    limit = ctx.policy.max_length.get(ctx.channel)
    if limit and len(ctx.text) > limit:
        yield Hit(limit, len(ctx.text), "", None, {"limit": limit})


_ODD_SPACE = re.compile(r"[^\S \n]| {2}")


def repeated_text(ctx: Context) -> Iterator[Hit]:
    """A sentence of 15+ characters said twice (spacing and case aside); the repeat is
    marked."""
    text, folded = ctx.text, ctx.folded
    # Quick answer for the usual reply: no two sentences alike even with spaces squeezed.
    if _ODD_SPACE.search(folded) is None:
        # Single spaces only: squeezing whitespace is just stripping the ends.
        keys = [part.strip() for part in SENTENCE_END.split(folded) if len(part) >= 15]
    else:
        keys = [" ".join(part.split()) for part in SENTENCE_END.split(folded) if len(part) >= 15]
    if len(set(keys)) == len(keys):
        return
    seen: set[str] = set()
    start = 0
    for m in SENTENCE_END.finditer(folded + "\n"):
        sentence = text[start : m.start()]
        key = " ".join(folded[start : m.start()].split())
        if len(key) >= 15:
            if key in seen:
                offset = start + (len(sentence) - len(sentence.lstrip()))
                yield Hit(offset, m.start())
            else:
                seen.add(key)
        start = m.end()


def empty(ctx: Context) -> Iterator[Hit]:
    """Nothing but whitespace: there is nothing to send."""
    if not ctx.text.strip():
        yield Hit(0, len(ctx.text))


_PUNCT_RUN = re.compile(r"[!?！？]{4,}|\.{5,}")


def excessive_punctuation(ctx: Context) -> Iterator[Hit]:
    """Four or more ! or ? in a row, or five or more dots. The fix keeps one mark."""
    text = ctx.text
    # Four marks in a row need four marks in the text (counted in C).
    marks = text.count("!") + text.count("?") + text.count("！") + text.count("？")
    if marks >= 4 or "....." in text:
        for m in _PUNCT_RUN.finditer(text):
            yield Hit(m.start(), m.end(), m.group()[0])


# --- helpers -----------------------------------------------------------------------------


def _after_sentence(text: str, at: int) -> int:
    m = SENTENCE_END.search(text, at)
    if m is None:
        return len(text)
    end = m.end()
    while end < len(text) and text[end] == " ":
        end += 1
    return end


def _sentence_start(text: str, at: int) -> int:
    start = at
    while start > 0 and not SENTENCE_END.match(text[start - 1]):
        start -= 1
    while start < at and text[start] == " ":
        start += 1
    return start


def _name_in(folded_name: str, folded: str) -> bool:
    if not folded_name:
        return True
    if folded_name in folded:
        return True
    # Declined forms: «Анна» / «Анне», «Алексей» / «Алексея».
    name_forms = set(lemma_forms(folded_name)) | {folded_name}
    stem = folded_name[:-1] if len(folded_name) > 3 else folded_name
    for token in tokenize(folded):
        if token.text.startswith(stem) or name_forms & set(lemma_forms(token.text)):
            return True
    return False


@lru_cache(maxsize=64)
def _forbidden_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = []
    for word in sorted({fold(w) for w in words}, key=len, reverse=True):
        escaped = re.escape(word)
        if re.search(r"[\u3400-\u9fff]", word):
            alternatives.append(escaped)
        else:
            # A word and its inflected forms, never a piece of another word.
            stem = escaped if len(word) <= 4 else re.escape(word[: max(4, len(word) - 2)])
            alternatives.append(rf"(?<![^\W_]){stem}[^\W\d_]{{0,4}}(?![^\W_])")
    return re.compile("|".join(alternatives))


def _merge_matches(matches: list[Match]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in sorted(matches, key=lambda m: (m.start, m.end)):
        if spans and m.start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], m.end))
        else:
            spans.append((m.start, m.end))
    return spans


# --- the registry ------------------------------------------------------------------------

_PHRASES = ("<lang>/greeting.txt", "<lang>/thanks.txt", "<lang>/closing.txt")
_MANNER = ("<lang>/word_classes.txt", "suggestions.json")
_DECLINE = (
    "<lang>/reason.txt",
    "<lang>/refusal.txt",
    "<lang>/cause.txt",
    "<lang>/constraint.txt",
    "<lang>/alternative.txt",
    "<lang>/alternative_hint.txt",
    "<lang>/directive.txt",
)

REGISTRY: tuple[Check, ...] = (
    Check("missing_greeting", "warning", missing_greeting, data=(*_PHRASES, "suggestions.json")),
    Check("missing_thanks", "warning", missing_thanks, data=(*_PHRASES, "suggestions.json")),
    Check("missing_reason", "warning", missing_reason, data=(*_DECLINE, "suggestions.json")),
    Check(
        "missing_alternative", "warning", missing_alternative, data=(*_DECLINE, "suggestions.json")
    ),
    Check("missing_closing", "warning", missing_closing, data=(*_PHRASES, "suggestions.json")),
    Check("greeting_without_name", "info", greeting_without_name, data=("<lang>/greeting.txt",)),
    Check(
        "contact_outside_chat",
        "error",
        contact_outside_chat,
        data=("contacts/*.txt", "contact_kinds.json"),
    ),
    Check(
        "profanity",
        "error",
        profanity,
        data=(
            "ru/profanity_roots.txt",
            "ru/profanity_prefixes.txt",
            "ru/profanity_translit.txt",
            "ru/insults.txt",
            "en/profanity.txt",
            "zh/profanity.txt",
            "zh/profanity_exclude.txt",
        ),
    ),
    Check(
        "rating_manipulation",
        "error",
        rating_manipulation,
        data=("<lang>/rating_*.txt", "zh/rating.txt"),
        overridable=False,
    ),
    Check(
        "overpromise",
        "warning",
        overpromise,
        data=("<lang>/overpromise.txt", "<lang>/overpromise_*.txt"),
    ),
    Check("rude", "error", rude, data=("<lang>/rude.txt", "<lang>/rude_marks.txt", *_MANNER)),
    Check("blame", "warning", blame, data=("<lang>/blame.txt", *_MANNER)),
    Check(
        "brush_off",
        "warning",
        brush_off,
        data=(
            "<lang>/brush_off.txt",
            "<lang>/brush_off_soft.txt",
            "<lang>/shop_help.txt",
            *_MANNER,
        ),
    ),
    Check("shouting", "warning", shouting),
    Check("too_long", "warning", too_long),
    Check("placeholder", "error", placeholder),
    Check("repeated_text", "warning", repeated_text),
    Check("empty", "error", empty, on_empty=True),
    Check("excessive_punctuation", "info", excessive_punctuation),
)

CODES: tuple[str, ...] = tuple(c.code for c in REGISTRY)
DEFAULT_SEVERITY: MappingProxyType[str, str] = MappingProxyType(
    {c.code: c.severity for c in REGISTRY}
)
# Codes a shop may re-grade or switch off.
OVERRIDABLE_CODES: tuple[str, ...] = tuple(c.code for c in REGISTRY if c.overridable)
BY_CODE: MappingProxyType[str, Check] = MappingProxyType({c.code: c for c in REGISTRY})
