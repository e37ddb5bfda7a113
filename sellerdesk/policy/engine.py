"""``check``: the single entry point every reply goes through."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from sellerdesk.policy._data import read_lines, to_simplified
from sellerdesk.policy.checks import REGISTRY
from sellerdesk.policy.contacts import find_contacts
from sellerdesk.policy.lang import LANGS, engine_lang
from sellerdesk.policy.phrases import Match, phrase_book
from sellerdesk.policy.policy import CHANNELS, OFF, PARTS, Policy
from sellerdesk.policy.registry import Context
from sellerdesk.policy.report import Finding, Report
from sellerdesk.policy.text import SENTENCE_END, detect_language, fold, has_han

# A refusal followed, in the same sentence, by a colon or a dash and more words.
_EXPLAINED_AFTER = re.compile(r"[^.!?…。！？\n:：—–]{0,60}?(?:[:：]|\s[—–-]\s|——)\s*[^\W\d_]{2}")


def check(
    text: str,
    channel: str = "chat",
    *,
    lang: str = "auto",
    buyer_name: str | None = None,
    policy: Policy | None = None,
    ui_lang: str = "ru",
) -> Report:
    """Check one reply against the shop's policy for the given channel.

    Finds the reply's parts once, then runs every check of the registry
    (``checks.REGISTRY``) at the severity the policy gives it on this channel.
    """
    if channel not in CHANNELS:
        raise ValueError(
            f"channel: unknown channel {channel!r} (expected one of {', '.join(CHANNELS)})"
        )
    if lang != "auto" and lang not in LANGS:
        raise ValueError(f"lang: expected auto, ru, zh or en, got {lang!r}")
    if text is None:
        text = ""
    policy = policy or Policy.default()
    folded = fold(text)
    ctx = Context(
        text=text,
        folded=folded,
        channel=channel,
        lang=detect_language(text) if lang == "auto" else lang,
        ui=engine_lang(ui_lang),
        policy=policy,
        buyer_name=(buyer_name or "").strip(),
    )
    blank = not text.strip()
    if blank:
        ctx.parts = dict.fromkeys(PARTS, False)
    else:
        ctx.matches = phrase_book().find(folded)
        if _may_mention_rating(folded):
            from sellerdesk.policy.rating import find_rating_manipulation

            ctx.rating_spans = find_rating_manipulation(folded)
        ctx.sentence_of = lambda at: _sentence_bounds(folded, at)
        ctx.parts, ctx.by_part = _detect_parts(
            folded, ctx.matches, ctx.rating_spans, policy.allowed_domains, ctx.contact_cache
        )
    findings: list[Finding] = []
    for rule in REGISTRY:
        if blank and not rule.on_empty:
            continue
        severity = (
            policy.severity(rule.code, rule.severity, channel)
            if rule.overridable
            else rule.severity
        )
        if severity == OFF:
            continue
        for hit in rule.function(ctx):
            message = rule.message_text(ctx.ui, hit.message_key, **(hit.params or {}))
            findings.append(
                Finding(rule.code, severity, hit.start, hit.end, message, hit.suggestion)
            )
    return _finish(ctx.parts, ctx.lang, findings)


def _first_sentence_end(folded: str) -> int:
    for m in SENTENCE_END.finditer(folded):
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
    for m in SENTENCE_END.finditer(stripped):
        start = m.end()
    return start


# Like SENTENCE_END, but a dot inside «wildberries.ru» or «1.5» ends nothing.
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


def _finish(parts: dict[str, bool], lang: str, findings: list[Finding]) -> Report:
    findings.sort(key=lambda f: (f.start, f.end, f.code))
    ok = not any(f.severity == "error" for f in findings)
    return Report(ok=ok, lang=lang, parts=parts, findings=tuple(findings))
