"""Writes of the questions app. Views and tasks call these; nothing else changes the models."""

from __future__ import annotations

import logging
import uuid
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from questions.models import (
    AutoDecision,
    DeclineKind,
    DeclineRule,
    Question,
    QuestionSettings,
    QuestionStatus,
)
from questions.ruleset import DECLINE_RULES, rules_to_data, ruleset_for_shop
from sellerdesk.core.models import Product, Shop
from sellerdesk.core.selectors import product_for_marketplace
from sellerdesk.marketplaces.models import OutboundKind
from sellerdesk.marketplaces.services import outbox_cancel, outbox_enqueue
from sellerdesk.replycheck.services import ReplyBlocked, reply_guard
from sellerdesk.sla.hooks import waiting_started, waiting_stopped

if TYPE_CHECKING:
    from sellerdesk.marketplaces.inbound import IncomingQuestion

logger = logging.getLogger(__name__)

SLA_CHANNEL = "question"


# --- Settings ---------------------------------------------------------------------------------


def question_settings_ensure(*, shop: Shop) -> QuestionSettings:
    settings, _created = QuestionSettings.objects.get_or_create(shop=shop)
    return settings


@transaction.atomic
def question_settings_update(
    *, shop: Shop, repeat_threshold: int, mark_repeats: bool, dry_run_size: int
) -> QuestionSettings:
    settings = question_settings_ensure(shop=shop)
    settings.repeat_threshold = repeat_threshold
    settings.mark_repeats = mark_repeats
    settings.dry_run_size = dry_run_size
    settings.full_clean()
    settings.save(update_fields=["repeat_threshold", "mark_repeats", "dry_run_size"])
    return settings


def _rules_changed(shop: Shop) -> None:
    """Bump the version that keys the compiled-rules cache of every process."""
    DECLINE_RULES.changed(shop)


# --- Questions -------------------------------------------------------------------------------


@transaction.atomic
def question_create(
    *,
    shop: Shop,
    text: str,
    product: Product | None = None,
    buyer_name: str = "",
    external_id: str | None = None,
    created_at=None,
) -> Question:
    """A buyer's question arrived: store it, start the SLA clock, check the rules after commit."""
    from questions import tasks

    if product is not None and product.shop_id != shop.pk:
        raise ValidationError(_("The product belongs to another shop."))
    question = Question(
        shop=shop,
        product=product,
        text=text.strip(),
        buyer_name=buyer_name,
        external_id=external_id or None,
        created_at=created_at or timezone.now(),
    )
    question.full_clean()
    question.save()
    waiting_started(
        shop=question.shop, channel=SLA_CHANNEL, item_id=question.pk, since=question.created_at
    )
    transaction.on_commit(partial(tasks.question_arrived.delay, question.pk))
    return question


@transaction.atomic
def question_import_from_marketplace(*, shop: Shop, item: IncomingQuestion) -> Question:
    """Inbound hook for synced questions (``sellerdesk.marketplaces.inbound.IncomingQuestion``).

    Idempotent by the marketplace id: called again whenever the marketplace's copy changes.
    A new unanswered question takes the normal path (SLA clock, decline rules, repeats); one
    already answered or declined there is stored as handled and never waits for anybody; a
    question still New here that the marketplace now shows as handled is settled without
    sending anything.
    """
    question = (
        Question.objects.for_shop(shop)
        .select_for_update()
        .filter(external_id=item.external_id)
        .first()
    )
    handled = item.answered or item.declined
    if question is None:
        if not handled:
            return question_create(
                shop=shop,
                text=item.text,
                product=product_for_marketplace(shop=shop, product=item.product),
                external_id=item.external_id,
                created_at=item.created_at,
            )
        question = Question(
            shop=shop,
            product=product_for_marketplace(shop=shop, product=item.product),
            text=item.text.strip(),
            external_id=item.external_id,
            created_at=item.created_at or timezone.now(),
            status=QuestionStatus.DECLINED if item.declined else QuestionStatus.ANSWERED,
            decline_kind=DeclineKind.MANUAL if item.declined else "",
            answer_text=item.answer_text or "",
            answered_at=timezone.now(),
            handled_on_marketplace=True,
        )
        question.full_clean()
        question.save()
        return question
    if handled and question.status == QuestionStatus.NEW:
        return question_handled_on_marketplace(
            question=question, declined=item.declined, text=item.answer_text or ""
        )
    return question


