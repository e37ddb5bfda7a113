from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from sellerdesk.core import selectors, services
from sellerdesk.core.access import ShopRequest, get_for_shop, public_view, shop_view
from sellerdesk.core.forms import MemberInviteForm, MemberRoleForm
from sellerdesk.core.models import Membership, Role
from sellerdesk.core.navigation import MAIN, nav_sections_for


@shop_view()
@require_GET
def home(request: ShopRequest) -> HttpResponse:
    """Land on the first section the person may open."""
    items = nav_sections_for(request.role)[MAIN]
    if items:
        return redirect(items[0][1])
    return render(request, "core/home.html")


@shop_view()
@require_POST
def shop_switch(request: ShopRequest) -> HttpResponse:
    try:
        shop_id = int(request.POST.get("shop", ""))
    except ValueError as exc:
        raise Http404 from exc
    membership = selectors.membership_get_for_user(user=request.user, shop_id=shop_id)
    if membership is None:
        raise Http404
    services.current_shop_switch(request=request, membership=membership)
    target = "home"
    if request.htmx:
        return HttpResponseClientRedirect("/")
    return redirect(target)


@shop_view(role=Role.ADMIN)
def member_list(request: ShopRequest) -> HttpResponse:
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.member_invite(
            shop=request.shop,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            first_name=form.cleaned_data["first_name"],
            role=Role(form.cleaned_data["role"]),
        )
        messages.success(request, _("Member added."))
        return redirect("core:member_list")
    members = selectors.member_list(shop=request.shop)
    return render(
        request,
        "core/members.html",
        {
            "members": members,
            "form": form,
            "roles": Role.choices,
            "locked": selectors.member_locked_usernames(shop=request.shop),
        },
    )


@shop_view(role=Role.ADMIN)
@require_POST
def member_update(request: ShopRequest, membership_id: int) -> HttpResponse:
    membership = get_for_shop(Membership, request.shop, pk=membership_id)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot change your own role."))
        return redirect("core:member_list")
    if request.POST.get("action") == "unlock":
        services.member_unlock(membership=membership)
        messages.success(request, _("The member can log in again."))
        return redirect("core:member_list")
    if request.POST.get("action") == "remove":
        try:
            services.membership_revoke(membership=membership)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Member removed from the shop."))
        return redirect("core:member_list")
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_grant(
                shop=request.shop, user=membership.user, role=Role(form.cleaned_data["role"])
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Role changed."))
    else:
        messages.error(request, _("Choose a valid role."))
    return redirect("core:member_list")


@public_view
@never_cache
@transaction.non_atomic_requests  # ATOMIC_REQUESTS would connect (and fail) before the check
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachability, for load balancers and the compose healthcheck: 200
    when both answer, else 503 naming what is down (JSON either way, never an error page)."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means "not reachable"
        status["database"] = f"error: {exc.__class__.__name__}"
    try:
        from sellerdesk.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # kombu raises transport-specific errors
        status["broker"] = f"error: {exc.__class__.__name__}"
    down = [name for name, value in status.items() if value != "ok"]
    return JsonResponse(
        {"status": "error" if down else "ok", "down": down, **status},
        status=503 if down else 200,
    )
