"""Contacts that would take the buyer off the marketplace.

Phones in any spelling (separators, +7/8, full-width digits, Chinese numerals,
look-alike letters, digits written as words), e-mails (also «собака»/"at"/"dot"
spellings), URLs and bare domains, and messenger or social names that come
with a handle or an invitation. Identifiers (orders, SKUs, tracking and tax
numbers), sizes, prices, dates and payment words are not contacts, nor are
sentences that *refuse* contact («мы не общаемся в мессенджерах»).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from sellerdesk.policy._data import read_lines, to_simplified
from sellerdesk.policy.phrases import words_of
from sellerdesk.policy.text import tokenize


@dataclass(frozen=True, slots=True)
class Contact:
    start: int
    end: int
    kind: str  # phone | email | url | handle | messenger
    value: str


def _alt(name: str) -> str:
    return "|".join(f"(?:{f})" for f in sorted(read_lines("contacts", name), key=len, reverse=True))


_CN_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "一": "1", "壹": "1", "幺": "1", "二": "2", "贰": "2",
    "貳": "2", "两": "2", "兩": "2", "三": "3", "叁": "3", "參": "3", "四": "4", "肆": "4",
    "五": "5", "伍": "5", "六": "6", "陆": "6", "陸": "6", "七": "7", "柒": "7", "八": "8",
    "捌": "8", "九": "9", "玖": "9",
}  # fmt: skip
# Letters people put in place of digits to slip a number past a filter.
_LOOKALIKE_DIGITS = {"o": "0", "о": "0", "l": "1", "i": "1", "|": "1", "з": "3"}
_PHONE_VIEW = str.maketrans({**_CN_DIGITS, **_LOOKALIKE_DIGITS})
_PHONE_VIEW_CHARS = (*_CN_DIGITS, *_LOOKALIKE_DIGITS)
_SEGMENT_BREAK = re.compile(r"[.!?;,\n。！？；，、]")


class _Patterns:
    def __init__(self) -> None:
        tlds = _alt("tlds")
        # Lengths are bounded as in RFC 5321 (64 for the local part, 63 per label), which
        # also keeps every scan linear: no start position can look further than that.
        self.email = re.compile(
            r"[a-z0-9][a-z0-9._%+\-]{0,63}\s?@\s?[a-z0-9\-]{1,63}(?:\.[a-z0-9\-]{1,63}){0,8}\.[a-z]{2,24}"
        )
        at_word = r"(?:at|собака|собачка|собаку|эт|艾特)"
        dot_word = r"(?:dot|точка|点)"
        self.email_spelled = re.compile(
            r"[a-z0-9][a-z0-9._\-]{1,63}(?:\s*[(\[{<]\s*" + at_word + r"\s*[)\]}>]\s*"
            r"|\s+(?:at|собака|собачка|собаку)\s+|\s*艾特\s*)"
            r"[a-z0-9\-]{2,63}(?:\s*[(\[{<]\s*"
            + dot_word
            + r"\s*[)\]}>]\s*|\s+(?:dot|точка)\s+|\s*点\s*|\.)"
            r"(?:[a-z]{2,6}|ру|ком|рф|нет)(?![a-zа-я])"
        )
        # Without the dot word («ivan собака mail ru», "ivan at gmail com", «иван собака
        # яндекс ру»): the domain is a known mail service, or the «@» is unmistakable
        # («собака», a bracketed «at», «@» itself) and a country or generic TLD follows.
        providers = _alt("mail_providers")
        self.email_undotted = re.compile(
            r"(?<![\w@.\-])([a-z0-9][a-z0-9._\-]{1,63}|[а-я][а-я0-9._\-]{1,30})"
            r"(?:\s*[(\[{<]\s*"
            + at_word
            + r"\s*[)\]}>]\s*|\s+(at|собака|собачка|собаку)\s+|\s*(@)\s*)"
            r"(?:(" + providers + r")|([a-z0-9\-]{2,63}))"
            r"[\s_\-,]+(ru|com|net|org|ua|by|kz|cn|de|io|me|рф|ру|ком|нет|орг)(?![\w.@])"
        )
        self.url = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»，。]+")
        self.domain = re.compile(
            rf"(?<![\w@.\-])((?:[a-z0-9](?:[a-z0-9\-]{{0,61}}[a-z0-9])?\.)+(?:{tlds}))(?![\w\-])(?:/[^\s<>\"'«»，。]*)?"
        )
        self.cyr_domain = re.compile(
            r"(?<![\w@.\-])((?:[а-я0-9\-]{2,}\.)+(?:рф|рус|онлайн|сайт))(?![\w\-])"
        )
        self.domain_spelled = re.compile(
            r"(?<![\w@])([a-z0-9\-]{2,})\s*[(\[]?\s*(?:dot|точка)\s*[)\]]?\s*(ru|com|net|org|ру|ком|рф)(?![a-zа-я])"
        )
        self.handle = re.compile(r"(?<![\w.@])@[a-z0-9_][a-z0-9_.]{2,}")
        # Digits, their look-alikes and Chinese numerals: the same spans as on the
        # translated view, without translating every reply.
        digit = "[0-9" + re.escape("".join(_PHONE_VIEW_CHARS)) + "]"
        self.digit = re.compile("[0-9" + "".join(_CN_DIGITS) + "]")
        self.phone = re.compile(rf"\+?\s?{digit}(?:[\s\-().\u2012-\u2015]{{0,3}}{digit}){{5,14}}")
        # Full names and clipped ones in one pass; the group tells which kind matched.
        self.messenger = re.compile(
            rf"(?<![a-zа-я0-9])(?:(?P<full>{_alt('messengers')})|(?P<short>{_alt('messengers_short')}))"
            r"(?:(?<=[\u4e00-\u9fff])|(?![a-zа-я]))"
        )
        self.invitation = re.compile(rf"(?<![a-zа-я])(?:{_alt('invitations')})(?![a-zа-я])")
        self.negation = re.compile(rf"(?<![a-zа-я])(?:{_alt('negations')})(?![a-zа-я])")
        self.phone_keyword = re.compile(rf"(?<![a-zа-я])(?:{_alt('phone_keywords')})(?![a-zа-я])")
        self.not_phone_keyword = re.compile(
            rf"(?<![a-zа-я])(?:{_alt('not_phone_keywords')})(?![a-zа-я])"
        )
        self.after_number_unit = re.compile(
            r"\s?(?:руб|₽|р\.|р\b|rub|元|¥|\$|%|см|мм|кг|г\b|гр|мл|л\b|шт|cm|mm|kg|ml|pcs|лет|год|дн|мес|"
            r"min|мин|час|размер|рост|x|х|\*)"
        )
        self.handle_after_name = re.compile(r"\s*(?:[:：=\-]\s*|\s)@?([a-z0-9][a-z0-9_.\-]{2,})")
        self.glued_handle = re.compile(r"[:：]?\s*@?([a-z0-9][a-z0-9_.\-]{2,})")
        self.number_words = {}
        for line in read_lines("contacts", "number_words"):
            word, value = line.split()
            self.number_words[word] = int(value)
        self.dot_word = re.compile(r"[a-zа-я0-9]\.[a-zа-я]")
        self.spelled_gate = re.compile(r"собак|точка|dot|\bat\b|[(\[{<]at[)\]}>]")
        self.number_word_set = frozenset(self.number_words)
        # A quick gate: texts with none of these (and no messenger name or number
        # word) have no contact at all. Character classes and a few literals only,
        # so the scan stays in C.
        self.gate_chars = re.compile(r"[0-9@" + "".join(_CN_DIGITS) + r"]")


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return _Patterns()


def _domain_allowed(domain: str, allowed: tuple[str, ...]) -> bool:
    domain = domain.lower().removeprefix("www.")
    return any(domain == a or domain.endswith("." + a) for a in allowed)


_SPELLED_AT = re.compile(r"[\s(\[{<]+(?:at|собака|собачка|собаку|эт)[\s)\]}>]+")
_SPELLED_DOT = re.compile(r"\s*[(\[{<]?\s*(?:dot|точка)\s*[)\]}>]?\s*")
_CYRILLIC_TLDS = {"ру": "ru", "ком": "com", "нет": "net"}


_AT_RE = re.compile(r"@")
_SPELLED_ANCHOR_RE = re.compile(r"собак|(?<![a-z])at(?![a-z])|(?<![a-zа-я])эт(?![a-zа-я])|艾特|@")
_DOT_ANCHOR_RE = re.compile(r"dot|точка|点")


def _near(regex: re.Pattern[str], folded: str, anchor: re.Pattern[str], before: int, after: int):
    """``regex.finditer`` restricted to windows around the anchors every match contains.

    A pattern that may start anywhere («[a-z0-9]...@») tried from every position of a
    long unbroken line costs the square of its length; matches are bounded in length,
    so looking only ``before``/``after`` characters around each anchor finds the same
    ones in linear time. Overlapping windows are merged; matches come in text order.
    """
    windows: list[list[int]] = []
    for m in anchor.finditer(folded):
        low, high = max(0, m.start() - before), min(len(folded), m.end() + after)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = high
        else:
            windows.append([low, high])
    last_end = 0
    for low, high in windows:
        for m in regex.finditer(folded, max(low, last_end), high):
            last_end = m.end()
            yield m


def _undotted_domain(m: re.Match[str]) -> str:
    """«ivan at gmail com» -> "gmail.com" (to compare with allowed domains)."""
    name = m.group(4) or m.group(5) or ""
    tld = m.group(6)
    return f"{name}.{_CYRILLIC_TLDS.get(tld, tld)}"


def _spelled_domain(value: str) -> str:
    """«shop собака wildberries точка ru» -> "wildberries.ru" (to compare with allowed domains)."""
    domain = _SPELLED_DOT.sub(".", _SPELLED_AT.split(value, maxsplit=1)[-1]).strip()
    name, _, tld = domain.rpartition(".")
    return f"{name}.{_CYRILLIC_TLDS.get(tld, tld)}" if name else domain


def find_contacts(folded: str, allowed_domains: tuple[str, ...] = ()) -> list[Contact]:
    """Contacts in already folded text (see :func:`text.fold`), sorted by position."""
    p = _patterns()
    words = None
    if (
        p.gate_chars.search(folded) is None
        and "www" not in folded
        and "http" not in folded
        and "точка" not in folded
        and "dot" not in folded
        and "собак" not in folded
        and "艾特" not in folded
        and p.dot_word.search(folded) is None
        and ("at" not in folded or p.spelled_gate.search(folded) is None)
        and p.messenger.search(to_simplified(folded)) is None
    ):
        words = set(words_of(folded)[0])
        if words.isdisjoint(p.number_word_set):
            return []
    found: list[Contact] = []
    # Taken spans never overlap, so sorted by start they are sorted by end too:
    # one bisection answers whether a new span overlaps any of them.
    taken_starts: list[int] = []
    taken_ends: list[int] = []

    def add(start: int, end: int, kind: str, value: str) -> None:
        index = bisect_left(taken_ends, start + 1)  # first taken span ending after start
        if index < len(taken_starts) and taken_starts[index] < end:
            return
        taken_starts.insert(index, start)
        taken_ends.insert(index, end)
        found.append(Contact(start, end, kind, value))

    has_at = "@" in folded
    has_dot_word = p.dot_word.search(folded) is not None
    for m in _near(p.email, folded, _AT_RE, 70, 330) if has_at else ():
        domain = m.group().rsplit("@", 1)[1].strip()
        if not _domain_allowed(domain, allowed_domains):
            add(m.start(), m.end(), "email", m.group())
    spelled = (
        "собак" in folded
        or "точка" in folded
        or "dot" in folded
        or "艾特" in folded
        or ("at" in folded and p.spelled_gate.search(folded) is not None)
    )
    undotted = spelled or has_at
    for m in _near(p.email_spelled, folded, _SPELLED_ANCHOR_RE, 80, 160) if spelled else ():
        if not _domain_allowed(_spelled_domain(m.group()), allowed_domains):
            add(m.start(), m.end(), "email", m.group())
    for m in _near(p.email_undotted, folded, _SPELLED_ANCHOR_RE, 80, 160) if undotted else ():
        # A bare English "at" is too common ("look at this com…"): only with a mail service.
        if m.group(2) == "at" and not m.group(4):
            continue
        if not _domain_allowed(_undotted_domain(m), allowed_domains):
            add(m.start(), m.end(), "email", m.group())
    for m in p.url.finditer(folded) if ("www" in folded or "http" in folded) else ():
        value = m.group().rstrip(".,!?)")
        host = re.sub(r"^(?:https?://)?", "", value).split("/")[0]
        if not _domain_allowed(host, allowed_domains):
            add(m.start(), m.start() + len(value), "url", value)
    for regex in (p.domain, p.cyr_domain) if has_dot_word else ():
        for m in regex.finditer(folded):
            if not _domain_allowed(m.group(1), allowed_domains):
                value = m.group().rstrip(".,!?)")
                add(m.start(), m.start() + len(value), "url", value)
    for m in _near(p.domain_spelled, folded, _DOT_ANCHOR_RE, 70, 20) if spelled else ():
        if not _domain_allowed(_spelled_domain(m.group()), allowed_domains):
            add(m.start(), m.end(), "url", m.group())
    for m in p.handle.finditer(folded) if has_at else ():
        add(m.start(), m.end(), "handle", m.group())
    _find_phones(folded, p, add)
    if words is None:
        words = set(words_of(folded)[0])
    if not words.isdisjoint(p.number_word_set):
        _find_spelled_phones(folded, p, add)
    _find_messengers(folded, p, add)
    found.sort(key=lambda c: c.start)
    return found


def _is_phone(digits: str, raw: str, before: str, after: str, p: _Patterns) -> bool:
    n = len(digits)
    if n < 6 or n > 15:
        return False
    keyword = None
    for m in p.phone_keyword.finditer(before):
        keyword = m
    not_phone = None
    for m in p.not_phone_keyword.finditer(before):
        not_phone = m
    if not_phone is not None and (keyword is None or not_phone.start() > keyword.start()):
        return False
    if p.after_number_unit.match(after):
        return False
    if keyword is not None:
        return True
    if raw.lstrip().startswith("+") and n >= 10:
        return True
    if n == 11 and (re.match(r"[78][3489]", digits) or re.match(r"1[3-9]", digits)):
        return True
    if n == 13 and digits.startswith("861"):
        return True
    return n == 10 and digits.startswith("9") and bool(re.search(r"[\s\-()]", raw))


def _find_phones(folded: str, p: _Patterns, add) -> None:
    # A phone has at least three real (or Chinese) digits, and no match reaches more than
    # 16 characters before its first one: start there, and skip replies without digits.
    first = p.digit.search(folded)
    if first is None or len(p.digit.findall(folded)) < 3:
        return
    for m in p.phone.finditer(folded, max(0, first.start() - 16)):
        start, end = m.span()
        if start > 0:
            before_char = folded[start - 1].translate(_PHONE_VIEW)
            # A number glued to a word («abc123456») is no phone; «on 020 7946 0958»,
            # where the match starts with the space, is.
            if before_char.isdigit() or (
                before_char.isalpha()
                and before_char.isascii()
                and before_char not in "vxwq"
                and not folded[start].isspace()
            ):
                continue
        if end < len(folded) and folded[end].translate(_PHONE_VIEW).isdigit():
            continue
        # A look-alike at either edge next to a letter is part of a word («раз 123»).
        if (
            start > 0
            and not folded[start].isdigit()
            and folded[start] not in "+ "
            and folded[start - 1].isalpha()
        ) or (end < len(folded) and not folded[end - 1].isdigit() and folded[end].isalpha()):
            continue
        raw = m.group().translate(_PHONE_VIEW)
        digits = re.sub(r"\D", "", raw)
        real_digits = sum(c.isdigit() for c in folded[start:end])
        cn_digits = sum(c in _CN_DIGITS for c in folded[start:end])
        if real_digits + cn_digits < len(digits) - 3:
            continue  # too many look-alike letters: a word, not a number
        # Keywords are listed in Simplified Chinese: 手機 and 手机 announce the same number.
        before = to_simplified(folded[max(0, start - 30) : start])
        before = _SEGMENT_BREAK.split(before)[-1] if "\n" in before else before
        if _is_phone(digits, raw, before, folded[end : end + 6], p):
            if raw.startswith(" "):
                start += 1
            add(start, end, "phone", folded[start:end])


def _find_spelled_phones(folded: str, p: _Patterns, add) -> None:
    words = p.number_words
    tokens = tokenize(folded)
    run: list = []

    def flush() -> None:
        if len(run) >= 3 and sum(1 for t in run if not t.text.isdigit()) >= 2:
            digits = _compose(run, words)
            start, end = run[0].start, run[-1].end
            before = folded[max(0, start - 30) : start]
            long_enough = len(digits) >= 10 or (
                len(digits) >= 6 and p.phone_keyword.search(before) is not None
            )
            if long_enough and not p.not_phone_keyword.search(before):
                add(start, end, "phone", folded[start:end])
        run.clear()

    for token in tokens:
        is_number = token.text in words or token.text.isdigit()
        if (
            is_number
            and run
            and not re.fullmatch(r"[\s\-,.()+]*", folded[run[-1].end : token.start])
        ):
            flush()
        if is_number:
            run.append(token)
        else:
            flush()
    flush()


def _compose(run, words: dict[str, int]) -> str:
    parts: list[str] = []
    group = 0
    for token in run:
        if token.text.isdigit():
            if group:
                parts.append(str(group))
                group = 0
            parts.append(token.text)
            continue
        value = words[token.text]
        if group and (
            (group % 100 == 0 and value < 100)
            or (group % 10 == 0 and value < 10 and group % 100 >= 20)
        ):
            group += value
            continue
        if group:
            parts.append(str(group))
        group = value
        if value == 0:
            parts.append("0")
            group = 0
    if group:
        parts.append(str(group))
    return "".join(parts)


# How much of the clause around a messenger name is read: an invitation further away than
# this belongs to another thought, and bounding it keeps a long unbroken line linear.
_CLAUSE_REACH = 200
_ID_LIKE = re.compile(r"(?=[^\W_]*[0-9])(?=[^\W_]*[a-z])|[0-9]{5}|[a-z_.\-]{4}")


def _find_messengers(folded: str, p: _Patterns, add) -> None:
    simplified = to_simplified(folded)
    breaks: list[int] | None = None
    for m in p.messenger.finditer(simplified):
        short = m.group("short") is not None
        start, end = m.span()
        if breaks is None:
            breaks = [b.start() for b in _SEGMENT_BREAK.finditer(simplified)]
        # The clause around the name: from just after the last break before it to the next one.
        before_index = bisect_left(breaks, start)
        segment_start = breaks[before_index - 1] + 1 if before_index else 0
        after_index = bisect_left(breaks, end)
        segment_end = breaks[after_index] if after_index < len(breaks) else len(simplified)
        segment_start = max(segment_start, start - _CLAUSE_REACH)
        segment_end = min(segment_end, end + _CLAUSE_REACH)
        before = simplified[segment_start:start]
        zh = bool(
            re.search(r"[\u4e00-\u9fff]", simplified[start:end])
            or re.search(r"[\u4e00-\u9fff]", before[-4:] + simplified[end : end + 2])
        )
        window = before[-8:] if zh else before[-40:]
        if p.negation.search(window):
            continue
        tail = simplified[end:segment_end]
        handle = p.handle_after_name.match(tail) if not zh else p.glued_handle.match(tail)
        if handle is None and zh:
            handle = p.handle_after_name.match(tail)
        if handle is not None:
            value = handle.group(1)
            separator = tail[: handle.start(1)]
            if short:
                # «тг @shop», "wa: shop_best", 微abc123: a clipped name counts only
                # with something that looks like an id, never with a plain number
                # of goods or days («稍微3天»).
                accepted = _ID_LIKE.match(value) is not None and (
                    zh or any(c in separator for c in ":：=@") or re.search(r"[0-9_.]", value)
                )
            else:
                accepted = (
                    any(c in separator for c in ":：=@") or zh or re.search(r"[0-9_.]", value)
                )
            if accepted:
                add(
                    start,
                    end + handle.end(1),
                    "messenger",
                    simplified[start : end + handle.end(1)],
                )
                continue
        if short and len(m.group()) < 2:
            continue  # one letter with no id after it is just a letter
        invitation = p.invitation.search(before) or p.invitation.search(tail[:20])
        if invitation is not None:
            add(start, end, "messenger", m.group())
