from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sellerdesk.core.access import ShopRequest, shop_view
from sellerdesk.core.models import Role
from sellerdesk.replycheck.forms import (
    PlaygroundForm,
    PolicySettingsForm,
    RepetitionSettingsForm,
)
from sellerdesk.replycheck.selectors import (
    repetition_settings_get,
    shop_policy_get,
    shop_policy_problem,
    shop_policy_record,
)
from sellerdesk.replycheck.services import (
    CHANNELS,
    repetition_settings_update,
    reply_check_with_policy,
    shop_policy_update,
)

MAX_LIVE_TEXT = 20_000
# The longest buyer name any reply box holds (chats.Conversation.buyer_name).
MAX_BUYER_NAME = 200
# The live check is advice while typing; rules saved in another worker reach it within
# this many seconds, while the send itself is always guarded with the current rules.
LIVE_POLICY_MAX_AGE = 2.0


@shop_view(role=Role.SELLER)
@require_POST
@transaction.non_atomic_requests  # read-only and hot (every pause in typing): no BEGIN/COMMIT
def live(request: ShopRequest) -> HttpResponse:
    """The findings panel for the text being typed (htmx, debounced)."""
    text = request.POST.get("text", "")
    channel = request.POST.get("channel", "chat")
    buyer_name = request.POST.get("buyer_name", "")
    if channel not in CHANNELS:
        return HttpResponseBadRequest()
    # Over-long input is refused before the engine sees it, with a message in the panel
    # (htmx swaps only 2xx answers; the typed text stays in the box either way).
    if len(text) > MAX_LIVE_TEXT:
        return _live_refusal(
            _("The reply is longer than %(count)s characters: shorten it to check it.")
            % {"count": MAX_LIVE_TEXT}
        )
    if len(buyer_name) > MAX_BUYER_NAME:
        return _live_refusal(
            _("The buyer's name is longer than %(count)s characters.") % {"count": MAX_BUYER_NAME}
        )
    if not text.strip():
        return HttpResponse("")
    report, policy = reply_check_with_policy(
        shop=request.shop,
        text=text,
        channel=channel,
        buyer_name=buyer_name or None,
        policy_max_age=LIVE_POLICY_MAX_AGE,
    )
    # Rendered without the request: the fragment needs no shell context, and skipping the
    # context processors (menu, shop list) matters on a request made at every typing pause.
    html = render_to_string(
        "replycheck/findings.html",
        {
            "report": report,
            "text": text,
            "channel": channel,
            "required_parts": policy.requires(channel),
            "field_id": request.POST.get("field_id", ""),
            "warnings_confirmed": bool(request.POST.get("warnings_confirmed")),
            "live_check": True,
        },
    )
    return HttpResponse(html)


def _live_refusal(message: str) -> HttpResponse:
    return HttpResponse(
        format_html(
            '<div class="replycheck-findings" data-ok="0">'
            '<p class="replycheck-status status-error" role="alert">{}</p></div>',
            message,
        ),
        status=200,
    )


@shop_view(role=Role.SELLER)
def playground(request: ShopRequest) -> HttpResponse:
    """Try the shop's rules on a draft; the form POST works without JavaScript."""
    report = None
    required: tuple[str, ...] = ()
    form = PlaygroundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report, policy = reply_check_with_policy(
            shop=request.shop,
            text=form.cleaned_data["text"],
            channel=form.cleaned_data["channel"],
            buyer_name=form.cleaned_data["buyer_name"] or None,
        )
        required = policy.requires(form.cleaned_data["channel"])
    context = {
        "form": form,
        "report": report,
        "required_parts": required,
        "text": form.data.get("text", "") if form.is_bound else "",
    }
    return render(request, "replycheck/playground.html", context)


@shop_view(role=Role.MANAGER)
def policy_settings(request: ShopRequest) -> HttpResponse:
    """Managers edit the shop's reply rules through a form (never raw JSON)."""
    current = shop_policy_get(shop=request.shop).to_dict()
    if request.method == "POST":
        form = PolicySettingsForm(request.POST, policy_data=current)
        if form.is_valid():
            try:
                shop_policy_update(shop=request.shop, data=form.policy_data(), user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Reply rules saved."))
                return redirect("replycheck:policy_settings")
    else:
        form = PolicySettingsForm(policy_data=current)
    return render(
        request,
        "replycheck/policy_settings.html",
        {
            "form": form,
            "record": shop_policy_record(shop=request.shop),
            "problem": shop_policy_problem(shop=request.shop),
        },
    )


@shop_view(role=Role.MANAGER)
def repetition_settings(request: ShopRequest) -> HttpResponse:
    """When a public reply counts as repetitive: similarity, how many, over how many days."""
    current = repetition_settings_get(shop=request.shop)
    form = RepetitionSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            repetition_settings_update(shop=request.shop, fields=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Repetition settings saved."))
            return redirect("replycheck:repetition_settings")
    return render(request, "replycheck/repetition_settings.html", {"form": form})
