from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import selectors, services
from sellerdesk.marketplaces.forms import AccountSettingsForm, TokenForm
from sellerdesk.marketplaces.models import OutboundItem


@shop_view(role=Role.MANAGER)
def account(request: ShopRequest) -> HttpResponse:
    current = selectors.account_for_shop(shop=request.shop)
    token_form = TokenForm(request.POST if request.POST.get("action") == "token" else None)
    settings_form = AccountSettingsForm(
        request.POST if request.POST.get("action") == "settings" else None,
        initial={
            "enabled": current.enabled if current else True,
            "feedbacks_base_url": current.feedbacks_base_url if current else "",
            "chat_base_url": current.chat_base_url if current else "",
        },
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "token" and token_form.is_valid():
            try:
                services.account_token_set(
                    shop=request.shop, token=token_form.cleaned_data["token"]
                )
            except ValidationError as error:
                token_form.add_error("token", error.message_dict.get("token", error.messages))
            else:
                messages.success(
                    request, _("Token saved. Test the connection to make sure it works.")
                )
                return redirect("marketplaces:account")
        elif action == "settings" and settings_form.is_valid():
            services.account_settings_update(shop=request.shop, **settings_form.cleaned_data)
            messages.success(request, _("Settings saved."))
            return redirect("marketplaces:account")
        elif action == "remove_token":
            services.account_token_remove(shop=request.shop)
            messages.success(request, _("Token removed."))
            return redirect("marketplaces:account")
    context = {
        "account": current,
        "token_form": token_form,
        "settings_form": settings_form,
        "outbox": selectors.outbound_items_recent(shop=request.shop),
        "outbox_counts": selectors.outbound_counts(shop=request.shop),
        "inbound_counts": selectors.inbound_counts(shop=request.shop),
    }
    return render(request, "marketplaces/account.html", context)


@shop_view(role=Role.MANAGER)
@require_POST
def account_test_connection(request: ShopRequest) -> HttpResponse:
    check = services.account_connection_test(shop=request.shop)
    if request.htmx:
        return render(request, "marketplaces/account.html#connection-result", {"check": check})
    (messages.success if check.ok else messages.error)(request, check.message)
    return redirect("marketplaces:account")


@shop_view(role=Role.MANAGER)
@require_POST
def account_sync_now(request: ShopRequest) -> HttpResponse:
    from sellerdesk.marketplaces.tasks import account_sync

    current = selectors.account_for_shop(shop=request.shop)
    if current is None or not current.has_token:
        messages.error(request, _("Save an API token first."))
    else:
        transaction.on_commit(partial(account_sync.delay, current.pk))
        messages.success(request, _("Sync started; new items appear in a few seconds."))
    return redirect("marketplaces:account")


@shop_view(role=Role.SELLER)
@require_GET
def outbound_item_state(request: ShopRequest, outbounditem_id: int) -> HttpResponse:
    """A reply's delivery state: every page that shows a reply polls it while it is on its way."""
    item = get_for_shop(OutboundItem, request.shop, pk=outbounditem_id)
    if not request.htmx:
        return redirect("marketplaces:account" if request.role.includes(Role.MANAGER) else "home")
    return render(request, "marketplaces/delivery_state.html", {"item": item})


@shop_view(role=Role.SELLER)
@require_POST
def outbound_item_retry(request: ShopRequest, outbounditem_id: int) -> HttpResponse:
    """The retry button of every surface (chats, questions, reviews, the outbox list)."""
    item = get_for_shop(OutboundItem, request.shop, pk=outbounditem_id)
    item = services.outbox_retry(item=item)
    if request.htmx:
        return render(request, "marketplaces/delivery_state.html", {"item": item})
    messages.success(request, _("Sending again."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "marketplaces:account" if request.role.includes(Role.MANAGER) else "home"
    return redirect(target)
