"""Writes of the autopilot: drafting, gating, scheduling and sending replies, alerts.

A reply leaves on its own only through the answer service of its app
(``reviews.services.review_answer``, ``questions.services.question_answer``), so it
passes the same server-side guard and the same delivery as a seller's reply.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from autopilot.models import AutopilotSettings, AutoReply, Kind, SendDay, State, SystemicAlert
from sellerdesk.core.models import Membership, Shop
from sellerdesk.policy.text import detect_language

logger = logging.getLogger(__name__)

AUTOPILOT_USERNAME = "sellerdesk-autopilot"
SYSTEMIC_WINDOW = timedelta(days=7)
# Wordings of a template tried before giving up on avoiding the product's last reply.
ROTATIONS_TRIED = 8


# --- settings ------------------------------------------------------------------------------


def autopilot_settings_ensure(*, shop: Shop | int) -> AutopilotSettings:
    shop_id = shop if isinstance(shop, int) else shop.pk
    record, _created = AutopilotSettings.objects.get_or_create(shop_id=shop_id)
    return record


@transaction.atomic
def autopilot_settings_update(
    *, shop: Shop, fields: dict[str, Any], user: AbstractBaseUser | None
) -> AutopilotSettings:
    record = autopilot_settings_ensure(shop=shop)
    record = AutopilotSettings.objects.select_for_update().get(pk=record.pk)
    for name in (
        "reviews_enabled",
        "ratings",
        "situations",
        "questions_enabled",
        "delay_minutes",
        "daily_cap",
        "paused",
        "systemic_threshold",
    ):
        if name in fields:
            setattr(record, name, fields[name])
    record.ratings = sorted({int(value) for value in record.ratings if 1 <= int(value) <= 5})
    record.situations = sorted({str(value) for value in record.situations})
    record.updated_by = user  # type: ignore[assignment]  # a User or None
    record.full_clean()
    record.save()
    return record


def autopilot_user() -> AbstractBaseUser:
    """The account automatic answers are recorded under (inactive: nobody can log in as it)."""
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=AUTOPILOT_USERNAME, defaults={"is_active": False, "first_name": "Autopilot"}
    )
    return user


def _could_stop(shop_id: int) -> list[dict[str, Any]]:
    """Everyone who sees the Scheduled tab (every member) and so could cancel the reply."""
    members = (
        Membership.objects.filter(shop_id=shop_id, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    return [
        {"user_id": m.user_id, "username": m.user.get_username(), "role": m.role} for m in members
    ]


# --- drafting --------------------------------------------------------------------------------


def _without(text: str, name: str) -> str:
    return text.replace(name, "") if name else text


def _render_avoiding(
    *, template, context: dict[str, object], previous: tuple[str, str] | None, start: int
) -> str:
    """A wording of ``template``; never the wording of the product's previous reply.

    ``previous`` is (text, buyer name) of the last reply to a review of the same product:
    two wordings count as the same when they differ only in the buyer's name.
    """
    from templates_lib import rendering

    name = str(context.get("buyer_name") or "")
    first = ""
    for rotation in range(start, start + ROTATIONS_TRIED):
        try:
            text = rendering.render(
                template.body, context, rotation=rotation, salt=str(template.pk), mode="placeholder"
            )
        except (rendering.TemplateBodyError, rendering.RenderError):
            return ""
        first = first or text
        if previous is None or _without(text, name) != _without(previous[0], previous[1]):
            return text
    return first  # a template with one wording: the engine's repetitive check decides


def _previous_reply(review) -> tuple[str, str] | None:
    from reviews.models import Review

    if review.product_id is None:
        return None
    last = (
        Review.objects.filter(product_id=review.product_id, answered_at__isnull=False)
        .exclude(pk=review.pk)
        .order_by("-answered_at", "-pk")
        .values_list("answer_text", "buyer_name")
        .first()
    )
    if last is not None:
        return last
    pending = (
        AutoReply.objects.filter(product_id=review.product_id, state=State.SCHEDULED)
        .exclude(review_id=review.pk)
        .order_by("-created_at", "-pk")
        .values_list("text", "review__buyer_name")
        .first()
    )
    return pending


def review_draft(*, review, language: str, situation: str | None) -> tuple[str, str]:
    """(text, template name) from the shop's own template for the situation, rating and
    language; ("", "") when the shop has no such template."""
    from reviews import playbooks
    from templates_lib.selectors import shipped_template_for
    from templates_lib.services import template_context

    if situation:
        entry = playbooks.playbook_for(situation, "en")
        key = entry.template_key if entry else ""
    else:
        key = playbooks.positive_template_key() if review.rating >= 4 else ""
    if not key:
        return "", ""
    template = shipped_template_for(shop=review.shop, key=key, language=language)
    if template is None:
        return "", ""
    values: dict[str, object] = {"buyer_name": review.buyer_name}
    if review.product is not None:
        values.update(product_name=review.product.name, sku=review.product.sku)
    context = template_context(shop=review.shop, user=None, values=values)
    start = AutoReply.objects.filter(shop_id=review.shop_id, template_name=template.name).count()
    text = _render_avoiding(
        template=template, context=context, previous=_previous_reply(review), start=start
    )
    return text, template.name


def _language(text: str, shop: Shop) -> str:
    if text.strip():
        return detect_language(text)
    return (shop.default_language or "ru")[:2]


@transaction.atomic
def review_autopilot(*, review_id: int) -> AutoReply | None:
    """A review arrived: draft a reply, check it, triage the review, and schedule the reply
    when the shop's rules allow it. Idempotent: one AutoReply per review."""
    from reviews import situations
    from reviews.models import Review
    from reviews.services import review_settings_ensure
    from reviews.triage import ESCALATE, Gate, triage
    from sellerdesk.replycheck.services import reply_check

    review = (
        Review.objects.select_related("shop", "product", "autopilot").filter(pk=review_id).first()
    )
    if review is None or review.answered_at is not None:
        return None
    existing = getattr(review, "autopilot", None)  # the reverse one-to-one, absent until drafted
    if existing is not None:
        return existing
    settings = autopilot_settings_ensure(shop=review.shop_id)
    rules = review_settings_ensure(shop=review.shop)
    matcher = situations.matcher_for_shop(review.shop_id, rules.rules_version)
    gate = Gate(ratings=frozenset(settings.ratings), situations=frozenset(settings.situations))
    found = triage(text=review.full_text, rating=review.rating, matcher=matcher, gate=gate)
    language = _language(review.full_text, review.shop)
    text, template_name = review_draft(review=review, language=language, situation=found.situation)
    auto = AutoReply(
        shop_id=review.shop_id,
        kind=Kind.REVIEW,
        review=review,
        product_id=review.product_id,
        text=text,
        original_text=text,
        template_name=template_name,
        language=language,
        situation=found.situation or "",
        item_created_at=review.created_at,
        triggers=[
            {"kind": t.kind, "topic": t.topic, "start": t.start, "end": t.end, "text": t.text}
            for t in found.triggers
        ],
        gate={
            "ratings": settings.ratings,
            "situations": settings.situations,
            "enabled": settings.reviews_enabled,
            "delay_minutes": settings.delay_minutes,
            "decision": found.decision,
        },
    )
    report = None
    if text:
        report = reply_check(
            shop=review.shop_id,
            text=text,
            channel="review_reply",
            buyer_name=review.buyer_name or None,
            lang=language,
            item_ref=f"review:{review.pk}",
        )
        auto.check_report = report.to_dict()
    if found.decision == ESCALATE:
        auto.state = State.ESCALATED
        auto.reason = _("Escalated: %(kinds)s") % {"kinds": found.reason}
    elif not settings.reviews_enabled:
        auto.reason = _("The autopilot is off for reviews.")
    elif found.decision != "auto":
        auto.reason = _("The shop's rules leave this rating or situation to a person.")
    elif not text:
        auto.reason = _("The shop has no template for this review.")
    elif report is not None and report.findings:
        codes = ", ".join(sorted(report.codes()))
        auto.reason = _("The check found something: %(codes)s") % {"codes": codes}
    else:
        auto.state = State.SCHEDULED
        auto.scheduled_for = timezone.now() + timedelta(minutes=settings.delay_minutes)
        auto.could_stop = _could_stop(review.shop_id)
    # Fields only: the foreign keys come from the review just read, and the database
    # enforces the one-reply-per-review and one-item constraints.
    auto.full_clean(exclude=["shop", "review", "question", "product"], validate_constraints=False)
    auto.save()
    if auto.state == State.SCHEDULED:
        _schedule_task(auto)
    systemic_check(review=review, situation=found.situation, threshold=settings.systemic_threshold)
    return auto


