"""Text search helpers: query parsing, Chinese bigrams, database match expressions, highlighting.

Chinese has no spaces between words and PostgreSQL has no Chinese word segmenter without
extensions (zhparser, pg_jieba). We index every message's CJK runs as overlapping
character bigrams ("纯棉卫衣" -> "纯棉 棉卫 卫衣") in ``Message.text_ngrams`` under a GIN
full-text index (config 'simple'). A query's own bigrams as a phrase query
(``'纯棉' <-> '棉卫' <-> '卫衣'``) then matches exactly the messages containing the query
as a substring, and the index answers it for queries of two characters or more — most
Chinese words are two characters, which pg_trgm's trigrams cannot serve from an index.
A single CJK character falls back to a plain substring scan within the shop.
"""

from __future__ import annotations

import re

from django.db.models import BooleanField, Func, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+")
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_LENGTH = 100


def normalise_query(raw: str | None) -> str:
    # NUL cannot be stored or compared in PostgreSQL text; it only arrives from a tampered URL.
    return " ".join((raw or "").replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def has_cjk(text: str) -> bool:
    return bool(CJK_RUN.search(text))


def cjk_bigrams(text: str) -> str:
    """The CJK runs of ``text`` as space-separated overlapping bigrams, in order."""
    grams: list[str] = []
    for run in CJK_RUN.findall(text):
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " ".join(grams)


class RussianTextMatch(Func):
    """``to_tsvector('russian', text) @@ plainto_tsquery('russian', query)`` (GIN-indexed)."""

    output_field = BooleanField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        text_sql, text_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"to_tsvector('russian'::regconfig, {text_sql}) @@ "
            f"plainto_tsquery('russian'::regconfig, {query_sql})"
        )
        return sql, [*text_params, *query_params]


class BigramPhraseMatch(Func):
    """``text_ngrams <> '' AND to_tsvector('simple', ngrams) @@ phraseto_tsquery(...)``."""

    output_field = BooleanField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        grams_sql, grams_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        # The "<> ''" repeats the partial index's predicate so the planner may use it.
        sql = (
            f"({grams_sql} <> '' AND to_tsvector('simple'::regconfig, {grams_sql}) @@ "
            f"phraseto_tsquery('simple'::regconfig, {query_sql}))"
        )
        return sql, [*grams_params, *grams_params, *query_params]


def bigram_query(query: str) -> Value:
    return Value(cjk_bigrams(query))


def stem_prefix(word: str) -> str:
    # Russian endings change ("заказ", "заказа", "заказом"): highlight by a short prefix.
    if has_cjk(word) or len(word) <= 4:
        return word
    return word[: max(4, len(word) - 2)]


def highlight(text: str, query: str) -> SafeString:
    """HTML-escaped ``text`` with the query's words (or their stems) wrapped in <mark>."""
    query = normalise_query(query)
    if not query:
        return escape(text)
    parts = {stem_prefix(w) for w in WORD.findall(query)} | {query}
    pattern = re.compile(
        "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True) if p), re.IGNORECASE
    )
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text: str, query: str, width: int = 90) -> SafeString:
    """A window of ``text`` around the first hit of ``query``, highlighted."""
    query = normalise_query(query)
    words = [stem_prefix(w) for w in WORD.findall(query)] or [query]
    lowered = text.lower()
    positions = [lowered.find(w.lower()) for w in words if w]
    positions = [p for p in positions if p >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + highlight(piece, query) + suffix)


class SearchVectorAppend(Func):
    """The conversation's search vector plus one message's words and Chinese bigrams.

    Positions are stripped: the vector only answers "does the conversation contain these
    words", and stripped vectors stay small however long the conversation grows.
    """

    arity = 3

    def __init__(self, vector, text: str, ngrams: str, **extra) -> None:
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(
            vector, Value(text), Value(ngrams), output_field=SearchVectorField(), **extra
        )

    def as_sql(self, compiler, connection, **extra):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        text_sql, text_params = compiler.compile(self.source_expressions[1])
        grams_sql, grams_params = compiler.compile(self.source_expressions[2])
        sql = (
            f"(COALESCE({vector_sql}, ''::tsvector) || strip(to_tsvector('russian'::regconfig, {text_sql}))"
            f" || strip(to_tsvector('simple'::regconfig, {grams_sql})))"
        )
        return sql, [*vector_params, *text_params, *grams_params]


class ConversationVectorMatch(Func):
    """``search_vector @@ plainto_tsquery(config, query)``: Russian words or Chinese bigrams (AND)."""

    output_field = BooleanField()
    arity = 2

    def __init__(self, vector, query: str, **extra) -> None:
        self.config = "simple" if has_cjk(query) else "russian"
        terms = cjk_bigrams(query) if self.config == "simple" else query
        super().__init__(vector, Value(terms), **extra)

    def as_sql(self, compiler, connection, **extra):
        vector_sql, vector_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        return (
            f"{vector_sql} @@ plainto_tsquery('{self.config}'::regconfig, {query_sql})",
            [*vector_params, *query_params],
        )


def sqlite_contains_q(field: str, query: str):
    """A LIKE-based stand-in for full-text search on SQLite (the demo database).

    SQLite folds case for ASCII only, so each word is tried lower-case, capitalised and
    upper-case; Russian endings are cut (``stem_prefix``) so "партия" finds "партии".
    Every word must match.
    """
    from django.db.models import Q

    condition = Q()
    for word in WORD.findall(query) or [query]:
        stem = stem_prefix(word)
        variants = {stem, stem.lower(), stem.capitalize(), stem.upper()}
        either = Q()
        for variant in variants:
            either |= Q(**{f"{field}__contains": variant})
        condition &= either
    return condition
