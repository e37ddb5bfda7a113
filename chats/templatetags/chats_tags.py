from django import template
from django.utils.safestring import SafeString

from chats.search import highlight as highlight_text

register = template.Library()


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Escape ``text`` and mark the words of ``query`` in it."""
    return highlight_text(text or "", query or "")