@transaction.atomic
def question_handled_on_marketplace(
    *, question: Question, declined: bool, text: str = "", at=None
) -> Question:
    """Someone answered or declined the question on the marketplace's own portal.

    Nothing is sent: the reply is already published there. The question leaves New, the SLA
    clock stops, and no automatic decline or repeat check runs on it any more. A question
    that was handled here meanwhile keeps our reply (idempotent).
    """
    question = _lock(question.pk)
    if question.status != QuestionStatus.NEW:
        return question
    now = at or timezone.now()
    question.status = QuestionStatus.DECLINED if declined else QuestionStatus.ANSWERED
    question.decline_kind = DeclineKind.MANUAL if declined else ""
    question.answer_text = (text or "").strip()
    question.answered_by = None
    question.answered_at = now
    question.handled_on_marketplace = True
    question.outbound = None
    question.full_clean()
    question.save()
    waiting_stopped(shop=question.shop, channel=SLA_CHANNEL, item_id=question.pk, at=now)
    return question


def _lock(question_id: int) -> Question:
    return (
        Question.objects.select_for_update(of=("self",)).select_related("shop").get(pk=question_id)
    )


def _ensure_new(question: Question) -> None:
    if question.status != QuestionStatus.NEW:
        raise ValidationError(_("This question has already been handled."), code="not_new")


def _reply_enqueue(question: Question, *, declined: bool, user_id: int | None) -> None:
    """Hand the stored answer or decline to the outbox (same transaction) and point at it."""
    question.outbound = outbox_enqueue(
        shop=question.shop,
        kind=OutboundKind.QUESTION_DECLINE if declined else OutboundKind.QUESTION_ANSWER,
        target_ref=question.external_id or "",
        payload={"text": question.answer_text},
        idempotency_key=f"question:{question.pk}:{uuid.uuid4().hex}",
        created_by_id=user_id,
    )
    question.save(update_fields=["outbound"])


@transaction.atomic
def question_answer(
    *, question: Question, text: str, user: AbstractBaseUser, warnings_confirmed: bool = False
) -> Question:
    """Answer a new question. The policy check is the guard: errors refuse, warnings need a yes."""
    return _reply_by_hand(
        question, text=text, user=user, warnings_confirmed=warnings_confirmed, declined=False
    )


@transaction.atomic
def question_decline(
    *, question: Question, text: str, user: AbstractBaseUser, warnings_confirmed: bool = False
) -> Question:
    """Decline a new question by hand with a polite reply that passes the decline policy."""
    return _reply_by_hand(
        question, text=text, user=user, warnings_confirmed=warnings_confirmed, declined=True
    )


def _reply_by_hand(
    question: Question,
    *,
    text: str,
    user: AbstractBaseUser,
    warnings_confirmed: bool,
    declined: bool,
) -> Question:
    """A seller's answer or decline: checked against its channel's policy, stored, queued for delivery."""
    text = text.strip()
    reply_guard(
        shop=question.shop,
        text=text,
        channel="question_decline" if declined else "question_answer",
        buyer_name=question.buyer_name or None,
        warnings_confirmed=warnings_confirmed,
        item_ref=f"question:{question.pk}",
        actor_id=user.pk,
        item_id=question.pk,
    )
    question = _lock(question.pk)
    _ensure_new(question)
    now = timezone.now()
    question.status = QuestionStatus.DECLINED if declined else QuestionStatus.ANSWERED
    question.decline_kind = DeclineKind.MANUAL if declined else ""
    question.answer_text = text
    question.answered_by = user  # type: ignore[assignment]
    question.answered_at = now
    question.full_clean()
    question.save()
    waiting_stopped(
        shop=question.shop, channel=SLA_CHANNEL, item_id=question.pk, at=now, by_user_id=user.pk
    )
    _reply_enqueue(question, declined=declined, user_id=user.pk)
    return question


