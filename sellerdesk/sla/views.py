from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.models import Role
from sellerdesk.core.selectors import admin_shops
from sellerdesk.sla import selectors, services
from sellerdesk.sla.forms import CalendarForm, DashboardFilterForm, HolidayForm, PolicyForm
from sellerdesk.sla.links import item_url
from sellerdesk.sla.models import Channel, Holiday, SlaClock
from sellerdesk.sla.selectors import DashboardFilter


def _dashboard_filter(request: ShopRequest) -> tuple[DashboardFilterForm, DashboardFilter]:
    allowed = admin_shops(user=request.user)
    tz = ZoneInfo(request.shop.time_zone)
    today = timezone.now().astimezone(tz).date()
    data = request.GET.copy()
    # Show the default range in the date inputs, not just use it.
    if not data.get("end"):
        data["end"] = today.isoformat()
    if not data.get("start"):
        data["start"] = (today - timedelta(days=29)).isoformat()
    form = DashboardFilterForm(data, shops=allowed, today=today)
    if form.is_valid():
        data = form.cleaned_data
        shops = tuple(data["shops"]) or (request.shop,)
        flt = DashboardFilter(
            shops=shops, start=data["start"], end=data["end"], channel=data["channel"], tz=tz
        )
    else:
        empty = DashboardFilterForm({}, shops=allowed, today=today)
        empty.is_valid()
        data = empty.cleaned_data
        flt = DashboardFilter(
            shops=(request.shop,), start=data["start"], end=data["end"], channel="", tz=tz
        )
    return form, flt


def _with_links(clocks: list[SlaClock], request: ShopRequest) -> list[tuple[SlaClock, str | None]]:
    """Items of the current shop link to their page (or to the clock's own page while the
    item's app has none); another shop's items cannot be opened without switching shop."""
    rows = []
    for clock in clocks:
        link = None
        if clock.shop_id == request.shop.pk:
            link = item_url(clock.channel, clock.item_id) or reverse(
                "sla:clock", kwargs={"slaclock_id": clock.pk}
            )
        rows.append((clock, link))
    return rows


@shop_view(role=Role.ADMIN)
@require_GET
def dashboard(request: ShopRequest) -> HttpResponse:
    form, flt = _dashboard_filter(request)
    figures = selectors.dashboard_figures(flt)
    context = {
        "form": form,
        "flt": flt,
        "summary": selectors.dashboard_summary(figures),
        "chart": selectors.dashboard_breach_chart(flt, figures),
        "sellers": selectors.dashboard_per_seller(figures),
        "at_risk": _with_links(
            selectors.clocks_at_risk(shops=flt.shops, channel=flt.channel), request
        ),
        "breached": _with_links(
            selectors.clocks_breached_open(shops=flt.shops, channel=flt.channel), request
        ),
        "query": request.GET.urlencode(),
        "multi_shop": len(flt.shops) > 1,
    }
    template = "sla/dashboard.html#results" if request.htmx else "sla/dashboard.html"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@shop_view(role=Role.ADMIN)
@require_GET
def export_csv(request: ShopRequest) -> StreamingHttpResponse:
    _form, flt = _dashboard_filter(request)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(
            [
                "shop",
                "channel",
                "item_id",
                "event",
                "at",
                "duration_seconds",
                "elapsed_seconds",
                "seller",
            ]
        )
        for event in selectors.events_for_export(flt):
            yield writer.writerow(
                [
                    event.shop.name,
                    event.channel,
                    event.item_id,
                    event.kind,
                    event.at.astimezone(flt.tz).isoformat(),
                    "" if event.duration_seconds is None else event.duration_seconds,
                    "" if event.elapsed_seconds is None else event.elapsed_seconds,
                    event.seller.get_username() if event.seller else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sla-events-{flt.start}-{flt.end}.csv"'
    return response


@shop_view(role=Role.ADMIN)
@require_GET
def clock_detail(request: ShopRequest, slaclock_id: int) -> HttpResponse:
    clock = get_for_shop(SlaClock, request.shop, pk=slaclock_id)
    return render(
        request,
        "sla/clock.html",
        {
            "clock": clock,
            "events": selectors.clock_events(clock=clock),
            "item_link": item_url(clock.channel, clock.item_id),
            "tz": request.shop.time_zone,
        },
    )


@shop_view(role=Role.MANAGER)
def policies(request: ShopRequest) -> HttpResponse:
    shop = request.shop
    policy_forms = {
        channel: PolicyForm(
            request.POST or None,
            prefix=channel,
            initial={
                "target_minutes": policy.target_minutes,
                "warn_percent": policy.warn_percent,
                "business_hours": policy.business_hours,
            },
        )
        for channel in Channel.values
        for policy in [services.policy_get(shop=shop, channel=channel)]
    }
    calendar = services.calendar_get(shop=shop)
    calendar_form = CalendarForm(
        request.POST or None, prefix="calendar", initial=CalendarForm.initial_for(calendar)
    )
    # Validate every form (not short-circuit) so all errors show at once.
    valid = [form.is_valid() for form in (*policy_forms.values(), calendar_form)]
    if request.method == "POST" and all(valid):
        services.sla_settings_update(
            shop=shop,
            policies={channel: form.cleaned_data for channel, form in policy_forms.items()},
            weekly_hours=calendar_form.cleaned_data["weekly_hours"],
            check_times=calendar_form.cleaned_data["check_times"],
        )
        messages.success(request, _("SLA settings saved; open deadlines were recalculated."))
        return redirect("sla:policies")
    return render(
        request,
        "sla/policies.html",
        {
            "policy_forms": [
                (Channel(channel).label, form) for channel, form in policy_forms.items()
            ],
            "calendar_form": calendar_form,
            "holiday_form": HolidayForm(),
            "holidays": Holiday.objects.for_shop(shop).order_by("date"),
            "time_zone": shop.time_zone,
        },
    )


@shop_view(role=Role.MANAGER)
@require_POST
def holiday_add(request: ShopRequest) -> HttpResponse:
    form = HolidayForm(request.POST)
    if form.is_valid():
        if Holiday.objects.for_shop(request.shop).filter(date=form.cleaned_data["date"]).exists():
            messages.error(request, _("That day is already a holiday."))
        else:
            services.sla_holiday_add(
                shop=request.shop, day=form.cleaned_data["date"], name=form.cleaned_data["name"]
            )
            messages.success(request, _("Holiday added."))
    else:
        messages.error(request, _("Enter a valid date."))
    return redirect("sla:policies")


@shop_view(role=Role.MANAGER)
@require_POST
def holiday_delete(request: ShopRequest, holiday_id: int) -> HttpResponse:
    holiday = get_for_shop(Holiday, request.shop, pk=holiday_id)
    services.sla_holiday_delete(holiday=holiday)
    messages.success(request, _("Holiday removed."))
    return redirect("sla:policies")


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@shop_view(role=Role.SELLER)
def reminders(request: ShopRequest) -> HttpResponse:
    if request.method == "POST":
        services.reminder_mark_read(shop=request.shop, user_id=request.user.pk)
        return redirect("sla:reminders")
    return render(
        request,
        "sla/reminders.html",
        {
            "reminders": selectors.reminders_for(shop=request.shop, user=request.user),
            "unread": selectors.unread_reminder_count(shop=request.shop, user=request.user),
            "chats_url": _reverse_or_none("chats:inbox"),
        },
    )


@shop_view(role=Role.SELLER)
@require_GET
def reminder_badge(request: ShopRequest) -> HttpResponse:
    count = selectors.unread_reminder_count(shop=request.shop, user=request.user)
    return HttpResponse(str(count) if count else "")