def _schedule_task(auto: AutoReply) -> None:
    from autopilot import tasks

    eta = auto.scheduled_for
    transaction.on_commit(partial(tasks.auto_reply_send.apply_async, (auto.pk,), eta=eta))


def systemic_check(*, review, situation: str | None, threshold: int) -> SystemicAlert | None:
    """K reviews of one product sharing a negative situation within a week: one open alert
    per product and situation, however many more reviews follow."""
    if not situation or situation == "other" or review.product_id is None:
        return None
    since = review.created_at - SYSTEMIC_WINDOW
    same = AutoReply.objects.filter(
        product_id=review.product_id,
        situation=situation,
        kind=Kind.REVIEW,
        item_created_at__gte=since,
    )
    count = same.count()
    if count < threshold:
        return None
    first = same.order_by("item_created_at").values_list("item_created_at", flat=True).first()
    alert = (
        SystemicAlert.objects.select_for_update()
        .filter(
            shop_id=review.shop_id,
            product_id=review.product_id,
            situation=situation,
            resolved_at__isnull=True,
        )
        .first()
    )
    if alert is None:
        alert = SystemicAlert(
            shop_id=review.shop_id,
            product_id=review.product_id,
            situation=situation,
            first_at=first or review.created_at,
        )
    alert.review_count = count
    alert.last_at = max(review.created_at, alert.last_at or review.created_at)
    alert.save()
    return alert


