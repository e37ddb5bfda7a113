"""Search in the ``text`` column of the questions and reviews lists (chats have their own, chats/search.py).

PostgreSQL: a case-insensitive fragment (pg_trgm index) or, for Russian and English words,
their word forms (GIN index on ``SearchVector("text", config="russian")`` — the migrations
of both apps index exactly this expression). SQLite (the demo): fragments only.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.db import connection
from django.db.models import Model, Q, QuerySet

_WORD_RE = re.compile(r"[^\W\d_]{3,}")
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

RowT = TypeVar("RowT", bound=Model)


def wants_word_search(text: str) -> bool:
    """Stemmed word search helps Russian/English words, not SKUs (digits) nor Chinese
    (the parser sees a run of Han characters as one word; the substring search covers it)."""
    return (
        bool(_WORD_RE.search(text))
        and not any(c.isdigit() for c in text)
        and not _HAN_RE.search(text)
    )


def text_search(queryset: QuerySet[RowT], text: str, *, also: Q | None = None) -> QuerySet[RowT]:
    """Rows whose ``text`` contains ``text`` or its word forms, or that meet ``also``.

    ``text`` is the stripped, non-empty search string.
    """
    condition = Q(text__icontains=text)
    if also is not None:
        condition |= also
    if connection.vendor != "postgresql":
        # SQLite folds the case of ASCII letters only: try the usual Cyrillic spellings too.
        for variant in {text.lower(), text.capitalize()} - {text}:
            condition |= Q(text__icontains=variant)
    elif wants_word_search(text):
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Word forms: «чайника» finds «чайник».
        queryset = queryset.annotate(search_vector=SearchVector("text", config="russian"))
        condition |= Q(search_vector=SearchQuery(text, config="russian", search_type="websearch"))
    return queryset.filter(condition)
