from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sellerdesk.core.access import resolve_membership


class CurrentShopMiddleware:
    """Attach ``request.membership``, ``request.shop`` and ``request.role`` for every request.

    One query (membership joined with shop) for a logged-in user; anonymous users get None.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = resolve_membership(request)
        request.membership = membership  # type: ignore[attr-defined]
        request.shop = membership.shop if membership else None  # type: ignore[attr-defined]
        request.role = membership.role_enum if membership else None  # type: ignore[attr-defined]
        return self.get_response(request)
