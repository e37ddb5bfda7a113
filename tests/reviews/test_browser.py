"""A seller answers a happy buyer with a template, works a damaged parcel to resolved,
and is refused when the reply asks to change the rating."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reviews import services
from reviews.models import CaseStatus, OfferStatus, ReviewStatus
from sellerdesk.core.models import Role
from templates_lib.services import templates_install_defaults
from tests.conftest import browser_login
from tests.factories import ProductFactory, ShopFactory, member
from tests.reviews.conftest import RATING_REQUEST


@pytest.fixture
def shop(transactional_db):
    shop = ShopFactory(name="Уютный дом")
    member(shop, Role.SELLER, username="r-seller")
    services.situation_rules_install_defaults(shop=shop)
    templates_install_defaults(shop=shop, languages=("ru",))
    return shop


@pytest.mark.browser
def test_answer_a_five_star_review_with_a_template(page, shop):
    kettle = ProductFactory(shop=shop, name="Чайник стеклянный")
    review = services.review_create(
        shop=shop,
        rating=5,
        text="Чайник красивый, закипает быстро!",
        buyer_name="Анна",
        product=kettle,
    )
    browser_login(page, "r-seller")
    page.goto(page.base_url + reverse("reviews:list"))
    page.click(f'[data-review="{review.pk}"] a.review-text')
    # Deferred scripts (the picker) must be running before "/" is typed.
    page.wait_for_load_state("networkidle")
    # The autopilot's draft waits in the box; the seller clears it to pick a template instead.
    expect(page.locator("#reply-text")).not_to_have_value("")
    page.fill("#reply-text", "")
    page.click("#reply-text")
    page.keyboard.type("/")
    search = page.locator("[data-tpl-picker-query]")
    expect(search).to_be_focused()
    search.type("покупатель доволен")
    expect(page.locator(".tpl-picker-option").first).to_contain_text("покупатель доволен")
    page.keyboard.press("Enter")
    expect(page.locator("#reply-text")).to_have_value(
        re.compile(r"^Здравствуйте, Анна! .*«Чайник стеклянный».*«Уютный дом»")
    )
    page.locator(".replycheck-live .replycheck-status.status-ok").wait_for()
    page.click("#reply-box button[type=submit]")
    expect(page.locator("#review-reply")).to_contain_text("Чайник стеклянный")
    review.refresh_from_db()
    assert review.status == ReviewStatus.ANSWERED and review.answered_by.username == "r-seller"


@pytest.mark.browser
def test_damaged_parcel_follows_the_playbook_to_resolved(page, shop):
    review = services.review_create(
        shop=shop,
        rating=1,
        text="Посылка пришла, коробка помята, чайник разбитый.",
        buyer_name="Сергей",
    )
    browser_login(page, "r-seller")
    page.goto(page.base_url + reverse("reviews:detail", args=[review.pk]))
    expect(page.locator("[data-situation]")).to_have_attribute(
        "data-situation", "damaged_in_transit"
    )
    expect(page.locator('[data-step="contact_buyer"] a')).to_have_attribute(
        "href", "/chats/?q=%D0%A1%D0%B5%D1%80%D0%B3%D0%B5%D0%B9"
    )
    page.click("#case-open")
    for key in ("contact_buyer", "apologise", "ask_packaging_photos", "help_courier_claim"):
        page.click(f'[data-step="{key}"] button.step-done-button')
        expect(page.locator(f'[data-step="{key}"]')).to_have_class("step-done")
    page.fill("#offer-amount", "300")
    page.click(".offer-form button[type=submit]")
    expect(page.locator('[data-offer-status="proposed"]')).to_contain_text("300 RUB")
    expect(page.locator('[data-step="offer_coupon"]')).to_have_class("step-done")
    # The public reply from the suggested template.
    page.click("button.use-suggested")
    expect(page.locator("#reply-text")).to_have_value(re.compile("упаковку"))
    page.locator(".replycheck-live .replycheck-status:not(.status-error)").wait_for()
    if page.locator(".replycheck-live .replycheck-confirm input").count():
        page.check(".replycheck-live .replycheck-confirm input")
    page.click("#reply-box button[type=submit]")
    expect(page.locator("#review-reply")).to_be_visible()
    expect(page.locator('[data-step="reply_publicly"]')).to_have_class("step-done")
    page.fill("#resolve-note", "Претензия в службу доставки принята")
    page.click("#case-resolve")
    expect(page.locator("[data-case-status]")).to_have_attribute("data-case-status", "resolved")
    expect(page.locator(".case-history")).to_contain_text("300 RUB")
    review.refresh_from_db()
    assert review.case.status == CaseStatus.RESOLVED
    assert review.case.offers.get().status == OfferStatus.PROPOSED
    assert review.status == ReviewStatus.ANSWERED


@pytest.mark.browser
def test_reply_asking_to_change_the_rating_is_refused(page, shop):
    review = services.review_create(
        shop=shop, rating=2, text="Брак, щётка не работает.", buyer_name="Анна"
    )
    browser_login(page, "r-seller")
    page.goto(page.base_url + reverse("reviews:detail", args=[review.pk]))
    page.fill("#reply-text", RATING_REQUEST)
    page.locator('.replycheck-live .finding[data-code="rating_manipulation"]').wait_for()
    page.click("#reply-box button[type=submit]")
    # The server refused the send (400): the text is kept and the finding points at the phrase.
    page.wait_for_url("**/answer/")
    expect(page.locator("#reply-text")).to_have_value(RATING_REQUEST)
    finding = page.locator('.replycheck-live .finding[data-code="rating_manipulation"]')
    expect(finding).to_be_visible()
    expect(finding.locator(".finding-quote")).to_have_text("Измените, пожалуйста, оценку")
    expect(page.locator("#review-reply")).to_have_count(0)
    review.refresh_from_db()
    assert review.answered_at is None
