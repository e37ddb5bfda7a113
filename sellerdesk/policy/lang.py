"""The one place that turns a UI language code into the engine's, and back.

The engine speaks three languages: ``ru``, ``zh`` and ``en``. Django, browsers and
shop settings spell them ``ru-RU``, ``zh-hans``, ``zh_Hans``, ``zh-CN``, ``en-us`` …
Every caller (the engine's messages, replycheck, rule-file errors, review playbooks,
decline reasons, templates) goes through :func:`engine_lang`.
"""

from __future__ import annotations

from functools import lru_cache

LANGS: tuple[str, ...] = ("ru", "zh", "en")
# Django's own code for each engine language (``settings.LANGUAGES``).
_DJANGO_CODES = {"ru": "ru", "zh": "zh-hans", "en": "en"}


@lru_cache(maxsize=64)
def engine_lang(code: str | None, default: str = "ru") -> str:
    """'ru', 'zh' or 'en' for any spelling of a language code; ``default`` otherwise.

    >>> engine_lang("zh-Hans"), engine_lang("en_US"), engine_lang("de"), engine_lang(None)
    ('zh', 'en', 'ru', 'ru')
    """
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGS else default


def django_language(lang: str) -> str:
    """The Django language code for an engine language ('zh' -> 'zh-hans')."""
    return _DJANGO_CODES[engine_lang(lang)]
