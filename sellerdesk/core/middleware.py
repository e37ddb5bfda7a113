from collections.abc import Callable
from functools import lru_cache

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

from sellerdesk.core.access import membership_attach


@lru_cache(maxsize=4096)  # the URLconf does not change while the process runs
def _defers_membership(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "defers_membership", False)


class CurrentShopMiddleware:
    """Attach ``request.membership``, ``request.shop`` and ``request.role`` for every request.

    One query (membership joined with shop) for a logged-in user; anonymous users get None.
    Activates the shop's time zone for the request. Views with a precheck (live polling, see ``shop_view``) resolve it themselves, only when
    the precheck could not answer alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _defers_membership(request.path_info):
            request.membership = request.shop = request.role = None  # type: ignore[attr-defined]
            request.membership_deferred = True  # type: ignore[attr-defined]
        else:
            membership_attach(request)
        try:
            return self.get_response(request)
        finally:
            # Threads serve other shops next; a streamed export converts its times itself.
            timezone.deactivate()
