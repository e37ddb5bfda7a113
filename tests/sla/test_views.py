"""The SLA pages as admins, managers and sellers use them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sellerdesk.core.models import Role
from sellerdesk.sla import services
from sellerdesk.sla.hooks import waiting_started, waiting_stopped
from sellerdesk.sla.models import Holiday, SlaClock, SlaPolicy
from tests.factories import ShopFactory, member

pytestmark = pytest.mark.django_db


def _history(shop, seller, *, base_item=1):
    """Three chat periods 2 days ago: answered in 10 and 30 minutes, and one after 3 hours."""
    start = timezone.now() - timedelta(days=2)
    for offset, minutes in enumerate((10, 30, 180)):
        item = base_item + offset
        waiting_started(shop=shop, channel="chat", item_id=item, since=start)
        waiting_stopped(
            shop=shop,
            channel="chat",
            item_id=item,
            at=start + timedelta(minutes=minutes),
            by_user_id=seller.pk,
        )


def test_dashboard_shows_share_within_target_and_percentiles(shops, admin_client_shop):
    _history(shops.mine, shops.users[Role.SELLER])
    response = admin_client_shop.get(reverse("sla:dashboard"))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.met, summary.breached, summary.answered) == (2, 1, 3)
    # Percentiles come from response-time buckets (one minute wide around 30 min, an hour
    # wide at 3 h): each order statistic is within half its bucket of the exact one.
    assert summary.median_seconds == pytest.approx(30 * 60, abs=60)
    assert summary.p90_seconds == pytest.approx(30 * 60 + 0.8 * (180 - 30) * 60, abs=30 * 60)
    content = response.content.decode()
    assert "66.7 %" in content
    seller_row = response.context["sellers"][0]
    assert (seller_row.answered, seller_row.met, seller_row.late) == (3, 2, 1)
    assert response.context["chart"].max_count == 1


def test_dashboard_date_filter_excludes_older_events(shops, admin_client_shop):
    _history(shops.mine, shops.users[Role.SELLER])
    today = timezone.now().date()
    response = admin_client_shop.get(
        reverse("sla:dashboard"), {"start": today.isoformat(), "end": today.isoformat()}
    )
    assert response.context["summary"].answered == 0


def test_dashboard_never_mixes_in_shops_where_the_viewer_is_not_admin(shops, admin_client_shop):
    _history(shops.other, shops.other_users[Role.SELLER], base_item=100)
    response = admin_client_shop.get(reverse("sla:dashboard"), {"shops": [shops.other.pk]})
    # The foreign shop is not a valid choice: the page falls back to the current shop only.
    assert response.context["flt"].shops == (shops.mine,)
    assert response.context["summary"].answered == 0


def test_admin_of_two_shops_can_combine_them(shops, admin_client_shop):
    admin = shops.users[Role.ADMIN]
    second = ShopFactory(name="Второй магазин")
    from tests.factories import MembershipFactory

    MembershipFactory(user=admin, shop=second, role=Role.ADMIN)
    _history(shops.mine, shops.users[Role.SELLER])
    _history(second, member(second, Role.SELLER, username="second-seller"), base_item=200)
    response = admin_client_shop.get(
        reverse("sla:dashboard"), {"shops": [shops.mine.pk, second.pk]}
    )
    assert response.context["summary"].answered == 6


def test_breached_and_at_risk_items_are_listed_with_links(shops, admin_client_shop):
    now = timezone.now()
    waiting_started(shop=shops.mine, channel="chat", item_id=11, since=now - timedelta(minutes=50))
    breached = services.sla_waiting_start(
        shop=shops.mine, channel="chat", item_id=12, since=now - timedelta(hours=2)
    )
    services.sla_sweep(now=now)
    response = admin_client_shop.get(reverse("sla:dashboard"))
    at_risk = response.context["at_risk"]
    assert [clock.item_id for clock, _link in at_risk] == [11]
    ((clock, link),) = response.context["breached"]
    assert clock == breached and link
    assert link in response.content.decode()


def test_htmx_filter_renders_only_the_results(shops, admin_client_shop):
    response = admin_client_shop.get(reverse("sla:dashboard"), HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'id="sla-results"' in content
    assert "<html" not in content


def test_csv_export_streams_the_events(shops, admin_client_shop):
    _history(shops.mine, shops.users[Role.SELLER])
    response = admin_client_shop.get(reverse("sla:export"))
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0].startswith("shop,channel,item_id,event")
    kinds = [line.split(",")[3] for line in lines[1:]]
    assert (
        kinds.count("started") == 3
        and kinds.count("met") == 2
        and kinds.count("answered_late") == 1
    )


def test_clock_page_shows_the_timeline(shops, admin_client_shop):
    _history(shops.mine, shops.users[Role.SELLER])
    clock = SlaClock.objects.get(item_id=3)
    response = admin_client_shop.get(reverse("sla:clock", kwargs={"slaclock_id": clock.pk}))
    assert response.status_code == 200
    assert [event.kind for event in response.context["events"]] == [
        "started",
        "breached",
        "answered_late",
    ]


def test_manager_saves_policies_and_open_deadlines_move(shops, manager_client):
    since = timezone.now()
    clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=since)
    data = {
        "chat-target_minutes": "30",
        "chat-warn_percent": "50",
        "question-target_minutes": "1440",
        "question-warn_percent": "80",
        "review-target_minutes": "1440",
        "review-warn_percent": "80",
        "calendar-day_0": "09:00-18:00",
        "calendar-day_1": "09:00-18:00",
        "calendar-day_2": "09:00-18:00",
        "calendar-day_3": "09:00-18:00",
        "calendar-day_4": "09:00-18:00",
        "calendar-day_5": "10:00-16:00",
        "calendar-day_6": "",
        "calendar-check_times": "10:00, 17:30",
    }
    response = manager_client.post(reverse("sla:policies"), data)
    assert response.status_code == 302
    assert SlaPolicy.objects.get(shop=shops.mine, channel="chat").target_minutes == 30
    clock.refresh_from_db()
    assert clock.sla_due_at == since + timedelta(minutes=30)
    calendar = services.calendar_get(shop=shops.mine)
    assert calendar.weekly_hours["5"] == [["10:00", "16:00"]]
    assert calendar.check_times == ["10:00", "17:30"]


def test_invalid_working_hours_are_refused_with_a_message(shops, manager_client):
    data = {
        "chat-target_minutes": "60",
        "chat-warn_percent": "80",
        "question-target_minutes": "1440",
        "question-warn_percent": "80",
        "review-target_minutes": "1440",
        "review-warn_percent": "80",
        "calendar-day_0": "nine to six",
    }
    response = manager_client.post(reverse("sla:policies"), data)
    assert response.status_code == 200
    assert response.context["calendar_form"].errors
    assert not SlaPolicy.objects.filter(shop=shops.mine).exists()


def test_holidays_are_added_and_removed(shops, manager_client):
    manager_client.post(reverse("sla:holiday_add"), {"date": "2026-12-31", "name": "Канун"})
    holiday = Holiday.objects.get(shop=shops.mine)
    manager_client.post(reverse("sla:holiday_delete", kwargs={"holiday_id": holiday.pk}))
    assert not Holiday.objects.filter(shop=shops.mine).exists()


def test_seller_sees_reminders_and_badge(shops, seller_client):
    waiting_started(
        shop=shops.mine, channel="chat", item_id=1, since=datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    )
    services.sla_send_reminders(now=datetime(2026, 11, 24, 6, 1, tzinfo=UTC))  # 09:01 Moscow
    assert seller_client.get(reverse("sla:reminder_badge")).content == b"1"
    page = seller_client.get(reverse("sla:reminders"))
    assert "1" in page.context["reminders"][0].text
    seller_client.post(reverse("sla:reminders"))
    assert seller_client.get(reverse("sla:reminder_badge")).content == b""


def test_badge_tag_marks_due_soon_and_overdue(shops):
    from django.template import Context, Template

    from sellerdesk.sla.selectors import due_at_map

    now = timezone.now()
    waiting_started(shop=shops.mine, channel="question", item_id=1, since=now - timedelta(hours=20))
    waiting_started(shop=shops.mine, channel="question", item_id=2, since=now - timedelta(hours=25))
    waiting_started(shop=shops.mine, channel="question", item_id=3, since=now)
    sla_map = due_at_map("question", [1, 2, 3], shop=shops.mine)
    template = Template(
        "{% load sla_tags %}{% for id in ids %}[{% sla_badge sla_map id %}]{% endfor %}"
    )
    html = template.render(Context({"sla_map": sla_map, "ids": [1, 2, 3, 4]}))
    assert "sla-badge-soon" in html and "sla-badge-breached" in html and "sla-badge-ok" in html
    assert html.endswith("[]")


def test_dashboard_query_count_does_not_grow_with_items(
    shops, admin_client_shop, django_assert_max_num_queries
):
    now = timezone.now()
    for item in range(30):
        waiting_started(
            shop=shops.mine,
            channel="chat",
            item_id=1000 + item,
            since=now - timedelta(hours=2 + item % 2),
        )
        waiting_started(
            shop=shops.mine,
            channel="question",
            item_id=2000 + item,
            since=now - timedelta(hours=20),
        )
    services.sla_sweep(now=now)
    _history(shops.mine, shops.users[Role.SELLER])
    # Figures: which days are rolled up, roll-ups per seller and per day, raw rows of the
    # other days per seller and per day; plus the lists and the page shell.
    with django_assert_max_num_queries(16):
        response = admin_client_shop.get(reverse("sla:dashboard"))
    assert len(response.context["breached"]) == 30
    assert len(response.context["at_risk"]) == 30
