"""Reply checking for every reply box: run the policy engine with the shop's rules.

Other apps call ``reply_guard`` inside their send/answer/decline services: the server
is the guard, the live check in the browser is only a convenience.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.core.models import Shop
from sellerdesk.core.rollups import day_bounds
from sellerdesk.policy import CHANNELS, Policy, Report, check, similarity
from sellerdesk.policy.lang import engine_lang
from sellerdesk.policy.report import Finding
from sellerdesk.replycheck.models import (
    DecisionOutcome,
    PublicReply,
    PublicReplyBand,
    QualityCodeDaily,
    QualityDaily,
    RepetitionSettings,
    ReplyDecision,
    ReplyDecisionCode,
    ShopPolicy,
)
from sellerdesk.replycheck.selectors import (
    PUBLIC_CHANNELS,
    Repetition,
    policy_cache_forget,
    repetitive_replies,
    shop_policy_get,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

__all__ = [
    "CHANNELS",
    "DecisionContext",
    "ReplyBlocked",
    "ReplyNeedsConfirmation",
    "ReplyRefused",
    "public_reply_record",
    "quality_rollup_day",
    "repetition_settings_update",
    "reply_check",
    "reply_check_with_policy",
    "reply_decision_record",
    "reply_guard",
    "reply_refusal_record",
    "shop_policy_update",
]
# The engine names the offending field in English; say which setting that is.
POLICY_FIELD_LABELS = {
    "required_parts": gettext_lazy("Required parts of a reply"),
    "allow_contacts_in_chat": gettext_lazy(
        "Allow contacts (phone, e-mail, links) in chat messages"
    ),
    "severity_overrides": gettext_lazy("How strict each check is"),
    "extra_forbidden_words": gettext_lazy("Extra forbidden words"),
    "allowed_domains": gettext_lazy("Allowed domains"),
    "max_length": gettext_lazy("Max. length, characters"),
    "policy": gettext_lazy("Reply rules"),
}


def engine_ui_lang(django_language: str | None = None) -> str:
    """The engine's message language for a Django language code (default: the active one)."""
    return engine_lang(django_language or translation.get_language())


def report_has_errors(report: Report) -> bool:
    return any(finding.severity == "error" for finding in report.findings)


def report_has_warnings(report: Report) -> bool:
    return any(finding.severity == "warning" for finding in report.findings)


def _first_message(report: Report, severity: str) -> str:
    for finding in report.findings:
        if finding.severity == severity:
            return finding.message
    return ""


@dataclass(frozen=True)
class DecisionContext:
    """Who sends which item: lets the guard record its decisions for the quality dashboard."""

    shop_id: int
    user_id: int | None
    channel: str
    item_id: int | None


class ReplyRefused(ValidationError):
    """Base of the guard's refusals; ``.report`` is the engine's Report for the text."""

    outcome = DecisionOutcome.BLOCKED

    def __init__(self, report: Report, message: str, code: str) -> None:
        super().__init__(message, code=code)
        self.report = report
        # Set by reply_guard; the view that shows the refusal records it (the service's
        # transaction is rolled back by the refusal, the request's is not).
        self.context: DecisionContext | None = None


class ReplyBlocked(ReplyRefused):
    """The reply has at least one error finding: it must not be sent."""

    def __init__(self, report: Report) -> None:
        detail = _first_message(report, "error")
        super().__init__(
            report,
            _("The reply breaks the shop's rules and was not sent: %(detail)s")
            % {"detail": detail},
            code="reply_blocked",
        )


class ReplyNeedsConfirmation(ReplyRefused):
    """The reply has warnings the seller has not confirmed yet."""

    def __init__(self, report: Report) -> None:
        detail = _first_message(report, "warning")
        super().__init__(
            report,
            _("The reply has warnings; confirm to send it anyway: %(detail)s") % {"detail": detail},
            code="reply_needs_confirmation",
        )

    outcome = DecisionOutcome.HELD


def _check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown reply channel {channel!r}; expected one of {CHANNELS}")


def reply_check(
    *,
    shop: Shop | int,
    text: str,
    channel: str,
    buyer_name: str | None = None,
    lang: str = "auto",
    item_ref: str = "",
) -> Report:
    """Check ``text`` against the shop's rules; messages in the current UI language."""
    report, _policy = reply_check_with_policy(
        shop=shop, text=text, channel=channel, buyer_name=buyer_name, lang=lang, item_ref=item_ref
    )
    return report


