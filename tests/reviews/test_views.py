"""The reviews pages as a seller and a manager see them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import CaseStatus, OfferStatus, ReviewStatus, Situation, SituationRule
from sellerdesk.core.models import Role
from tests.factories import ProductFactory
from tests.reviews.conftest import GOOD_REPLY, RATING_REQUEST, write

pytestmark = pytest.mark.django_db


def _many(shop, count: int, **extra):
    start = timezone.now() - timedelta(days=1)
    return [
        write(
            shop,
            (i % 5) + 1,
            f"Отзыв номер {i}: чайник",
            created_at=start + timedelta(minutes=i),
            **extra,
        )
        for i in range(count)
    ]


def test_list_tabs_filters_and_search(shop, seller_client, seller):
    kettle = ProductFactory(shop=shop, name="Чайник")
    plaid = ProductFactory(shop=shop, name="Плед")
    broken = write(shop, 1, "Чайник пришёл разбитым", product=kettle)
    happy = write(shop, 5, "Плед мягкий и тёплый", product=plaid)
    services.review_answer(review=happy, text=GOOD_REPLY, user=seller)
    services.case_open(review=write(shop, 2, "Брак, не работает", product=kettle), user=seller)
    write(
        shops_other := shop.__class__.objects.exclude(pk=shop.pk).first(),
        1,
        "Чужой отзыв про чайник",
    )
    assert shops_other is not None

    page = seller_client.get(reverse("reviews:list")).content.decode()
    assert f'data-review="{broken.pk}"' in page and "Чужой отзыв" not in page
    assert 'data-tab="unanswered"' in page
    answered = seller_client.get(reverse("reviews:list"), {"tab": "answered"}).content.decode()
    assert f'data-review="{happy.pk}"' in answered
    in_resolution = seller_client.get(reverse("reviews:list"), {"tab": "in_resolution"})
    assert in_resolution.context["tabs"][2]["count"] == 1

    by_rating = seller_client.get(reverse("reviews:list"), {"tab": "answered", "rating": 5})
    assert [r.pk for r in by_rating.context["page"].items] == [happy.pk]
    by_group = seller_client.get(reverse("reviews:list"), {"group": "positive"})
    assert by_group.context["tabs"][1]["count"] == 1 and by_group.context["tabs"][0]["count"] == 0
    by_product = seller_client.get(
        reverse("reviews:list"), {"product": plaid.pk, "tab": "answered"}
    )
    assert [r.pk for r in by_product.context["page"].items] == [happy.pk]
    # Word forms: «разбитый» finds «разбитым» (PostgreSQL full-text search).
    found = seller_client.get(reverse("reviews:list"), {"q": "разбитый"})
    assert [r.pk for r in found.context["page"].items] == [broken.pk]
    fragment = seller_client.get(
        reverse("reviews:list"), {"q": "бит"}, headers={"HX-Request": "true"}
    )
    assert (
        b"<html" not in fragment.content
        and f'data-review="{broken.pk}"'.encode() in fragment.content
    )


def test_list_query_count_does_not_grow_with_reviews(
    shop, seller_client, django_assert_max_num_queries
):
    _many(shop, 5, photos=[services.NewPhoto(url="https://example.com/a.jpg")])
    with django_assert_max_num_queries(12) as small:
        seller_client.get(reverse("reviews:list"))
    _many(shop, 60, photos=[services.NewPhoto(url="https://example.com/b.jpg")])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = seller_client.get(reverse("reviews:list"), {"q": "чайник"})
    assert len(response.context["page"].items) == 25
    assert response.context["next_url"]
    older = seller_client.get(reverse("reviews:list") + response.context["next_url"])
    assert not {r.pk for r in older.context["page"].items} & {
        r.pk for r in response.context["page"].items
    }


def test_detail_shows_playbook_suggested_template_and_photo(shop, seller_client):
    from templates_lib.services import templates_install_defaults

    templates_install_defaults(shop=shop, languages=("ru",))
    review = write(
        shop,
        1,
        "Коробка помята, чайник разбитый",
        photos=[services.NewPhoto(name="p.png", content=b"png")],
    )
    page = seller_client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert 'data-situation="damaged_in_transit"' in page
    assert "Попросить фото упаковки" in page
    assert 'data-suggested="review.damaged_in_transit:ru"' in page
    assert 'data-channel="review_reply"' in page
    photo = review.photos.get()
    assert seller_client.get(reverse("reviews:photo", args=[photo.pk])).status_code == 200


def test_refused_reply_shows_the_rating_finding(shop, seller_client):
    review = write(shop, 1, "Разбит")
    response = seller_client.post(
        reverse("reviews:answer", args=[review.pk]), {"text": RATING_REQUEST}
    )
    assert response.status_code == 400
    assert b'data-code="rating_manipulation"' in response.content
    review.refresh_from_db()
    assert review.status == ReviewStatus.UNANSWERED


def test_answer_redirects_and_publishes(shop, seller_client):
    review = write(shop, 5, "Отлично")
    response = seller_client.post(reverse("reviews:answer", args=[review.pk]), {"text": GOOD_REPLY})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANSWERED and review.answer_text == GOOD_REPLY


def test_case_panel_with_htmx(shop, seller_client, manager_client):
    review = write(shop, 1, "Коробка помята, чайник разбитый")
    htmx = {"HX-Request": "true"}
    panel = seller_client.post(reverse("reviews:case_open", args=[review.pk]), headers=htmx)
    assert (
        panel.status_code == 200
        and b'id="case-panel"' in panel.content
        and b"<html" not in panel.content
    )
    case = review.case
    panel = seller_client.post(
        reverse("reviews:case_step", args=[case.pk]), {"key": "apologise"}, headers=htmx
    )
    assert b'class="step-done" data-step="apologise"' in panel.content
    panel = seller_client.post(
        reverse("reviews:case_offer", args=[case.pk]), {"amount": "2000"}, headers=htmx
    )
    assert b'data-offer-status="needs_approval"' in panel.content
    assert b'name="decision"' not in panel.content  # a seller cannot approve
    assert (
        seller_client.post(
            reverse("reviews:offer_decide", args=[case.offers.get().pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    refused = seller_client.post(reverse("reviews:case_resolve", args=[case.pk]), headers=htmx)
    assert refused.status_code == 400 and b'role="alert"' in refused.content
    manager_client.post(
        reverse("reviews:offer_decide", args=[case.offers.get().pk]), {"decision": "approve"}
    )
    assert case.offers.get().status == OfferStatus.APPROVED
    seller_client.post(reverse("reviews:case_resolve", args=[case.pk]), {"note": "Готово"})
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    page = seller_client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert 'data-case-status="resolved"' in page and "Готово" in page


def test_settings_rules_and_limits_are_for_managers(shop, seller_client, manager_client):
    assert seller_client.get(reverse("reviews:settings")).status_code == 403
    page = manager_client.get(reverse("reviews:settings"))
    assert page.status_code == 200 and len(page.context["rules"]) == 5
    saved = manager_client.post(
        reverse("reviews:settings"), {"coupon_min": "50", "coupon_max": "700", "currency": "RUB"}
    )
    assert saved.status_code == 302
    assert services.review_settings_ensure(shop=shop).coupon_max == Decimal("700")
    created = manager_client.post(
        reverse("reviews:rule_create"),
        {
            "situation": Situation.DEFECT,
            "phrases": "облупилась\nскол",
            "fuzzy": "on",
            "enabled": "on",
        },
    )
    assert created.status_code == 302
    rule = SituationRule.objects.for_shop(shop).order_by("-position").first()
    assert rule.phrase_list == ["облупилась", "скол"]
    manager_client.post(reverse("reviews:rule_move", args=[rule.pk]), {"direction": "up"})
    rule.refresh_from_db()
    assert rule.position == 4
    manager_client.post(reverse("reviews:rule_delete", args=[rule.pk]))
    assert not SituationRule.objects.filter(pk=rule.pk).exists()


def test_badge_counts_unanswered(shop, seller_client):
    write(shop, 5, "Хорошо")
    write(shop, 4, "Неплохо")
    assert seller_client.get(reverse("reviews:unanswered_badge")).content == b"2"


def test_nav_has_reviews(shop, seller_client):
    page = seller_client.get(reverse("reviews:list")).content.decode()
    assert (
        reverse("reviews:unanswered_badge") in page and f'href="{reverse("reviews:list")}"' in page
    )


def test_detail_query_count_does_not_grow_with_photos_steps_or_offers(
    shop, seller, seller_client, manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def detail_queries(review) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert seller_client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200
        return len(captured.captured_queries)

    small = write(shop, 1, "Брак", photos=[services.NewPhoto(url="https://example.com/1.jpg")])
    case = services.case_open(review=small, user=seller)
    services.compensation_offer(case=case, amount=Decimal("200"), user=seller, role=Role.SELLER)
    big = write(
        shop,
        1,
        "Брак",
        photos=[services.NewPhoto(url=f"https://example.com/{i}.jpg") for i in range(6)],
    )
    case = services.case_open(review=big, user=seller)
    for key in ("contact_buyer", "apologise", "offer_exchange"):
        services.case_step_complete(case=case, key=key, user=seller)
    for amount in ("900", "150"):
        offer = services.compensation_offer(
            case=case, amount=Decimal(amount), user=seller, role=Role.SELLER
        )
        if offer.status == OfferStatus.NEEDS_APPROVAL:
            services.compensation_decide(offer=offer, approve=False, user=manager)
    assert detail_queries(big) == detail_queries(small)


def test_htmx_results_skip_the_product_menu_query(shop, product, seller_client):
    """The product menu sits outside the results fragment: tab switches and paging do not read it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    write(shop, 5, "Отличный чайник", product=product)
    for htmx, menu_queries in ((False, 1), (True, 0)):
        with CaptureQueriesContext(connection) as captured:
            response = seller_client.get(
                reverse("reviews:list"), **({"HTTP_HX_REQUEST": "true"} if htmx else {})
            )
        assert response.status_code == 200
        assert sum('FROM "core_product"' in query["sql"] for query in captured) == menu_queries


def test_the_list_shows_the_answer_due_badge_of_each_unanswered_review(shop, seller_client):
    from tests.reviews.conftest import write

    waiting = write(shop, 2, "Пришёл с царапиной.")
    body = seller_client.get(reverse("reviews:list")).content.decode()
    row = body.split(f'data-review="{waiting.pk}"', 1)[1].split("</li>", 1)[0]
    assert 'class="sla-badge' in row