@transaction.atomic
def systemic_alert_resolve(*, alert: SystemicAlert, user: AbstractBaseUser) -> SystemicAlert:
    alert = SystemicAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is None:
        alert.resolved_at = timezone.now()
        alert.resolved_by = user  # type: ignore[assignment]
        alert.save(update_fields=["resolved_at", "resolved_by"])
    return alert


# --- the Scheduled tab -----------------------------------------------------------------------


def _lock(auto_id: int) -> AutoReply:
    return AutoReply.objects.select_for_update().get(pk=auto_id)


def _ensure_scheduled(auto: AutoReply) -> None:
    if auto.state != State.SCHEDULED:
        raise ValidationError(
            _("This reply is no longer scheduled (it was sent or cancelled)."), code="not_scheduled"
        )


@transaction.atomic
def auto_reply_edit(*, auto: AutoReply, text: str, user: AbstractBaseUser) -> AutoReply:
    """A seller changes a scheduled reply; it is checked again when it is sent."""
    auto = _lock(auto.pk)
    _ensure_scheduled(auto)
    text = text.strip()
    if not text:
        raise ValidationError(_("The reply cannot be empty."), code="empty")
    auto.text = text
    auto.edited = auto.edited or text != auto.original_text
    auto.edited_by = user  # type: ignore[assignment]
    auto.save(update_fields=["text", "edited", "edited_by"])
    return auto


@transaction.atomic
def auto_reply_cancel(*, auto: AutoReply, user: AbstractBaseUser) -> AutoReply:
    """Never send this one; the review waits for a person with the draft in its reply box."""
    auto = _lock(auto.pk)
    _ensure_scheduled(auto)
    auto.state = State.CANCELLED
    auto.closed_at = timezone.now()
    auto.closed_by = user  # type: ignore[assignment]
    auto.save(update_fields=["state", "closed_at", "closed_by"])
    return auto


@transaction.atomic
def auto_reply_send_now(*, auto: AutoReply, user: AbstractBaseUser) -> AutoReply:
    """Skip the rest of the delay: a worker sends it at once, under the same checks and cap."""
    auto = _lock(auto.pk)
    _ensure_scheduled(auto)
    auto.scheduled_for = timezone.now()
    auto.closed_by = user  # type: ignore[assignment]
    auto.save(update_fields=["scheduled_for", "closed_by"])
    _schedule_task(auto)
    return auto


# --- sending ---------------------------------------------------------------------------------


def _next_day_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return start