def reply_check_with_policy(
    *,
    shop: Shop | int,
    text: str,
    channel: str,
    buyer_name: str | None = None,
    lang: str = "auto",
    policy_max_age: float = 0.0,
    item_ref: str = "",
    product_name: str = "",
) -> tuple[Report, Policy]:
    """``reply_check`` plus the Policy it used (the live panel shows the required parts).

    ``policy_max_age``: see ``shop_policy_get``; only the live check (advice, not a guard)
    passes a few seconds to save the freshness query on every typing pause.
    A public reply is also compared with the shop's recent public replies (``repetitive``);
    ``item_ref`` names the item answered, so re-editing one reply never repeats itself.
    """
    _check_channel(channel)
    policy = shop_policy_get(shop=shop, max_age=policy_max_age)
    report = check(
        text,
        channel,
        lang=lang,
        buyer_name=buyer_name or None,
        policy=policy,
        ui_lang=engine_ui_lang(),
    )
    if channel in PUBLIC_CHANNELS and text.strip():
        repetition = repetitive_replies(shop=shop, text=text, exclude_item_ref=item_ref)
        if repetition is not None:
            finding = _repetitive_finding(
                shop=shop,
                text=text,
                channel=channel,
                lang=report.lang,
                repetition=repetition,
                values={"buyer_name": buyer_name or "", "product_name": product_name},
            )
            report = dataclasses.replace(report, findings=(*report.findings, finding))
    return report, policy


def _repetitive_finding(
    *,
    shop: Shop | int,
    text: str,
    channel: str,
    lang: str,
    repetition: Repetition,
    values: dict[str, str],
) -> Finding:
    """The ``repetitive`` warning over the whole reply, with another wording when a shop
    template with variations produced this one."""
    from templates_lib.selectors import template_variation  # templates_lib imports us

    suggestion = template_variation(
        shop=shop, text=text, channel=channel, language=lang, values=values
    )
    message = _(
        "Nearly the same reply went to %(count)s buyers in the last %(days)s days. "
        "Marketplaces limit sellers who paste one answer everywhere: vary the wording."
    ) % {"count": repetition.count, "days": repetition.days}
    return Finding(
        code="repetitive",
        severity="warning",
        start=0,
        end=len(text),
        message=message,
        suggestion=suggestion,
    )


def reply_guard(
    *,
    shop: Shop | int,
    text: str,
    channel: str,
    buyer_name: str | None = None,
    warnings_confirmed: bool = False,
    item_ref: str = "",
    actor_id: int | None = None,
    item_id: int | None = None,
) -> Report:
    """Refuse a reply with errors, or with warnings not confirmed; return the report otherwise.

    ``item_ref`` («review:12») names the item a reply is about to answer: such a public
    reply, once it passes, is recorded for the ``repetitive`` check in the caller's
    transaction (if the caller's save fails, the record goes with it). Texts checked for
    other reasons (a decline rule's reply) pass no ``item_ref`` and are not recorded.

    With ``item_id`` the decision is recorded for the quality dashboard: a passed reply here
    (inside the sending transaction), a refusal by ``reply_refusal_record`` in the view.
    """
    report, _policy = reply_check_with_policy(
        shop=shop, text=text, channel=channel, buyer_name=buyer_name, item_ref=item_ref
    )
    shop_id = shop if isinstance(shop, int) else shop.pk
    context = DecisionContext(shop_id=shop_id, user_id=actor_id, channel=channel, item_id=item_id)
    refusal: ReplyRefused | None = None
    if report_has_errors(report):
        refusal = ReplyBlocked(report)
    elif report_has_warnings(report) and not warnings_confirmed:
        refusal = ReplyNeedsConfirmation(report)
    if refusal is not None:
        refusal.context = context
        raise refusal
    if channel in PUBLIC_CHANNELS and item_ref:
        public_reply_record(shop=shop, channel=channel, text=text, item_ref=item_ref)
    if item_id is not None:
        reply_decision_record(
            context=context, report=report, outcome=_sent_outcome(context, report)
        )
    return report


def public_reply_record(
    *,
    shop: Shop | int,
    channel: str,
    text: str,
    item_ref: str = "",
    created_at=None,
) -> PublicReply | None:
    """Remember a public reply (with its band keys) for the ``repetitive`` check."""
    sig = similarity.signature(text)
    if sig is None:
        return None
    shop_id = shop if isinstance(shop, int) else shop.pk
    reply = PublicReply.objects.create(
        shop_id=shop_id,
        channel=channel,
        item_ref=item_ref[:60],
        text=text,
        signature=sig.pack(),
        **({"created_at": created_at} if created_at is not None else {}),
    )
    PublicReplyBand.objects.bulk_create(
        PublicReplyBand(shop_id=shop_id, reply=reply, key=key, created_at=reply.created_at)
        for key in sig.bands
    )
    return reply


@transaction.atomic
def repetition_settings_update(*, shop: Shop, fields: dict[str, Any]) -> RepetitionSettings:
    record, _created = RepetitionSettings.objects.select_for_update().get_or_create(shop=shop)
    for name in ("enabled", "similarity", "min_count", "window_days"):
        if name in fields:
            setattr(record, name, fields[name])
    record.full_clean()
    record.save()
    return record


# --- Quality at send ------------------------------------------------------------------------

FIX_WINDOW = timedelta(minutes=30)


