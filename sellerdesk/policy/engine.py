"""``check``: the single entry point every reply goes through."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from sellerdesk.policy._data import read_json, read_lines, to_simplified
from sellerdesk.policy.contacts import find_contacts
from sellerdesk.policy.phrases import Match, phrase_book
from sellerdesk.policy.policy import CHANNELS, OFF, PARTS, Policy
from sellerdesk.policy.profanity import find_profanity_folded
from sellerdesk.policy.report import Finding, Report
from sellerdesk.policy.text import detect_language, fold, has_han, lemma_forms, tokenize

LANGS = ("ru", "zh", "en")
_SENTENCE_END = re.compile(r"[.!?…。！？\n]+")
_PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{\{|\}\}|\$\{[^}]*\}|\{[a-zа-я_][\w ]{0,30}\}|%[a-z_]{2,20}%"
    r"|\[(?!(?:at|dot|собака|точка)\])[a-zа-яё_][^\[\]\d]{0,40}\]|\[[\u4e00-\u9fff]{1,10}\]|<[а-яё_][^<>\d]{0,30}>|【(?:姓名|名字|商品名称?|产品名称?|订单号|买家|客户|昵称|xxx)】"
    r"|(?<![\w])(?:xxx+|ххх+)(?![\w])|_{3,}"
)
# A refusal followed, in the same sentence, by a colon or a dash and more words.
_EXPLAINED_AFTER = re.compile(r"[^.!?…。！？\n:：—–]{0,60}?(?:[:：]|\s[—–-]\s|——)\s*[^\W\d_]{2}")
_PUNCT_RUN = re.compile(r"[!?！？]{4,}|\.{5,}")
_DEFAULT_SEVERITY = {
    "missing_greeting": "warning",
    "missing_thanks": "warning",
    "missing_reason": "warning",
    "missing_alternative": "warning",
    "missing_closing": "warning",
    "greeting_without_name": "info",
    "contact_outside_chat": "error",
    "profanity": "error",
    "overpromise": "warning",
    "shouting": "warning",
    "too_long": "warning",
    "placeholder": "error",
    "repeated_text": "warning",
    "empty": "error",
    "excessive_punctuation": "info",
}


@lru_cache(maxsize=32)
def _ui_lang(ui_lang: str) -> str:
    code = (ui_lang or "ru").lower().replace("-", "_")
    if code.startswith("zh"):
        return "zh"
    return code[:2] if code[:2] in LANGS else "ru"


def _message(code: str, ui: str, **params: object) -> str:
    template = read_json("messages")[code][ui]
    return template.format(**params) if params else template


def _suggestion(key: str, lang: str, **params: object) -> str:
    entry = read_json("suggestions").get(key)
    if entry is None:
        return ""
    return entry[lang].format(**params) if params else entry[lang]


def _first_sentence_end(folded: str) -> int:
    for m in _SENTENCE_END.finditer(folded):
        if m.start() >= 3:
            return m.start()
    return len(folded)


def _detect_parts(
    folded: str,
    matches: list[Match],
    rating_spans: list[tuple[int, int]] | tuple = (),
    allowed_domains: tuple[str, ...] = (),
    contact_cache: list | None = None,
) -> tuple[dict[str, bool], dict[str, Match]]:
    """Which parts the reply has.

    A contact in a pointing sentence («Пишите в WhatsApp …», "email us at …") invites
    the buyer elsewhere, which is an alternative; contacts are looked for only when
    that decides, and kept in ``contact_cache`` for the contact check.
    """
    first_end = _first_sentence_end(folded)
    by_part: dict[str, Match] = {}
    cause = refusal = False
    hints: list[Match] = []
    directives: list[int] = []
    for match in matches:
        category = match.category
        if category == "alternative_hint":
            hints.append(match)
            continue
        if category == "directive":
            # «Измените отзыв, пожалуйста» points the buyer at the rating, not elsewhere.
            # "Please update your review": the word just before the request belongs to it.
            if not rating_spans or not any(
                start - 12 <= match.start < end for start, end in rating_spans
            ):
                directives.append(match.start)
            continue
        if category == "greeting_or_closing":
            category = "greeting" if match.start < first_end else "closing"
        elif category in ("cause", "constraint"):
            cause = True
            continue
        elif category == "refusal":
            # «Не получится: цены устанавливает площадка» explains itself after the colon.
            refusal = True
            if _EXPLAINED_AFTER.match(folded, match.end):
                cause = True
            continue
        if category in PARTS:
            if category == "closing":
                # A closing ends the reply: «Благодарим за терпение!» opening it is thanks.
                if match.start < first_end and _last_sentence_start(folded) >= first_end:
                    continue
            elif category == "alternative" and _is_unit_after_number(folded, match.start):
                continue  # «180 см» is centimetres, not «см.» (see)
            # The earliest greeting, the last closing.
            current = by_part.get(category)
            if current is None or (category == "closing" and match.start > current.start):
                by_part[category] = match
    if "alternative" not in by_part and hints and directives:
        # «Подробнее — в карточке товара» points the buyer somewhere; «мы ответили в чате» does not.
        for hint in hints:
            start, end = _sentence_bounds(folded, hint.start)
            if any(start <= at < end for at in directives):
                by_part["alternative"] = hint
                break
    if "alternative" not in by_part and directives and contact_cache is not None:
        if not contact_cache:
            contact_cache.append(find_contacts(folded, allowed_domains))
        for contact in contact_cache[0]:
            s_start, s_end = _sentence_bounds(folded, contact.start)
            if any(s_start <= at < s_end for at in directives):
                by_part["alternative"] = Match("alternative", contact.start, contact.end)
                break
    closing, alternative = by_part.get("closing"), by_part.get("alternative")
    # «如有疑问，请联系平台客服»: the «if in doubt» opens the alternative, it closes nothing.
    if (
        closing is not None
        and alternative is not None
        and closing.start < alternative.start < _sentence_bounds(folded, closing.start)[1]
    ):
        del by_part["closing"]
    parts = {part: part in by_part for part in PARTS}
    if not parts["reason"] and cause and refusal:
        parts["reason"] = True
    return parts, by_part


def _is_unit_after_number(folded: str, at: int) -> bool:
    return folded.startswith("см", at) and folded[:at].rstrip()[-1:].isdigit()


@lru_cache(maxsize=4)
def _last_sentence_start(folded: str) -> int:
    """Where the last sentence with words in it starts (cached: asked once per closing)."""
    stripped = folded.rstrip(".!?…。！？\n \t")
    start = 0
    for m in _SENTENCE_END.finditer(stripped):
        start = m.end()
    return start


# Like _SENTENCE_END, but a dot inside «wildberries.ru» or «1.5» ends nothing.
_SENTENCE_STOP = re.compile(r"[!?…。！？\n]+|\.+(?![^\W_])")


@lru_cache(maxsize=4)
def _sentence_stops(folded: str) -> tuple[list[int], list[int]]:
    """Starts and ends of every sentence stop, found once per text."""
    starts: list[int] = []
    ends: list[int] = []
    for m in _SENTENCE_STOP.finditer(folded):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _sentence_bounds(folded: str, at: int) -> tuple[int, int]:
    """Start and end of the sentence holding position ``at`` (bisected: linear overall)."""
    starts, ends = _sentence_stops(folded)
    before = bisect_right(ends, at)
    start = ends[before - 1] if before else 0
    if at > 0 and folded[at - 1] == ".":
        start = at  # «купите.Подробнее»: the dot right before ``at`` ends a sentence
    after = bisect_left(starts, at)
    return start, starts[after] if after < len(starts) else len(folded)


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


# Every _PLACEHOLDER alternative contains one of these: a cheap test before the scan.
_PLACEHOLDER_MARKS = ("{", "}", "%", "[", "<", "【", "xxx", "ххх", "___")


def _may_overpunctuate(text: str) -> bool:
    """Four marks in a row need four marks in the text (counted in C)."""
    marks = text.count("!") + text.count("?") + text.count("！") + text.count("？")
    return marks >= 4 or "....." in text


def _may_have_placeholder(folded: str) -> bool:
    return any(mark in folded for mark in _PLACEHOLDER_MARKS)


def _merge_matches(matches: list[Match]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for m in sorted(matches, key=lambda m: (m.start, m.end)):
        if spans and m.start < spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], m.end))
        else:
            spans.append((m.start, m.end))
    return spans


_UPPER_RE = re.compile(r"[A-ZА-ЯЁ]")
_LOWER_RE = re.compile(r"[a-zа-яё]")


def _is_shouting(text: str) -> bool:
    if len(text) < 20:
        return False
    upper = len(_UPPER_RE.findall(text))
    if upper < 20:
        return False
    lower = len(_LOWER_RE.findall(text))
    return upper >= 0.7 * (upper + lower)


_ODD_SPACE = re.compile(r"[^\S \n]| {2}")


def _repeated_sentences(text: str, folded: str) -> list[tuple[int, int]]:
    # Quick answer for the usual reply: no two sentences alike even with spaces squeezed.
    if _ODD_SPACE.search(folded) is None:
        # Single spaces only: squeezing whitespace is just stripping the ends.
        keys = [part.strip() for part in _SENTENCE_END.split(folded) if len(part) >= 15]
    else:
        keys = [" ".join(part.split()) for part in _SENTENCE_END.split(folded) if len(part) >= 15]
    if len(set(keys)) == len(keys):
        return []
    seen: dict[str, int] = {}
    repeats = []
    start = 0
    for m in _SENTENCE_END.finditer(folded + "\n"):
        sentence = text[start : m.start()]
        key = " ".join(folded[start : m.start()].split())
        if len(key) >= 15:
            if key in seen:
                offset = start + (len(sentence) - len(sentence.lstrip()))
                repeats.append((offset, m.start()))
            else:
                seen[key] = start
        start = m.end()
    return repeats


def check(
    text: str,
    channel: str = "chat",
    *,
    lang: str = "auto",
    buyer_name: str | None = None,
    policy: Policy | None = None,
    ui_lang: str = "ru",
) -> Report:
    """Check one reply against the shop's policy for the given channel."""
    if channel not in CHANNELS:
        raise ValueError(
            f"channel: unknown channel {channel!r} (expected one of {', '.join(CHANNELS)})"
        )
    if lang != "auto" and lang not in LANGS:
        raise ValueError(f"lang: expected auto, ru, zh or en, got {lang!r}")
    if text is None:
        text = ""
    policy = policy or Policy.default()
    ui = _ui_lang(ui_lang)
    reply_lang = detect_language(text) if lang == "auto" else lang
    folded = fold(text)
    n = len(text)
    findings: list[Finding] = []

    def add(code: str, start: int, end: int, suggestion: str = "", **params: object) -> None:
        severity = policy.severity(code, _DEFAULT_SEVERITY[code])
        if severity == OFF:
            return
        findings.append(
            Finding(code, severity, start, end, _message(code, ui, **params), suggestion)
        )

    if not text.strip():
        add("empty", 0, n)
        report_parts = dict.fromkeys(PARTS, False)
        return _finish(report_parts, reply_lang, findings)

    matches = phrase_book().find(folded)
    # Asking to change a rating, or paying for one, is never acceptable: every channel,
    # always an error (no policy override); the fix is deleting the phrase.
    rating_spans: list[tuple[int, int]] = []
    if _may_mention_rating(folded):
        from sellerdesk.policy.rating import find_rating_manipulation

        rating_spans = find_rating_manipulation(folded)
    contact_cache: list = []
    parts, by_part = _detect_parts(
        folded, matches, rating_spans, policy.allowed_domains, contact_cache
    )

    # Parts the channel requires.
    name = (buyer_name or "").strip()
    required = policy.requires(channel)
    for part in required:
        if parts[part]:
            continue
        if part == "greeting":
            key = "greeting_named" if name else "greeting"
            add("missing_greeting", 0, 0, _suggestion(key, reply_lang, name=name))
        elif part == "thanks":
            at = by_part["greeting"].end if "greeting" in by_part else 0
            at = _after_sentence(text, at) if "greeting" in by_part else 0
            add("missing_thanks", at, at, _suggestion(f"thanks.{channel}", reply_lang))
        elif part in ("reason", "alternative"):
            at = by_part["closing"].start if "closing" in by_part else n
            at = _sentence_start(text, at) if "closing" in by_part else n
            add(f"missing_{part}", at, at, _suggestion(part, reply_lang))
        else:
            add("missing_closing", n, n, _suggestion("closing", reply_lang))
    if name and parts["greeting"] and not _name_in(fold(name), folded):
        greeting = by_part["greeting"]
        add(
            "greeting_without_name",
            greeting.start,
            greeting.end,
            _suggestion("greeting_named", reply_lang, name=name).strip(),
        )

    # Contacts: only chat may carry them, and only when the shop allows it.
    if channel != "chat" or not policy.allow_contacts_in_chat:
        code_message = "contact_outside_chat" if channel != "chat" else "contact_forbidden"
        kinds = read_json("contact_kinds")
        contacts = (
            contact_cache[0] if contact_cache else find_contacts(folded, policy.allowed_domains)
        )
        for contact in contacts:
            severity = policy.severity("contact_outside_chat", "error")
            if severity == OFF:
                break
            findings.append(
                Finding(
                    "contact_outside_chat",
                    severity,
                    contact.start,
                    contact.end,
                    _message(code_message, ui, kind=kinds[contact.kind][ui]),
                    "",
                )
            )

    for start, end in find_profanity_folded(folded):
        add("profanity", start, end)
    forbidden = _forbidden_regex(policy.extra_forbidden_words)
    if forbidden is not None:
        already = {(f.start, f.end) for f in findings if f.code == "profanity"}
        for m in forbidden.finditer(folded):
            if m.span() not in already:
                severity = policy.severity("profanity", "error")
                if severity != OFF:
                    findings.append(
                        Finding(
                            "profanity",
                            severity,
                            m.start(),
                            m.end(),
                            _message("forbidden_word", ui),
                            "",
                        )
                    )

    if rating_spans:
        for start, end in rating_spans:
            findings.append(
                Finding(
                    "rating_manipulation",
                    "error",
                    start,
                    end,
                    _message("rating_manipulation", ui),
                    "",
                )
            )

    overpromises = [m for m in matches if m.category == "overpromise"]
    for start, end in _merge_matches(overpromises):
        add("overpromise", start, end, _suggestion("overpromise", reply_lang))

    for m in _PLACEHOLDER.finditer(folded) if _may_have_placeholder(folded) else ():
        add("placeholder", m.start(), m.end())
    if _is_shouting(text):
        add("shouting", 0, n, text.capitalize() if n <= 200 else "")
    limit = policy.max_length.get(channel)
    if limit and n > limit:
        add("too_long", limit, n, limit=limit)
    for start, end in _repeated_sentences(text, folded):
        add("repeated_text", start, end)
    for m in _PUNCT_RUN.finditer(text) if _may_overpunctuate(text) else ():
        add("excessive_punctuation", m.start(), m.end(), m.group()[0])
    return _finish(parts, reply_lang, findings)