@transaction.atomic
def question_mark_repeat(*, question_id: int) -> Question | None:
    """Link a new question to the answered one it nearly repeats (when the shop wants that)."""
    from questions.selectors import already_asked, question_settings_get

    question = _lock(question_id)
    if question.status != QuestionStatus.NEW or question.repeat_of_id:
        return question
    settings = question_settings_get(shop=question.shop)
    if not settings.mark_repeats:
        return question
    found = already_asked(question=question, threshold=settings.repeat_threshold)
    if found is not None:
        question.repeat_of = found.question
        question.save(update_fields=["repeat_of"])
    return question


def _reply_still_allowed(shop: Shop, reply: str) -> bool:
    try:
        reply_guard(shop=shop, text=reply, channel="question_decline", warnings_confirmed=True)
    except ReplyBlocked:
        return False
    return True


@transaction.atomic
def question_autodecline_apply(*, question_id: int) -> AutoDecision | None:
    """Run the shop's rules on a question once; decline it if a rule matches.

    Idempotent: the row lock serialises concurrent runs, only a question still New
    is touched, and a question that already has a decision (even one a manager
    undid) is never declined again, so a retried or duplicated task is harmless.
    """
    from questions.selectors import question_settings_get

    question = _lock(question_id)
    if question.status != QuestionStatus.NEW:
        return None
    if AutoDecision.objects.filter(question=question).exists():
        return None
    settings = question_settings_get(shop=question.shop)
    rules = list(DeclineRule.objects.for_shop(question.shop).order_by("position", "id"))
    if not any(rule.enabled for rule in rules):
        return None
    decision = ruleset_for_shop(question.shop, settings.rules_version, rules).evaluate(
        question.text
    )
    if decision is None:
        return None
    rule = next((r for r in rules if r.name == decision.rule), None)
    now = timezone.now()
    reply = rule.reply_text if rule else ""
    if reply and not _reply_still_allowed(question.shop, reply):
        # The shop's policy changed since the rule was saved: a person decides instead.
        logger.warning(
            "rule %r of shop %s has a reply the policy now refuses", decision.rule, question.shop_id
        )
        return None
    record = AutoDecision(
        shop=question.shop,
        question=question,
        rule=rule,
        rule_name=decision.rule,
        matched=(decision.matched or "")[:300],
        start=decision.start,
        end=decision.end,
        reply_text=reply,
        decided_at=now,
    )
    record.full_clean()
    record.save()
    question.status = QuestionStatus.DECLINED
    question.decline_kind = DeclineKind.AUTO
    question.answer_text = reply
    question.answered_by = None
    question.answered_at = now
    question.outbound = None
    question.save()
    waiting_stopped(shop=question.shop, channel=SLA_CHANNEL, item_id=question.pk, at=now)
    if reply:
        _reply_enqueue(question, declined=True, user_id=None)
    return record


@transaction.atomic
def autodecision_undo(*, decision: AutoDecision, user: AbstractBaseUser) -> AutoDecision:
    """A manager overrules an automatic decline: the question is New again, the record stays.

    A decline still waiting in the outbox is simply cancelled; one that went out (or is going
    out, or may have) is taken back through the outbox where the marketplace allows that.
    """
    decision = AutoDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.undone_at is not None:
        raise ValidationError(_("This decision has already been undone."), code="undone")
    question = _lock(decision.question_id)
    now = timezone.now()
    decision.undone_at = now
    decision.undone_by = user  # type: ignore[assignment]
    is_auto_decline = (
        question.status == QuestionStatus.DECLINED and question.decline_kind == DeclineKind.AUTO
    )
    outbound = question.outbound if is_auto_decline else None
    if outbound is not None and not outbox_cancel(item=outbound):
        decision.withdrawal_outbound = outbox_enqueue(
            shop=question.shop,
            kind=OutboundKind.QUESTION_WITHDRAW,
            target_ref=question.external_id or "",
            payload={},
            idempotency_key=f"question-withdraw:{decision.pk}",
            created_by_id=user.pk,
        )
    decision.save(update_fields=["undone_at", "undone_by", "withdrawal_outbound"])
    if is_auto_decline:
        question.status = QuestionStatus.NEW
        question.decline_kind = ""
        question.answer_text = ""
        question.answered_at = None
        question.answered_by = None
        question.outbound = None
        question.save()
        waiting_started(
            shop=question.shop, channel=SLA_CHANNEL, item_id=question.pk, since=question.created_at
        )
    return decision