def _sent_outcome(context: DecisionContext, report: Report) -> DecisionOutcome:
    warned = report_has_warnings(report)
    previous = (
        ReplyDecision.objects.filter(
            channel=context.channel,
            item_id=context.item_id,
            user_id=context.user_id,
            created_at__gte=timezone.now() - FIX_WINDOW,
        )
        .order_by("-created_at", "-pk")
        .values_list("outcome", flat=True)
        .first()
    )
    if previous == DecisionOutcome.BLOCKED or (previous == DecisionOutcome.HELD and not warned):
        return DecisionOutcome.FIXED_RESENT
    return DecisionOutcome.SENT_OVER_WARNINGS if warned else DecisionOutcome.SENT_CLEAN


def reply_decision_record(
    *,
    context: DecisionContext,
    report: Report,
    outcome: DecisionOutcome,
    at: datetime | None = None,
) -> ReplyDecision:
    """One row per decision, plus one flat row per error/warning code for the dashboard."""
    at = at or timezone.now()
    findings = [f for f in report.findings if f.severity in ("error", "warning")]
    decision = ReplyDecision.objects.create(
        shop_id=context.shop_id,
        user_id=context.user_id,
        channel=context.channel,
        item_id=context.item_id,
        outcome=outcome,
        errors=sum(1 for f in findings if f.severity == "error"),
        warnings=sum(1 for f in findings if f.severity == "warning"),
        created_at=at,
    )
    seen: set[tuple[str, str]] = set()
    rows = []
    for finding in findings:
        if (finding.code, finding.severity) in seen:
            continue
        seen.add((finding.code, finding.severity))
        rows.append(
            ReplyDecisionCode(
                decision=decision,
                shop_id=context.shop_id,
                user_id=context.user_id,
                channel=context.channel,
                code=finding.code,
                severity=finding.severity,
                outcome=outcome,
                created_at=at,
            )
        )
    ReplyDecisionCode.objects.bulk_create(rows)
    return decision


def reply_refusal_record(refusal: ReplyRefused) -> ReplyDecision | None:
    """Record a refused attempt (blocked, or held for confirmation) shown to the seller."""
    if refusal.context is None or refusal.context.item_id is None:
        return None
    return reply_decision_record(
        context=refusal.context, report=refusal.report, outcome=refusal.outcome
    )


def quality_rollup_day(shop: Shop, day: date) -> int:
    """Replace one shop-local day's quality roll-up rows; rows written."""
    start, end = day_bounds(shop, day)
    QualityDaily.objects.filter(shop=shop, day=day).delete()
    QualityCodeDaily.objects.filter(shop=shop, day=day).delete()
    decisions = (
        ReplyDecision.objects.filter(shop=shop, created_at__gte=start, created_at__lt=end)
        .values("user_id", "channel", "outcome")
        .annotate(n=Count("*"))
        .order_by()
    )
    daily = [
        QualityDaily(
            shop=shop,
            day=day,
            user_id=row["user_id"],
            channel=row["channel"],
            outcome=row["outcome"],
            decisions=row["n"],
        )
        for row in decisions
    ]
    codes = (
        ReplyDecisionCode.objects.filter(shop=shop, created_at__gte=start, created_at__lt=end)
        .values("user_id", "channel", "code", "severity", "outcome")
        .annotate(n=Count("*"))
        .order_by()
    )
    code_rows = [
        QualityCodeDaily(
            shop=shop,
            day=day,
            user_id=row["user_id"],
            channel=row["channel"],
            code=row["code"],
            severity=row["severity"],
            outcome=row["outcome"],
            findings=row["n"],
        )
        for row in codes
    ]
    QualityDaily.objects.bulk_create(daily)
    QualityCodeDaily.objects.bulk_create(code_rows)
    return len(daily) + len(code_rows)


@transaction.atomic
def shop_policy_update(
    *, shop: Shop, data: dict[str, Any], user: AbstractBaseUser | None = None
) -> ShopPolicy:
    """Store new rules for ``shop`` after the engine accepted them."""
    try:
        policy = Policy.from_dict(data)
    except (ValueError, TypeError, KeyError) as exc:
        detail = str(exc)
        field = detail.split(":", 1)[0].split(".", 1)[0].split("[", 1)[0].strip()
        label = POLICY_FIELD_LABELS.get(field)
        raise ValidationError(
            _("The rules were not saved: %(field)s — %(detail)s"),
            code="invalid_policy",
            params={"field": label or field, "detail": detail},
        ) from exc
    record, _created = ShopPolicy.objects.select_for_update().get_or_create(shop=shop)
    record.data = policy.to_dict()
    record.updated_by = user  # type: ignore[assignment]  # a User or None; the FK accepts both
    record.full_clean()
    record.save()
    # Forget now (this thread's next check probes again) and after commit (a check in
    # another thread may have re-cached the old rules in between).
    policy_cache_forget(shop_id=shop.pk)
    transaction.on_commit(lambda: policy_cache_forget(shop_id=shop.pk))
    return record
