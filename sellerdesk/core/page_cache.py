"""A repeated page, unchanged since it was last rendered, is served from the cache.

Sellers keep the inbox, a conversation and the questions list open and reload them (or
htmx reloads parts of them) far more often than anything in their shop changes. Rendering
those pages is most of the server's time under load, so a GET of a view named in
``settings.PAGE_CACHE_VIEWS`` is answered from the cache when the same person, in the same
shop, role, language, time zone and CSRF session, asked for the same URL (and the same htmx
fragment) while the shop's change cursor (``sellerdesk.core.live``) has not moved.

Every service that changes what those pages show already moves the cursor on commit, so a
change shows at once; time-relative labels (SLA "due in …") may lag by at most
``settings.PAGE_CACHE_SECONDS``. Nothing is cached for a request carrying flash messages,
without a CSRF cookie, or whose response sets a cookie, changes the session or is not a 200.
``PAGE_CACHE_SECONDS = 0`` turns it off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sellerdesk.core.live import shop_cursor

_HTMX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED")


class ShopPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key is not None and _cacheable(request, response):
            headers = [(name, value) for name, value in response.items()]
            caches["default"].set(
                key, (response.content, headers), timeout=settings.PAGE_CACHE_SECONDS
            )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        key = _key(request)
        if key is None:
            return None
        cached = caches["default"].get(key)
        if cached is None:
            request._page_cache_key = key  # type: ignore[attr-defined]  # stored after the view
            return None
        content, headers = cached
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response


def _key(request: HttpRequest) -> str | None:
    seconds = settings.PAGE_CACHE_SECONDS
    match = request.resolver_match
    membership = getattr(request, "membership", None)
    if (
        not seconds
        or request.method != "GET"
        or match is None
        or match.view_name not in settings.PAGE_CACHE_VIEWS
        or membership is None
    ):
        return None
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
    if not csrf_cookie or "messages" in request.COOKIES or "_messages" in request.session:
        return None
    parts = [
        str(request.user.pk),
        str(membership.pk),
        str(membership.role),
        str(membership.shop_id),
        str(shop_cursor(shop_id=membership.shop_id)),
        getattr(request, "LANGUAGE_CODE", ""),
        timezone.get_current_timezone_name(),
        csrf_cookie,
        request.get_full_path(),
        *(request.META.get(header, "") for header in _HTMX_HEADERS),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"page:{digest}"


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
        and "no-store" not in response.get("Cache-Control", "")
    )