@lru_cache(maxsize=1)
def _rating_gate() -> re.Pattern[str]:
    # Every Russian/English rating finding ends on a rating word («отзыв», "stars");
    # their inflected forms all start with the lemma minus two letters. Chinese ones need Han.
    stems = {
        word.lower().replace("ё", "е")[: max(3, len(word) - 2)]
        for lang in ("ru", "en")
        for word in read_lines(lang, "rating_objects")
    }
    return re.compile("|".join(map(re.escape, sorted(stems))))


def _may_mention_rating(folded: str) -> bool:
    """A cheap necessary condition for find_rating_manipulation: skip its word analysis."""
    if _rating_gate().search(folded) is not None:
        return True
    if not has_han(folded):
        return False
    # Chinese findings are exactly the matches of the module's own phrase pattern.
    from sellerdesk.policy.rating import _han_patterns

    positive = _han_patterns()[0]
    return positive is not None and positive.search(to_simplified(folded)) is not None


def _after_sentence(text: str, at: int) -> int:
    m = _SENTENCE_END.search(text, at)
    if m is None:
        return len(text)
    end = m.end()
    while end < len(text) and text[end] == " ":
        end += 1
    return end


def _sentence_start(text: str, at: int) -> int:
    start = at
    while start > 0 and not _SENTENCE_END.match(text[start - 1]):
        start -= 1
    while start < at and text[start] == " ":
        start += 1
    return start


def _finish(parts: dict[str, bool], lang: str, findings: list[Finding]) -> Report:
    findings.sort(key=lambda f: (f.start, f.end, f.code))
    ok = not any(f.severity == "error" for f in findings)
    return Report(ok=ok, lang=lang, parts=parts, findings=tuple(findings))