def auto_reply_send(*, auto_id: int) -> str:
    """Send one due scheduled reply; returns what happened (for logs and tests).

    One transaction: the reply is claimed (row lock, skip if another worker holds it),
    the shop's rules row is locked (so two workers count the daily cap one after the
    other), the reply is checked again and handed to the app's answer service, and the
    state turns to sent. A worker killed anywhere in between commits nothing: the reply
    stays scheduled and the sweep picks it up again; the answer service refuses a review
    that already has an answer, so nothing goes out twice.
    """
    with transaction.atomic():
        auto = (
            AutoReply.objects.select_for_update(skip_locked=True)
            .filter(pk=auto_id, state=State.SCHEDULED)
            .first()
        )
        if auto is None:
            return "not_scheduled"
        now = timezone.now()
        if auto.scheduled_for and auto.scheduled_for > now:
            return "not_due"
        settings = AutopilotSettings.objects.select_for_update().get(shop_id=auto.shop_id)
        if settings.paused:
            return "paused"
        enabled = (
            settings.reviews_enabled if auto.kind == Kind.REVIEW else settings.questions_enabled
        )
        if not enabled:
            return _hold(auto, _("The autopilot was switched off before sending."))
        day = timezone.localdate(now)
        counter, _created = SendDay.objects.select_for_update().get_or_create(
            shop_id=auto.shop_id, day=day
        )
        if counter.sent >= settings.daily_cap:
            auto.scheduled_for = _next_day_start(now)
            auto.save(update_fields=["scheduled_for"])
            _schedule_task(auto)
            return "cap"
        outcome = _deliver(auto)
        if outcome == "sent":
            SendDay.objects.filter(pk=counter.pk).update(sent=F("sent") + 1)
        return outcome


def _hold(auto: AutoReply, reason: str) -> str:
    auto.state = State.DRAFT
    auto.reason = reason
    auto.save(update_fields=["state", "reason"])
    return "held"


def _deliver(auto: AutoReply) -> str:
    from sellerdesk.replycheck.services import ReplyRefused, reply_check

    target = _item(auto)
    if target is None or target.answered_at is not None:
        auto.state = State.ANSWERED
        auto.closed_at = timezone.now()
        auto.save(update_fields=["state", "closed_at"])
        return "answered"
    channel = "review_reply" if auto.kind == Kind.REVIEW else "question_answer"
    report = reply_check(
        shop=auto.shop_id,
        text=auto.text,
        channel=channel,
        buyer_name=target.buyer_name or None,
        lang=auto.language or "auto",
        item_ref=auto.item_ref,
    )
    auto.check_report = report.to_dict()
    if report.findings:
        codes = ", ".join(sorted(report.codes()))
        auto.save(update_fields=["check_report"])
        return _hold(
            auto, _("The check found something at sending time: %(codes)s") % {"codes": codes}
        )
    robot = autopilot_user()
    try:
        if auto.kind == Kind.REVIEW:
            from reviews.services import review_answer

            review_answer(review=target, text=auto.text, user=robot)
        else:
            from questions.services import question_answer

            question_answer(question=target, text=auto.text, user=robot)
    except ReplyRefused as refused:
        return _hold(auto, str(refused.messages[0]))
    auto.state = State.SENT
    auto.sent_at = timezone.now()
    auto.save(update_fields=["state", "sent_at", "check_report"])
    return "sent"


def _item(auto: AutoReply):
    if auto.kind == Kind.REVIEW:
        from reviews.models import Review

        return Review.objects.select_for_update().filter(pk=auto.review_id).first()
    from questions.models import Question

    return Question.objects.select_for_update().filter(pk=auto.question_id).first()


def auto_replies_due(*, limit: int = 500) -> list[int]:
    """Scheduled replies whose time has come (the beat sweep backs up lost ETA tasks)."""
    return list(
        AutoReply.objects.filter(state=State.SCHEDULED, scheduled_for__lte=timezone.now())
        .order_by("scheduled_for")
        .values_list("pk", flat=True)[:limit]
    )


# --- questions -------------------------------------------------------------------------------


def _readdress(answer: str, *, old: str, new: str) -> str:
    """An earlier answer for a new buyer: the earlier buyer's name becomes the new one's."""
    if old and new and old != new:
        return answer.replace(old, new)
    return answer


