"""Who may see what: the single place that resolves the current shop and checks roles.

Views declare their access with ``@shop_view(role=...)`` (or ``@public_view``); the
URL-walk test in ``tests/core/test_access.py`` refuses any view that declares neither.
Objects are fetched with ``get_for_shop`` so another shop's id is a 404, never a leak.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from sellerdesk.core.models import Membership, Role, Shop

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails

ModelT = TypeVar("ModelT", bound=models.Model)
View = Callable[..., HttpResponseBase]

SESSION_SHOP_KEY = "current_shop_id"


class ShopRequest(HttpRequest):
    """What a view behind ``shop_view`` may rely on (for type checkers and readers)."""

    user: User
    membership: Membership
    shop: Shop
    role: Role
    htmx: HtmxDetails  # django-htmx's middleware


def resolve_membership(request: HttpRequest) -> Membership | None:
    """The membership for the shop chosen in this session, else the user's first shop."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = list(
        Membership.objects.filter(user=user).select_related("shop").order_by("shop__name", "pk")
    )
    if not memberships:
        return None
    wanted = request.session.get(SESSION_SHOP_KEY)
    for membership in memberships:
        if membership.shop_id == wanted:
            return membership
    return memberships[0]


def membership_attach(request: HttpRequest) -> None:
    """Set ``request.membership``, ``request.shop`` and ``request.role`` (one query) and
    activate the shop's time zone."""
    membership = resolve_membership(request)
    request.membership = membership  # type: ignore[attr-defined]
    request.shop = membership.shop if membership else None  # type: ignore[attr-defined]
    request.role = membership.role_enum if membership else None  # type: ignore[attr-defined]
    request.membership_deferred = False  # type: ignore[attr-defined]
    # Every time a page or an export shows is in the shop's zone (the middleware resets it).
    if membership is not None:
        timezone.activate(zoneinfo.ZoneInfo(membership.shop.time_zone))


Precheck = Callable[[HttpRequest], "HttpResponseBase | None"]


def shop_view(
    role: Role = Role.SELLER, *, precheck: Precheck | None = None
) -> Callable[[View], View]:
    """Require a logged-in member of the current shop holding at least ``role``.

    ``precheck`` is for endpoints polled by every open page: it runs before the user and
    the membership are read (the middleware leaves them unresolved for such views) and may
    answer on its own, without a database query, when it can prove the answer is "nothing
    new" to a caller it recognised by a signed token; returning None runs the full check.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if precheck is not None:
                early = precheck(request)
                if early is not None:
                    return early
            if getattr(request, "membership_deferred", False):
                membership_attach(request)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership: Membership | None = request.membership  # type: ignore[attr-defined]
            if membership is None:
                return render(request, "core/no_shop.html", status=403)
            if not membership.role_enum.includes(role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_role = role  # type: ignore[attr-defined]
        wrapper.defers_membership = precheck is not None  # type: ignore[attr-defined]
        return wrapper

    return decorator


def public_view(view: View) -> View:
    """Mark a view as reachable without a shop membership (login, health check)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def get_for_shop(
    model_or_qs: type[ModelT] | models.QuerySet[ModelT], shop: Shop, **lookup
) -> ModelT:
    """Fetch one object of ``shop`` or raise 404 — never another shop's object."""
    queryset: models.QuerySet[ModelT] = (
        model_or_qs
        if isinstance(model_or_qs, models.QuerySet)
        else model_or_qs._default_manager.all()
    )
    # Every shop-owned model's manager is a ShopScopedManager; its querysets know for_shop().
    return get_object_or_404(queryset.for_shop(shop), **lookup)  # type: ignore[attr-defined]
