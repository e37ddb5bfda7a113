from datetime import UTC, datetime

from reviews.models import Review, ReviewStatus
from reviews.services import review_import_from_marketplace
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.inbound import IncomingFeedback, IncomingProduct
from sellerdesk.sla.models import SlaClock
from tests.factories import ProductFactory, ShopFactory, member


def _feedback(
    external_id: str, *, answer: str | None = None, sku: str = "WB-777"
) -> IncomingFeedback:
    return IncomingFeedback(
        external_id=external_id,
        text="Коробка пришла мятая, чайник треснул",
        pros="",
        cons="Упаковка",
        rating=1,
        created_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
        buyer_name="Сергей",
        product=IncomingProduct(external_id="777", sku=sku, name="Чайник"),
        answer_text=answer,
    )


def test_synced_feedback_becomes_one_classified_waiting_review(db):
    shop = ShopFactory()
    member(shop, Role.SELLER)
    product = ProductFactory(shop=shop, sku="WB-777")
    first = review_import_from_marketplace(shop=shop, item=_feedback("fb-1"))
    again = review_import_from_marketplace(shop=shop, item=_feedback("fb-1"))
    assert first.pk == again.pk
    assert Review.objects.for_shop(shop).count() == 1
    assert first.product == product
    assert first.situation  # negative reviews are classified on arrival
    assert first.status == ReviewStatus.UNANSWERED
    assert SlaClock.objects.filter(
        channel="review", item_id=first.pk, answered_at__isnull=True
    ).exists()


def test_feedback_answered_on_the_portal_stops_waiting_without_sending(db):
    shop = ShopFactory()
    review = review_import_from_marketplace(shop=shop, item=_feedback("fb-2"))
    review = review_import_from_marketplace(
        shop=shop, item=_feedback("fb-2", answer="Сергей, простите нас!")
    )
    assert review.answer_text == "Сергей, простите нас!"
    assert review.status == ReviewStatus.ANSWERED
    assert review.outbound is None  # published on the portal: nothing of ours to deliver
    assert not SlaClock.objects.filter(
        channel="review", item_id=review.pk, answered_at__isnull=True
    ).exists()
    other_shop = ShopFactory()
    foreign = review_import_from_marketplace(shop=other_shop, item=_feedback("fb-2"))
    assert foreign.pk != review.pk  # the same marketplace id in another shop is another review
