"""Times as the shop's people read them: in the shop's zone (activated per request by
``CurrentShopMiddleware``), in the UI language's pattern.

``SHORT_DATETIME_FORMAT`` / ``SHORT_DATE_FORMAT`` (Django's per-language formats) cover full
dates; lists want the day and time without the year, which Django has no format for: that
is ``|daytime``.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.translation import get_language

register = template.Library()

# Day and time without the year, per UI language (Django's month names are translated).
DAYTIME_FORMATS = {"ru": "d.m H:i", "zh-hans": "n月j日 H:i", "en": "j M, H:i"}


def daytime_format(language: str | None) -> str:
    code = (language or "en").lower()
    return DAYTIME_FORMATS.get(code) or DAYTIME_FORMATS.get(code.split("-")[0], "j M, H:i")


@register.filter(expects_localtime=True, is_safe=False)
def daytime(value: datetime | None) -> str:
    """``02.12 20:33`` (ru), ``12月2日 20:33`` (zh), ``2 Dec, 20:33`` (en), in the shop's zone."""
    if not value:
        return ""
    return dateformat.format(value, daytime_format(get_language()))
