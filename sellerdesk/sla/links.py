"""Where an SLA item lives in the other apps, found by URL name so no model is imported."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# Candidate URL names per channel, first that reverses wins; the kwarg names the item.
ITEM_URL_NAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "chat": (("chats:conversation", "conversation_id"),),
    "question": (("questions:detail", "question_id"), ("questions:question", "question_id")),
    "review": (("reviews:detail", "review_id"), ("reviews:review", "review_id")),
}

_cache: dict[str, tuple[str, str] | None] = {}


def item_url(channel: str, item_id: int) -> str | None:
    """The page of the conversation/question/review, or None while that app has no such page."""
    if channel not in _cache:
        _cache[channel] = None
        for name, kwarg in ITEM_URL_NAMES.get(channel, ()):
            try:
                reverse(name, kwargs={kwarg: 1})
            except NoReverseMatch:
                continue
            _cache[channel] = (name, kwarg)
            break
    found = _cache[channel]
    if found is None:
        return None
    name, kwarg = found
    return reverse(name, kwargs={kwarg: item_id})
