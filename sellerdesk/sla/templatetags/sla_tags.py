"""Template helpers for SLA badges and durations.

In an inbox template::

    {% load sla_tags %}
    {% sla_badge sla_map conversation.pk %}

where ``sla_map = sla.selectors.due_at_map("chat", ids)`` was put in the context by the view.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(seconds: float | int | None) -> str:
    """``3900`` → "1 h 5 min" (translated); empty for None."""
    if seconds is None or seconds == "":
        return ""
    total_minutes = round(float(seconds) / 60)
    days, rest = divmod(total_minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    if total_minutes == 0 and float(seconds) > 0:
        return _("<1 min")
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return "—"
    return f"{share * 100:.1f} %"


def badge_context(info: tuple | None, now: datetime | None = None) -> dict | None:
    if not info:
        return None
    due_at, state, warn_at = info
    now = now or timezone.now()
    if state == "breached" or now >= due_at:
        return {"level": "breached", "seconds": (now - due_at).total_seconds(), "due_at": due_at}
    level = "soon" if now >= warn_at else "ok"
    return {"level": level, "seconds": (due_at - now).total_seconds(), "due_at": due_at}


@register.simple_tag
def sla_badge(sla_map: dict | None, item_id: int) -> SafeString | str:
    """A small badge: time left, "due soon" past the warning point, or how long overdue."""
    context = badge_context((sla_map or {}).get(item_id))
    if context is None:
        return ""
    return render_to_string("sla/badge.html", context)


@register.simple_tag
def sla_badge_for(clock) -> SafeString | str:
    """The same badge for an SlaClock row (dashboard lists)."""
    context = badge_context((clock.sla_due_at, clock.state, clock.sla_warn_at))
    return render_to_string("sla/badge.html", context) if context else ""
