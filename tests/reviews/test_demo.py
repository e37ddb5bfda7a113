from __future__ import annotations

import pytest

from reviews.models import (
    Case,
    CompensationOffer,
    OfferStatus,
    Review,
    ReviewPhoto,
    Situation,
    SituationRule,
)
from sellerdesk.core.demo import DEMO_SHOPS, demo_seed
from sellerdesk.core.models import Shop

pytestmark = pytest.mark.django_db


def test_demo_has_reviews_of_every_kind_in_both_shops():
    demo_seed()
    for spec in DEMO_SHOPS:
        shop = Shop.objects.get(name=spec.name)
        reviews = Review.objects.for_shop(shop)
        assert {review.rating for review in reviews} >= {1, 2, 3, 4, 5}
        situations = set(reviews.values_list("situation", flat=True))
        assert {
            Situation.DAMAGED_IN_TRANSIT,
            Situation.HOSTILE,
            Situation.WRONG_SIZE,
            Situation.DEFECT,
        } <= situations
        assert ReviewPhoto.objects.for_shop(shop).exists()
        assert SituationRule.objects.for_shop(shop).count() == 5
        case = Case.objects.for_shop(shop).get()
        assert case.situation == Situation.HOSTILE
        assert CompensationOffer.objects.for_shop(shop).get().status == OfferStatus.NEEDS_APPROVAL
        assert reviews.filter(answered_at__isnull=False).count() == 1
        # Written in the shop's language.
        if spec.language == "zh":
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in review.text) for review in reviews)
        else:
            assert all(any("а" <= ch.lower() <= "я" for ch in review.text) for review in reviews)