# --- Rules -----------------------------------------------------------------------------------


@transaction.atomic
def decline_rule_create(*, shop: Shop, fields: dict[str, Any]) -> DeclineRule:
    """Add a rule at the end. ``fields``: name, phrases, exclusions, fuzzy, kind, enabled, reply_text."""
    return DECLINE_RULES.create(shop=shop, fields=fields)


@transaction.atomic
def decline_rule_update(*, rule: DeclineRule, fields: dict[str, Any]) -> DeclineRule:
    return DECLINE_RULES.update(rule=rule, fields=fields)


@transaction.atomic
def decline_rule_delete(*, rule: DeclineRule) -> None:
    DECLINE_RULES.delete(rule=rule)


@transaction.atomic
def decline_rule_move(*, rule: DeclineRule, offset: int) -> None:
    """Move a rule up (offset -1) or down (+1); order decides which rule wins."""
    DECLINE_RULES.move(rule=rule, offset=offset)


class RulesImportError(ValidationError):
    """A rules file was refused; ``message`` names the rule and the field."""


def _default_reply(shop: Shop) -> str:
    from templates_lib.selectors import shipped_decline_reasons

    return shipped_decline_reasons(shop.default_language)[0].text


@transaction.atomic
def rules_import(*, shop: Shop, data: dict | str | bytes) -> list[DeclineRule]:
    """Replace the shop's rules with those of a rules file: all of it or nothing.

    A rule without "reply" gets the standard "no access to the information" reply in
    the shop's language. Every reply must pass the decline policy. Refusals raise
    ``RulesImportError`` whose message names the rule and the field.
    """
    from sellerdesk.policy.rules import RulesFileError, load_rules

    try:
        ruleset = load_rules(data)
    except RulesFileError as error:
        raise RulesImportError(error.message(get_language())) from error
    DECLINE_RULES.lock(shop)
    default_reply = _default_reply(shop)
    created: list[DeclineRule] = []
    for position, item in enumerate(ruleset.rules):
        rule = DeclineRule(
            shop=shop,
            position=position,
            name=item.name,
            phrases="\n".join(item.phrases),
            exclusions="\n".join(item.exclude),
            fuzzy=item.fuzzy,
            kind=item.kind,
            enabled=item.enabled,
            reply_text=(item.reply or default_reply).strip(),
        )
        where = {"rule": item.name, "number": position + 1}
        try:
            rule.full_clean(exclude=["shop"], validate_unique=False)
            reply_guard(
                shop=shop, text=rule.reply_text, channel="question_decline", warnings_confirmed=True
            )
        except ReplyBlocked as refused:
            raise RulesImportError(
                _("Rule %(number)s («%(rule)s»), field “reply”: %(problem)s")
                % {**where, "problem": " ".join(refused.messages)}
            ) from refused
        except ValidationError as invalid:
            field, problems = next(iter(invalid.message_dict.items()))
            file_key = {"exclusions": "exclude", "reply_text": "reply"}.get(field, field)
            raise RulesImportError(
                _("Rule %(number)s («%(rule)s»), field “%(field)s”: %(problem)s")
                % {**where, "field": file_key, "problem": " ".join(problems)}
            ) from invalid
        created.append(rule)
    DeclineRule.objects.for_shop(shop).delete()
    DeclineRule.objects.bulk_create(created)
    DECLINE_RULES.changed(shop)
    return created


def rules_export(*, shop: Shop) -> dict[str, Any]:
    """The shop's rules in the import format (a read, kept next to its import)."""
    return rules_to_data(DeclineRule.objects.for_shop(shop).order_by("position", "id"))
