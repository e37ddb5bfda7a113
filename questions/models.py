"""Buyers' product questions, the shop's auto-decline rules and the record of what they did."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Product, Shop, ShopScopedManager
from sellerdesk.core.phrase_rules import PhraseRule


class QuestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("Declined")


class DeclineKind(models.TextChoices):
    MANUAL = "manual", _("By a person")
    AUTO = "auto", _("Automatically")


class RuleKind(models.TextChoices):
    KEYWORDS = "keywords", _("Keywords")
    PROFANITY = "profanity", _("Profanity")


class Question(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="questions")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    buyer_name = models.CharField(_("buyer"), max_length=120, blank=True)
    text = models.TextField(_("question"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    decline_kind = models.CharField(
        _("declined"), max_length=10, choices=DeclineKind.choices, blank=True, default=""
    )
    answer_text = models.TextField(_("reply"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Answered or declined on the marketplace's own portal (seen by the sync): nothing to send.
    handled_on_marketplace = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # The marketplace's own id; set by the connector's import (unique per shop).
    # NULL (not "") when absent, so the unique constraint ignores questions without one.
    external_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    # An earlier answered question of the same product this one nearly repeats.
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The answer or decline on its way to the marketplace (its state is what pages show);
    # null when there is nothing to send (New, or handled on the marketplace's own portal).
    outbound = models.ForeignKey(
        "marketplaces.OutboundItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["shop", "status", "-created_at", "-id"], name="question_shop_status_new"
            ),
            models.Index(fields=["shop", "-created_at", "-id"], name="question_shop_created"),
            models.Index(
                fields=["product", "status", "-created_at"], name="question_product_status"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "external_id"],
                condition=Q(external_id__isnull=False),
                name="question_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values), name="question_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def ref(self) -> str:
        """What the marketplace calls this question."""
        return self.external_id or f"local-{self.pk}"


class QuestionSettings(models.Model):
    """Per-shop knobs of the questions app; ``rules_version`` keys the compiled-rules cache."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="question_settings")
    repeat_threshold = models.PositiveSmallIntegerField(
        _("already-asked similarity, %"),
        default=90,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_("How alike a new question must be to an answered one to suggest its answer."),
    )
    mark_repeats = models.BooleanField(
        _("mark repeated questions"),
        default=True,
        help_text=_("Flag new questions that nearly repeat an answered one for the same product."),
    )
    dry_run_size = models.PositiveIntegerField(
        _("dry-run sample size"),
        default=1000,
        validators=[MinValueValidator(10), MaxValueValidator(20000)],
        help_text=_("How many of the latest questions a dry run of the rules goes through."),
    )
    rules_version = models.PositiveIntegerField(default=0)
    rules_updated_at = models.DateTimeField(null=True, blank=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("question settings")
        verbose_name_plural = _("question settings")

    def __str__(self) -> str:
        return f"{self.shop}: questions"


class DeclineRule(PhraseRule):
    """Phrases that decline a product question with a ready reply; the first rule in order wins."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="decline_rules")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=10, choices=RuleKind.choices, default=RuleKind.KEYWORDS
    )
    reply_text = models.TextField(_("decline reply"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta(PhraseRule.Meta):
        verbose_name = _("decline rule")
        verbose_name_plural = _("decline rules")
        constraints = [
            models.UniqueConstraint(fields=["shop", "name"], name="declinerule_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class AutoDecision(models.Model):
    """One automatic decline, kept for the record even after a manager undoes it."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="auto_decisions")
    rule = models.ForeignKey(
        DeclineRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule_name = models.CharField(max_length=200)
    matched = models.CharField(max_length=300, blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    reply_text = models.TextField(blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Undoing a decline that had (or may have) reached the marketplace takes it back there.
    withdrawal_outbound = models.ForeignKey(
        "marketplaces.OutboundItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("automatic decision")
        verbose_name_plural = _("automatic decisions")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["shop", "-decided_at"], name="autodecision_shop_time")]
        constraints = [
            # However often the task runs, a question has at most one standing decision.
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(undone_at__isnull=True),
                name="autodecision_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_name}: {self.matched}"

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