@transaction.atomic
def question_autopilot(*, question_id: int) -> AutoReply | None:
    """A new question that repeats one already answered for the same product: when the shop
    allows it (off by default), the earlier answer goes out under the same gate, delay and
    cap as review replies — only if the check finds nothing and no trigger fires."""
    from questions.models import Question, QuestionStatus
    from sellerdesk.policy.escalation import find_triggers
    from sellerdesk.replycheck.services import reply_check

    question = Question.objects.select_related("repeat_of", "shop").filter(pk=question_id).first()
    if question is None or question.status != QuestionStatus.NEW or question.repeat_of is None:
        return None
    earlier = question.repeat_of
    if not earlier.answer_text or earlier.status != QuestionStatus.ANSWERED:
        return None
    settings = autopilot_settings_ensure(shop=question.shop_id)
    if not settings.questions_enabled:
        return None
    existing = AutoReply.objects.filter(question_id=question_id).first()
    if existing is not None:
        return existing
    text = _readdress(earlier.answer_text, old=earlier.buyer_name, new=question.buyer_name)
    language = _language(question.text, question.shop)
    triggers = find_triggers(question.text)
    report = reply_check(
        shop=question.shop_id,
        text=text,
        channel="question_answer",
        buyer_name=question.buyer_name or None,
        lang=language,
        item_ref=f"question:{question.pk}",
    )
    auto = AutoReply(
        shop_id=question.shop_id,
        kind=Kind.QUESTION,
        question=question,
        product_id=question.product_id,
        text=text,
        original_text=text,
        template_name=f"question:{earlier.pk}",
        language=language,
        item_created_at=question.created_at,
        check_report=report.to_dict(),
        triggers=[
            {"kind": t.kind, "topic": t.topic, "start": t.start, "end": t.end, "text": t.text}
            for t in triggers
        ],
        gate={"repeat_of": earlier.pk, "enabled": True, "delay_minutes": settings.delay_minutes},
    )
    if triggers:
        auto.state = State.ESCALATED
        kinds = ", ".join(dict.fromkeys(t.kind for t in triggers))
        auto.reason = _("Escalated: %(kinds)s") % {"kinds": kinds}
    elif report.findings:
        codes = ", ".join(sorted(report.codes()))
        auto.reason = _("The check found something: %(codes)s") % {"codes": codes}
    else:
        auto.state = State.SCHEDULED
        auto.scheduled_for = timezone.now() + timedelta(minutes=settings.delay_minutes)
        auto.could_stop = _could_stop(question.shop_id)
    auto.full_clean(exclude=["shop", "review", "question", "product"], validate_constraints=False)
    auto.save()
    if auto.state == State.SCHEDULED:
        _schedule_task(auto)
    return auto


def questions_answer_many(
    *,
    shop: Shop,
    question_ids: list[int],
    text: str,
    user: AbstractBaseUser,
    warnings_confirmed: bool = False,
) -> list[tuple[Any, str, str]]:
    """One answer for several open questions: rendered per buyer (``{{ buyer_name }}``,
    ``{{ product_name }}``), checked and delivered separately, each in its own transaction.

    Returns (question, "sent" | "refused" | "skipped", message) per question, in order.
    """
    from questions.models import Question, QuestionStatus
    from questions.services import question_answer
    from sellerdesk.replycheck.services import ReplyRefused
    from templates_lib import rendering

    questions = {
        q.pk: q
        for q in Question.objects.for_shop(shop)
        .filter(pk__in=question_ids)
        .select_related("product")
    }
    results: list[tuple[Any, str, str]] = []
    for question_id in question_ids:
        question = questions.get(question_id)
        if question is None:
            continue
        if question.status != QuestionStatus.NEW:
            results.append((question, "skipped", _("This question is no longer open.")))
            continue
        values = {"buyer_name": question.buyer_name, "shop_name": shop.name}
        if question.product is not None:
            values.update(product_name=question.product.name, sku=question.product.sku)
        try:
            personal = rendering.render(text, values, mode="placeholder")
        except (rendering.TemplateBodyError, rendering.RenderError) as error:
            results.append((question, "refused", str(error)))
            continue
        try:
            with transaction.atomic():
                question_answer(
                    question=question,
                    text=personal,
                    user=user,
                    warnings_confirmed=warnings_confirmed,
                )
        except ReplyRefused as refused:
            results.append((question, "refused", " ".join(refused.messages)))
        except ValidationError as invalid:
            results.append((question, "refused", " ".join(invalid.messages)))
        else:
            results.append((question, "sent", personal))
    return results
