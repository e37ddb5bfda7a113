from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sellerdesk.core.access import ShopRequest, shop_view
from sellerdesk.core.models import Role
from sellerdesk.core.rollups import local_today
from sellerdesk.core.selectors import admin_shops
from sellerdesk.replycheck.forms import (
    PlaygroundForm,
    PolicySettingsForm,
    QualityFilterForm,
    RepetitionSettingsForm,
)
from sellerdesk.replycheck.models import DecisionOutcome
from sellerdesk.replycheck.selectors import (
    QualityFilter,
    code_label,
    decisions_for,
    quality_dashboard,
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
from sellerdesk.sla.links import item_url

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


# --- Quality at send (admins) -------------------------------------------------------------------


def _quality_filter(request: ShopRequest) -> tuple[QualityFilterForm, QualityFilter]:
    allowed = admin_shops(user=request.user)
    today = local_today(request.shop)
    data = request.GET.copy()
    data.setdefault("end", today.isoformat())
    data.setdefault("start", (today - timedelta(days=27)).isoformat())
    form = QualityFilterForm(data, shops=allowed, today=today)
    if form.is_valid():
        cleaned = form.cleaned_data
        return form, QualityFilter(
            shops=tuple(cleaned["shops"]) or (request.shop,),
            start=cleaned["start"],
            end=cleaned["end"],
            channel=cleaned["channel"],
            user_id=cleaned.get("seller"),
        )
    return form, QualityFilter(shops=(request.shop,), start=today - timedelta(days=27), end=today)


@shop_view(role=Role.ADMIN)
@require_GET
def quality(request: ShopRequest) -> HttpResponse:
    form, flt = _quality_filter(request)
    context = {
        "form": form,
        "flt": flt,
        "board": quality_dashboard(flt),
        "query": request.GET.urlencode(),
        "outcomes": DecisionOutcome,
    }
    template = "replycheck/quality.html#results" if request.htmx else "replycheck/quality.html"
    return render(request, template, context)


@shop_view(role=Role.ADMIN)
@require_GET
def quality_decisions(request: ShopRequest) -> HttpResponse:
    """The replies behind a number of the dashboard (seller, outcome, code)."""
    form, flt = _quality_filter(request)
    outcome = request.GET.get("outcome", "")
    code = request.GET.get("code", "")[:40]
    if outcome not in DecisionOutcome.values:
        outcome = ""
    rows = [
        (
            decision,
            _decision_link(decision.channel, decision.item_id)
            if decision.shop_id == request.shop.pk
            else None,
        )
        for decision in decisions_for(flt, outcome=outcome, code=code)
    ]
    context = {
        "form": form,
        "rows": rows,
        "outcome_label": DecisionOutcome(outcome).label if outcome else "",
        "code_label": code_label(code) if code else "",
        "query": request.GET.urlencode(),
    }
    return render(request, "replycheck/quality_decisions.html", context)


# Policy channels -> the SLA/link vocabulary of where an item lives.
_ITEM_CHANNEL = {
    "chat": "chat",
    "question_answer": "question",
    "question_decline": "question",
    "review_reply": "review",
}


def _decision_link(channel: str, item_id: int | None) -> str | None:
    if item_id is None or channel not in _ITEM_CHANNEL:
        return None
    return item_url(_ITEM_CHANNEL[channel], item_id)


class _Echo:
    def write(self, value: str) -> str:
        return value


@shop_view(role=Role.ADMIN)
@require_GET
def quality_export(request: ShopRequest) -> StreamingHttpResponse:
    """Per seller and outcome, then per check: the dashboard's figures as CSV."""
    _form, flt = _quality_filter(request)
    board = quality_dashboard(flt)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(["section", "seller", "code", *DecisionOutcome.values, "checked"])
        for row in board.sellers:
            yield writer.writerow(
                [
                    "seller",
                    row.name or "auto",
                    "",
                    *[row.outcomes[o] for o in DecisionOutcome.values],
                    row.checked,
                ]
            )
        for code in board.codes:
            yield writer.writerow(
                ["check", "", code.code, "", "", "", "", code.blocked, code.findings]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="reply-quality.csv"'
    return response
