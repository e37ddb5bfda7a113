from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sellerdesk.core.access import ShopRequest, public_view, shop_view
from sellerdesk.core.models import Role
from sellerdesk.notifications import selectors, services
from sellerdesk.notifications.forms import PreferenceForm, TelegramBotForm
from sellerdesk.notifications.models import EventKind, NotifyChannel


@shop_view(role=Role.SELLER)
@require_GET
def notification_list(request: ShopRequest) -> HttpResponse:
    context = {
        "items": selectors.recent(user=request.user, shop=request.shop),
        "unread": selectors.unread_count(user=request.user, shop=request.shop),
    }
    return render(request, "notifications/list.html", context)


@shop_view(role=Role.SELLER)
@require_GET
def badge(request: ShopRequest) -> HttpResponse:
    count = selectors.unread_count(user=request.user, shop=request.shop)
    return render(request, "notifications/list.html#badge", {"unread": count})


@shop_view(role=Role.SELLER)
@require_GET
def notification_open(request: ShopRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to its item."""
    notification = selectors.notification_get_for_user(
        user=request.user, shop=request.shop, notification_id=notification_id
    )
    services.notification_mark_read(
        user=request.user, shop=request.shop, notification_id=notification.pk
    )
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@shop_view(role=Role.SELLER)
@require_POST
def read_all(request: ShopRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user, shop=request.shop)
    return redirect("notifications:list")


def _profile_context(request: ShopRequest, form: PreferenceForm) -> dict:
    from sellerdesk.replycheck.selectors import seller_week_card

    return {
        "form": form,
        "channels": NotifyChannel,
        "link": selectors.telegram_link_for(user=request.user),
        "bot": selectors.telegram_bot(),
        "bot_form": TelegramBotForm() if request.user.is_superuser else None,
        "failed": selectors.failed_deliveries(user=request.user, shop=request.shop),
        "card": seller_week_card(shop=request.shop, user=request.user),
    }


@shop_view(role=Role.SELLER)
@require_http_methods(["GET", "POST"])
def profile(request: ShopRequest) -> HttpResponse:
    preference = selectors.preference_for(user=request.user, shop=request.shop)
    if request.method == "POST":
        form = PreferenceForm(request.POST, preference=preference)
        if form.is_valid():
            services.preference_update(
                user=request.user,
                shop=request.shop,
                channels=form.channels(),
                quiet_start=form.cleaned_data["quiet_start"],
                quiet_end=form.cleaned_data["quiet_end"],
                digest=form.cleaned_data["digest"],
            )
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:profile")
    else:
        form = PreferenceForm(preference=preference)
    return render(request, "notifications/profile.html", _profile_context(request, form))


@shop_view(role=Role.SELLER)
@require_POST
def telegram_code(request: ShopRequest) -> HttpResponse:
    services.telegram_code_issue(user=request.user)
    return redirect("notifications:profile")


@shop_view(role=Role.SELLER)
@require_POST
def telegram_check(request: ShopRequest) -> HttpResponse:
    """ "I sent the code": read the bot's messages now instead of waiting for the worker."""
    services.telegram_poll()
    link = selectors.telegram_link_for(user=request.user)
    if link and link.chat_id:
        messages.success(request, _("Telegram is linked."))
    else:
        messages.warning(request, _("The bot has not received your code yet."))
    return redirect("notifications:profile")


@shop_view(role=Role.SELLER)
@require_POST
def telegram_unlink(request: ShopRequest) -> HttpResponse:
    services.telegram_unlink(user=request.user)
    messages.success(request, _("Telegram is unlinked."))
    return redirect("notifications:profile")


@shop_view(role=Role.ADMIN)
@require_POST
def telegram_bot(request: ShopRequest) -> HttpResponse:
    """The installation's bot token: only the installation's owner (a superuser) sets it."""
    if not request.user.is_superuser:
        raise PermissionDenied
    form = TelegramBotForm(request.POST)
    if form.is_valid():
        try:
            services.telegram_bot_configure(token=form.cleaned_data["token"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Telegram bot saved."))
    else:
        messages.error(request, _("Enter the bot token given by @BotFather."))
    return redirect("notifications:profile")


@shop_view(role=Role.SELLER)
@require_POST
def delivery_retry(request: ShopRequest, notificationdelivery_id: int) -> HttpResponse:
    delivery = selectors.delivery_get_for_user(
        user=request.user, shop=request.shop, delivery_id=notificationdelivery_id
    )
    try:
        services.delivery_retry(delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message will be sent again."))
    return redirect("notifications:profile")


@public_view
@csrf_exempt  # the signed, single-purpose link is the proof (RFC 8058 one-click POST)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "")
    try:
        data = services.unsubscribe_read(token)
    except ValidationError:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    kind_label = (
        _("all events")
        if data["k"] == services.ALL_EVENTS
        else EventKind(data["k"]).label
        if data["k"] in EventKind.values
        else data["k"]
    )
    context = {"token": token, "kind_label": kind_label, "done": False}
    if request.method == "POST":
        try:
            services.unsubscribe_apply(token)
        except ValidationError:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
