"""Keyset pagination on (a moment, pk), newest first: page 4,000 costs what page 1 does.

A cursor is the position of the last row shown, written as "<microseconds since the epoch>-<pk>".
It comes back in a query string, so anything may arrive: a cursor that does not decode means
"start from the first page", never an error page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)
MAX_CURSOR_LENGTH = 60  # two 64-bit integers and a dash fit with room to spare

RowT = TypeVar("RowT", bound=Model)


@dataclass(frozen=True)
class KeysetPage(Generic[RowT]):
    items: list[RowT]
    next_cursor: str = ""  # empty on the last page
    # Filled by the "due soon" pages (they read the SLA clocks anyway); otherwise the view looks it up.
    sla_map: dict[int, Any] | None = None


def keyset_cursor_encode(moment: datetime, pk: int) -> str:
    # Integer arithmetic, not timestamp() floats: the cursor must name the row's exact microsecond,
    # or rows sharing the last row's moment would be skipped or repeated.
    return f"{(moment - EPOCH) // ONE_MICROSECOND}-{pk}"


def keyset_cursor_decode(text: str | None) -> tuple[datetime, int] | None:
    """The (moment, pk) a cursor names, or None for anything that is not a cursor we wrote."""
    if not text or len(text) > MAX_CURSOR_LENGTH:
        return None
    micros, separator, pk = text.partition("-")
    if not separator or not (
        micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()
    ):
        return None
    try:
        return EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:  # beyond year 9999
        return None


def keyset_before_q(moment: datetime, pk: int, *, field: str = "created_at") -> Q:
    """Rows that come after (``moment``, ``pk``) in newest-first order: ``(field, pk) < (moment, pk)``."""
    return Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})


def keyset_filter_before(
    queryset: QuerySet[RowT], cursor: str | None, *, field: str = "created_at"
) -> QuerySet[RowT]:
    """``queryset`` from the cursor on; unchanged (the first page) when the cursor does not decode."""
    position = keyset_cursor_decode(cursor)
    if position is None:
        return queryset
    return queryset.filter(keyset_before_q(*position, field=field))


def keyset_page(
    rows: list[RowT], *, size: int, field: str = "created_at", **extra: Any
) -> KeysetPage[RowT]:
    """A page from up to ``size + 1`` rows fetched in order: the extra row only says another page exists."""
    items = rows[:size]
    next_cursor = ""
    if len(rows) > size:
        moment = getattr(items[-1], field)
        if moment is not None:  # a row without a moment cannot be continued from
            next_cursor = keyset_cursor_encode(moment, items[-1].pk)
    return KeysetPage(items=items, next_cursor=next_cursor, **extra)
