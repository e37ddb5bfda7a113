"""The words of each notification, rendered when read (in the reader's language).

A notification stores only facts (``params``); the bell renders them in the UI language
of the page, e-mail and Telegram in the shop's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from sellerdesk.notifications.models import EventKind

# Reply languages of a shop -> Django language codes.
SHOP_LANGUAGE_TO_UI = {"ru": "ru", "zh": "zh-hans", "en": "en"}


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def _channel_label(channel: str) -> str:
    return {"chat": _("chat"), "question": _("question"), "review": _("review")}.get(
        channel, channel
    )


def render(kind: str, params: dict[str, Any]) -> Text:
    """Title and one line for ``kind`` in the active language."""
    p = {key: value for key, value in params.items() if value is not None}
    excerpt = str(p.get("excerpt", ""))
    if kind == EventKind.REVIEW_LOW:
        return Text(
            _("New %(rating)s★ review") % {"rating": p.get("rating", "?")},
            _("%(product)s: %(excerpt)s") % {"product": p.get("product", ""), "excerpt": excerpt},
        )
    if kind in (EventKind.SLA_WARNING, EventKind.SLA_BREACH):
        title = (
            _("Answer due soon: %(item)s")
            if kind == EventKind.SLA_WARNING
            else _("Answer overdue: %(item)s")
        )
        item = f"{_channel_label(str(p.get('channel', '')))} #{p.get('item_id', '')}"
        return Text(title % {"item": item}, excerpt)
    if kind == EventKind.ESCALATION:
        return Text(
            _("Review escalated: %(reason)s") % {"reason": p.get("reason", "")},
            _("%(product)s: %(excerpt)s") % {"product": p.get("product", ""), "excerpt": excerpt},
        )
    if kind == EventKind.SYSTEMIC:
        return Text(
            _("Systemic problem: %(product)s") % {"product": p.get("product", "")},
            _("%(count)s reviews in a week mention: %(situation)s")
            % {"count": p.get("count", "?"), "situation": p.get("situation", "")},
        )
    if kind == EventKind.DELIVERY_FAILED:
        return Text(
            _("A reply was not delivered (%(channel)s)")
            % {"channel": _channel_label(str(p.get("channel", "")))},
            str(p.get("error", "")) or excerpt,
        )
    if kind == EventKind.TOKEN_REFUSED:
        return Text(
            _("The marketplace refused the shop's API token"),
            str(p.get("error", "")) or _("Enter a new token on the marketplace page."),
        )
    return Text(str(kind), excerpt)


def render_in(language: str, kind: str, params: dict[str, Any]) -> Text:
    with translation.override(SHOP_LANGUAGE_TO_UI.get(language, language)):
        return render(kind, params)
