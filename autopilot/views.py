"""The autopilot page per shop (tabs, figures, chart), the Scheduled tab's actions, the rules."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from autopilot import selectors, services
from autopilot.forms import AnswerManyForm, AutopilotSettingsForm, AutoReplyEditForm
from autopilot.models import AutoReply, SystemicAlert
from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.models import Role

TAB_LABELS = {
    "escalated": pgettext_lazy("autopilot tab", "Escalated"),
    "scheduled": pgettext_lazy("autopilot tab", "Scheduled"),
    "draft": pgettext_lazy("autopilot tab", "Drafts for a person"),
    "sent": pgettext_lazy("autopilot tab", "Sent automatically"),
    "cancelled": pgettext_lazy("autopilot tab", "Cancelled"),
}


@shop_view(role=Role.SELLER)
@require_GET
def page(request: ShopRequest) -> HttpResponse:
    tab = request.GET.get("tab", "")
    if tab not in selectors.TABS:
        tab = "escalated" if selectors.escalated_count(shop=request.shop) else "scheduled"
    figures = selectors.figures(shop=request.shop)
    items = list(selectors.auto_replies(shop=request.shop, tab=tab)[: selectors.PAGE_SIZE])
    counts = selectors.tab_counts(shop=request.shop)
    context = {
        "tab": tab,
        "tabs": [(name, TAB_LABELS[name], counts[name]) for name in selectors.TABS],
        "items": items,
        "figures": figures,
        "chart": selectors.chart(figures),
        "alerts": selectors.open_alerts(shop=request.shop),
        "settings": selectors.autopilot_settings_get(shop=request.shop),
        "is_manager": request.role is not None and request.role.includes(Role.MANAGER),
    }
    return render(request, "autopilot/page.html", context)


@shop_view(role=Role.SELLER)
@require_GET
def escalated_badge(request: ShopRequest) -> HttpResponse:
    count = selectors.escalated_count(shop=request.shop)
    return HttpResponse(str(count) if count else "")


def _back(tab: str = "scheduled"):
    return redirect(f"{_page_url()}?tab={tab}")


def _page_url() -> str:
    from django.urls import reverse

    return reverse("autopilot:page")


@shop_view(role=Role.SELLER)
@require_POST
def edit(request: ShopRequest, auto_reply_id: int) -> HttpResponse:
    auto = get_for_shop(AutoReply, request.shop, pk=auto_reply_id)
    form = AutoReplyEditForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The reply was not changed: it cannot be empty or longer than 5000 characters."),
        )
        return _back()
    try:
        services.auto_reply_edit(auto=auto, text=form.cleaned_data["text"], user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The scheduled reply was changed; it is checked again before sending.")
        )
    return _back()


@shop_view(role=Role.SELLER)
@require_POST
def cancel(request: ShopRequest, auto_reply_id: int) -> HttpResponse:
    auto = get_for_shop(AutoReply, request.shop, pk=auto_reply_id)
    try:
        services.auto_reply_cancel(auto=auto, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The reply will not be sent; the draft waits in the review's reply box.")
        )
    return _back()


@shop_view(role=Role.SELLER)
@require_POST
def send_now(request: ShopRequest, auto_reply_id: int) -> HttpResponse:
    auto = get_for_shop(AutoReply, request.shop, pk=auto_reply_id)
    try:
        services.auto_reply_send_now(auto=auto, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The reply is being sent."))
    return _back()


@shop_view(role=Role.MANAGER)
@require_POST
def alert_resolve(request: ShopRequest, systemic_alert_id: int) -> HttpResponse:
    alert = get_for_shop(SystemicAlert, request.shop, pk=systemic_alert_id)
    services.systemic_alert_resolve(alert=alert, user=request.user)
    return _back("escalated")


@shop_view(role=Role.MANAGER)
def settings_page(request: ShopRequest) -> HttpResponse:
    current = selectors.autopilot_settings_get(shop=request.shop)
    form = AutopilotSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.autopilot_settings_update(
                shop=request.shop, fields=form.cleaned_data, user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Autopilot rules saved."))
            return redirect("autopilot:settings")
    return render(request, "autopilot/settings.html", {"form": form})


@shop_view(role=Role.SELLER)
@require_GET
def export_csv(request: ShopRequest) -> HttpResponse:
    figures = selectors.figures(shop=request.shop, days=90)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="autopilot.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "date",
            "drafted",
            "sent_automatically",
            "edited_before_sending",
            "cancelled",
            "escalated",
            "answered_by_people",
        ]
    )
    for row in figures.days:
        writer.writerow(
            [
                row.day.isoformat(),
                row.drafted,
                row.sent,
                row.edited,
                row.cancelled,
                row.escalated,
                row.by_people,
            ]
        )
    return response


@shop_view(role=Role.SELLER)
def questions_many(request: ShopRequest) -> HttpResponse:
    """Select several open questions, write one answer: each buyer gets it with their own
    name, each answer is checked and delivered on its own."""
    product = request.GET.get("product") or request.POST.get("product") or ""
    product_id = int(product) if product.isdigit() else None
    results = []
    form = AnswerManyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        results = services.questions_answer_many(
            shop=request.shop,
            question_ids=form.cleaned_data["question_ids"],
            text=form.cleaned_data["text"],
            user=request.user,
            warnings_confirmed=form.cleaned_data["warnings_confirmed"],
        )
    context = {
        "form": form,
        "questions": selectors.open_questions(shop=request.shop, product_id=product_id),
        "product": product_id or "",
        "results": results,
        "selected": set(form.cleaned_data["question_ids"])
        if form.is_bound and form.is_valid()
        else set(),
    }
    return render(request, "autopilot/questions.html", context)
