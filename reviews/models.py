"""Buyers' reviews, how the shop classifies the unhappy ones, and the cases that resolve them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sellerdesk.core.models import Product, Shop, ShopScopedManager
from sellerdesk.core.phrase_rules import PhraseRule

NEGATIVE_MAX_RATING = 3  # 1–2 negative, 3 mixed: these get a situation and a playbook


class ReviewStatus(models.TextChoices):
    UNANSWERED = "unanswered", pgettext_lazy("review status", "Unanswered")
    ANSWERED = "answered", pgettext_lazy("review status", "Answered")
    IN_RESOLUTION = "in_resolution", pgettext_lazy("review status", "In resolution")


class AnswerModeration(models.TextChoices):
    """The marketplace's moderation of the shop's public reply (Wildberries answer state)."""

    NONE = "", pgettext_lazy("review reply moderation", "Not moderated")
    PENDING = "pending", pgettext_lazy("review reply moderation", "Awaiting moderation")
    REJECTED = "rejected", pgettext_lazy("review reply moderation", "Rejected by moderation")


class Situation(models.TextChoices):
    """What went wrong, as far as the review's words tell; positive reviews have none."""

    NONE = "", _("No problem")
    DEFECT = "defect", _("Defect or quality issue")
    DAMAGED_IN_TRANSIT = "damaged_in_transit", _("Damaged in transit")
    WRONG_SIZE = "wrong_size", _("Wrong size or not as described")
    DELIVERY_DELAY = "delivery_delay", _("Delivery delay")
    HOSTILE = "hostile", _("Hostile buyer")
    OTHER = "other", _("Other")


class Review(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews"
    )
    buyer_name = models.CharField(_("buyer"), max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("review"), blank=True)
    pros = models.TextField(_("pros"), blank=True)
    cons = models.TextField(_("cons"), blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.UNANSWERED
    )
    situation = models.CharField(
        _("situation"), max_length=20, choices=Situation.choices, blank=True, default=Situation.NONE
    )
    # The words that decided the situation (shown beside it, so a seller sees why).
    situation_matched = models.CharField(max_length=200, blank=True)
    answer_text = models.TextField(_("reply"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Pending: published by us, not yet shown to buyers. Rejected: the moderators refused it;
    # nobody sees it, the review is unanswered again and ``answer_text`` keeps what was refused.
    answer_moderation = models.CharField(
        max_length=10, choices=AnswerModeration.choices, blank=True, default=""
    )
    # The public reply on its way to the marketplace (its state is what pages show); null for
    # replies written on the marketplace's own portal.
    outbound = models.ForeignKey(
        "marketplaces.OutboundItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    photo_count = models.PositiveSmallIntegerField(default=0)
    # The marketplace's own id (unique per shop); NULL when absent so the constraint ignores it.
    external_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["shop", "status", "-created_at", "-id"], name="review_shop_status_new"
            ),
            models.Index(fields=["shop", "-created_at", "-id"], name="review_shop_created"),
            models.Index(
                fields=["shop", "status", "rating", "-created_at", "-id"],
                name="review_shop_status_rating",
            ),
            models.Index(fields=["product", "status", "-created_at"], name="review_product_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
            models.UniqueConstraint(
                fields=["shop", "external_id"],
                condition=Q(external_id__isnull=False),
                name="review_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.text[:50]}"

    @property
    def ref(self) -> str:
        return self.external_id or f"local-{self.pk}"

    @property
    def is_negative_or_mixed(self) -> bool:
        return self.rating <= NEGATIVE_MAX_RATING

    @property
    def stars(self) -> str:
        return "★" * self.rating + "☆" * (5 - self.rating)

    @property
    def full_text(self) -> str:
        """Everything the buyer wrote, as the classifier reads it."""
        return "\n".join(part for part in (self.text, self.pros, self.cons) if part)


def review_photo_upload_to(instance: ReviewPhoto, filename: str) -> str:
    return f"reviews/{instance.review.shop_id}/{instance.review_id}/{filename}"


class ReviewPhoto(models.Model):
    """A buyer's photo: a stored file (default storage) or the marketplace's URL."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=review_photo_upload_to, max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ShopScopedManager()
    shop_lookup = "review__shop"

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["review", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(image="") | ~Q(url=""), name="reviewphoto_file_or_url"
            ),
        ]

    def __str__(self) -> str:
        return self.url or self.image.name


class ReviewSettings(models.Model):
    """Per-shop limits for compensation and the version key of the compiled situation rules."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="review_settings")
    coupon_min = models.DecimalField(
        _("smallest coupon"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    coupon_max = models.DecimalField(
        _("largest coupon without approval"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("500"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A larger offer waits for a manager's approval."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    rules_version = models.PositiveIntegerField(default=0)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(coupon_min__lte=models.F("coupon_max")),
                name="reviewsettings_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop}: reviews"


class SituationRule(PhraseRule):
    """Phrases that put an unhappy review into a situation; the first rule in order that matches wins."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="situation_rules")
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices[1:])
    phrases = models.TextField(_("phrases"), help_text=_("One phrase per line; word forms count."))
    fuzzy = models.BooleanField(_("tolerate typos"), default=True)

    objects = ShopScopedManager()

    class Meta(PhraseRule.Meta):
        verbose_name = _("situation rule")
        verbose_name_plural = _("situation rules")
        indexes = [models.Index(fields=["shop", "position"], name="situationrule_shop_position")]

    def __str__(self) -> str:
        return self.get_situation_display()


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    RESOLVED = "resolved", pgettext_lazy("case status", "Resolved")


class Case(models.Model):
    """Working through the playbook for one review until the buyer's problem is solved."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="review_cases")
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="case")
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(_("how it was resolved"), blank=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [models.Index(fields=["shop", "status", "-opened_at"], name="case_shop_status")]

    def __str__(self) -> str:
        return f"case {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseStep(models.Model):
    """One playbook step of a case; ``done_at`` set once someone did it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ShopScopedManager()
    shop_lookup = "case__shop"

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["case", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "key"], name="casestep_unique_key")]

    def __str__(self) -> str:
        return self.key

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class OfferStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("coupon offer", "Offered")
    NEEDS_APPROVAL = "needs_approval", pgettext_lazy("coupon offer", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("coupon offer", "Approved")
    REJECTED = "rejected", pgettext_lazy("coupon offer", "Rejected")


class CompensationOffer(models.Model):
    """A coupon offered to the buyer; above the shop's limit it waits for a manager."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="offers")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=16, choices=OfferStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ShopScopedManager()
    shop_lookup = "case__shop"

    class Meta:
        verbose_name = _("compensation offer")
        verbose_name_plural = _("compensation offers")
        ordering = ["case", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="compensationoffer_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values), name="compensationoffer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.status})"
