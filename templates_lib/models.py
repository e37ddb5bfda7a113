"""Reply templates: shop-wide ones (managed by managers) and personal ones (seen by their author)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import ReplyLanguage, Shop, ShopScopedManager


class Channel(models.TextChoices):
    """Where a reply goes; the same values as the reply checker's channels."""

    CHAT = "chat", _("Chat")
    QUESTION_ANSWER = "question_answer", _("Question answer")
    QUESTION_DECLINE = "question_decline", _("Question decline")
    REVIEW_REPLY = "review_reply", _("Review reply")


class Category(models.TextChoices):
    GREETING = "greeting", _("Greeting")
    CLOSING = "closing", _("Closing")
    DECLINE_REASON = "decline_reason", _("Decline reason")
    REVIEW_SITUATION = "review_situation", _("Review situation")
    DELIVERY = "delivery", _("Delivery")
    SIZING = "sizing", _("Sizing")
    DEFECT = "defect", _("Defect or damage")
    ORDER_CHANGE = "order_change", _("Order change")
    DIFFICULT_BUYER = "difficult_buyer", _("Difficult conversation")
    OTHER = "other", _("Other")


identifier_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("Use lowercase Latin letters, digits and underscores, starting with a letter."),
)


def channel_values() -> list[str]:
    return list(Channel.values)


class ReplyTemplate(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reply_templates")
    # Empty owner: a shop-wide template; otherwise a personal one only its author sees.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="personal_reply_templates",
        verbose_name=_("owner"),
    )
    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(_("text"), max_length=4000)
    # A JSON list of Channel values: portable across PostgreSQL and SQLite.
    channels = models.JSONField(_("channels"), default=channel_values, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=ReplyLanguage.choices, default=ReplyLanguage.RU
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Marks templates installed from the shipped set (and questions' decline reasons) so a
    # second installation updates nothing and duplicates nothing.
    source_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    usage_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "name"],
                condition=models.Q(owner__isnull=True),
                name="replytemplate_unique_shop_name",
                violation_error_message=_("The shop already has a template with this name."),
            ),
            models.UniqueConstraint(
                fields=["shop", "owner", "name"],
                condition=models.Q(owner__isnull=False),
                name="replytemplate_unique_personal_name",
                violation_error_message=_("You already have a template with this name."),
            ),
        ]
        indexes = [models.Index(fields=["shop", "owner"], name="replytemplate_shop_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_personal(self) -> bool:
        return self.owner_id is not None

    def get_channels_display(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(value, value)) for value in self.channels or []]


class CustomVariable(models.Model):
    """A shop-defined value usable in every template as {{ name }} (e.g. a return address)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="template_variables")
    name = models.CharField(_("name"), max_length=40, validators=[identifier_validator])
    label = models.CharField(_("description"), max_length=120, blank=True)
    value = models.CharField(_("value"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("template variable")
        verbose_name_plural = _("template variables")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "name"],
                name="customvariable_unique_shop_name",
                violation_error_message=_("The shop already has a variable with this name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateUse(models.Model):
    """How often one person inserted one template: the picker ranks by it."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(ReplyTemplate, on_delete=models.CASCADE, related_name="uses")
    count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField()

    objects = ShopScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "template"], name="templateuse_unique_user_template"
            ),
        ]
        indexes = [models.Index(fields=["shop", "user"], name="templateuse_shop_user")]

    def __str__(self) -> str:
        return f"{self.user} × {self.template} ({self.count})"
