from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from questions import services
from questions.models import AutoDecision, Question, QuestionStatus
from questions.selectors import already_asked, shop_ruleset
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.models import OutboundItem, OutboundKind, OutboundState
from sellerdesk.replycheck.services import ReplyBlocked, ReplyNeedsConfirmation
from tests.questions.conftest import BROKEN_REPLY, GOOD_ANSWER, POLITE_DECLINE, ask, rule_fields

pytestmark = pytest.mark.django_db


def test_new_question_checks_rules_after_commit(
    shops, supplier_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        question = ask(shops.mine, "Кто ваш поставщик?")
    assert len(callbacks) >= 1
    question.refresh_from_db()
    assert question.status == QuestionStatus.DECLINED
    assert question.decline_kind == "auto"
    assert question.answer_text == POLITE_DECLINE
    assert question.outbound.state == OutboundState.SENT  # delivered by the outbox after commit
    assert question.outbound.kind == OutboundKind.QUESTION_DECLINE
    decision = AutoDecision.objects.get(question=question)
    assert (decision.rule_name, decision.matched, decision.start, decision.end) == (
        "Поставщики",
        "поставщик",
        8,
        17,
    )


def test_question_without_matching_rule_stays_new(
    shops, supplier_rule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(shops.mine, "Какой размер у пледа?")
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW
    assert not AutoDecision.objects.exists()


def test_autodecline_twice_declines_once(shops, supplier_rule):
    question = ask(shops.mine, "Где закупаете товар?")
    first = services.question_autodecline_apply(question_id=question.pk)
    second = services.question_autodecline_apply(question_id=question.pk)
    assert first is not None and second is None
    assert AutoDecision.objects.filter(question=question).count() == 1


def test_autodecline_failure_leaves_question_new(shops, supplier_rule, monkeypatch):
    question = ask(shops.mine, "Кто ваш поставщик?")

    def broken(*args, **kwargs):
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr("questions.services.ruleset_for_shop", broken)
    with pytest.raises(RuntimeError):
        services.question_autodecline_apply(question_id=question.pk)
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW
    assert not AutoDecision.objects.exists()


def test_disabled_rule_does_not_decline(shops):
    services.decline_rule_create(
        shop=shops.mine, fields=rule_fields("Выкл", ["поставщик"], enabled=False)
    )
    question = ask(shops.mine, "Кто ваш поставщик?")
    assert services.question_autodecline_apply(question_id=question.pk) is None


def test_first_rule_in_order_wins_and_reorder_changes_it(shops):
    first = services.decline_rule_create(
        shop=shops.mine, fields=rule_fields("Первое", ["поставщик"])
    )
    services.decline_rule_create(shop=shops.mine, fields=rule_fields("Второе", ["ваш поставщик"]))
    assert shop_ruleset(shop=shops.mine).evaluate("Кто ваш поставщик?").rule == "Первое"
    services.decline_rule_move(rule=first, offset=1)
    assert shop_ruleset(shop=shops.mine).evaluate("Кто ваш поставщик?").rule == "Второе"


def test_undo_returns_question_to_new_and_keeps_record(
    shops, supplier_rule, django_capture_on_commit_callbacks, monkeypatch
):
    withdrawn = []

    class Connector:
        def decline_question(self, *, shop, question_ref, text):
            pass

        def withdraw_question_answer(self, *, shop, question_ref):
            withdrawn.append(question_ref)
            return True

        def close(self):
            pass

    monkeypatch.setattr(
        "sellerdesk.marketplaces.connectors.connector_for", lambda shop, *, remote_ref: Connector()
    )
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(shops.mine, "Кто ваш поставщик?", external_id="wb-q-1")
    decision = AutoDecision.objects.get(question=question)
    with django_capture_on_commit_callbacks(execute=True):
        services.autodecision_undo(decision=decision, user=shops.users[Role.MANAGER])
    question.refresh_from_db()
    decision.refresh_from_db()
    assert question.status == QuestionStatus.NEW and question.answer_text == ""
    assert decision.undone_at is not None and decision.undone_by == shops.users[Role.MANAGER]
    assert decision.withdrawal_outbound.kind == OutboundKind.QUESTION_WITHDRAW
    assert decision.withdrawal_outbound.state == OutboundState.SENT
    assert withdrawn == ["wb-q-1"]
    # A late duplicate of the arrival task must not decline it again.
    assert services.question_autodecline_apply(question_id=question.pk) is None
    with pytest.raises(ValidationError):
        services.autodecision_undo(decision=decision, user=shops.users[Role.MANAGER])


def test_undo_before_the_decline_went_out_cancels_it_and_sends_nothing(
    shops, supplier_rule, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(shops.mine, "Кто ваш поставщик?", external_id="wb-q-2")
    decline = question_outbound(question)
    assert decline.state == OutboundState.QUEUED
    decision = AutoDecision.objects.get(question=question)
    services.autodecision_undo(decision=decision, user=shops.users[Role.MANAGER])
    outbox.deliver()
    decision.refresh_from_db()
    assert decision.withdrawal_outbound is None  # nothing went out, nothing to take back
    assert not OutboundItem.objects.filter(pk=decline.pk).exists()
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW and question.outbound is None


def question_outbound(question: Question) -> OutboundItem:
    question.refresh_from_db()
    return question.outbound


def test_answer_with_policy_error_is_refused(shops):
    question = ask(shops.mine, "Можно стирать плед?")
    with pytest.raises(ReplyBlocked):
        services.question_answer(
            question=question, text=BROKEN_REPLY, user=shops.users[Role.SELLER]
        )
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_answer_with_warnings_needs_confirmation(shops, django_capture_on_commit_callbacks):
    question = ask(shops.mine, "Можно стирать плед?")
    with pytest.raises(ReplyNeedsConfirmation):
        services.question_answer(question=question, text="Да", user=shops.users[Role.SELLER])
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            question=question, text="Да", user=shops.users[Role.SELLER], warnings_confirmed=True
        )
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.outbound.state == OutboundState.SENT


def test_answer_and_decline_only_new_questions(shops):
    question = ask(shops.mine, "Можно стирать плед?")
    services.question_answer(
        question=question, text=GOOD_ANSWER, user=shops.users[Role.SELLER], warnings_confirmed=True
    )
    with pytest.raises(ValidationError):
        services.question_decline(
            question=question, text=POLITE_DECLINE, user=shops.users[Role.SELLER]
        )


def test_manual_decline(shops):
    question = ask(shops.mine, "Сколько стоит у конкурентов?")
    services.question_decline(question=question, text=POLITE_DECLINE, user=shops.users[Role.SELLER])
    question.refresh_from_db()
    assert (question.status, question.decline_kind) == (QuestionStatus.DECLINED, "manual")


def test_rule_with_reply_breaking_policy_cannot_be_saved(shops):
    with pytest.raises(ValidationError) as refused:
        services.decline_rule_create(
            shop=shops.mine, fields=rule_fields("Плохой", ["поставщик"], reply_text=BROKEN_REPLY)
        )
    assert "reply_text" in refused.value.message_dict
    assert not shops.mine.decline_rules.exists()


def test_rule_change_recompiles(shops, supplier_rule):
    assert shop_ruleset(shop=shops.mine).evaluate("Где ваш склад?") is None
    services.decline_rule_update(rule=supplier_rule, fields=rule_fields("Поставщики", ["склад"]))
    assert shop_ruleset(shop=shops.mine).evaluate("Где ваш склад?").rule == "Поставщики"


def test_exclusion_vetoes_rule(shops):
    services.decline_rule_create(
        shop=shops.mine,
        fields=rule_fields("Поставщики", ["поставщик"], exclusions=["поставщик гарантии"]),
    )
    assert shop_ruleset(shop=shops.mine).evaluate("Кто поставщик гарантии?") is None


def test_already_asked_suggests_earlier_answer(shops, products):
    earlier = ask(shops.mine, "Можно ли стирать плед в машинке?", product=products[1])
    services.question_answer(
        question=earlier, text=GOOD_ANSWER, user=shops.users[Role.SELLER], warnings_confirmed=True
    )
    again = ask(shops.mine, "Можно стирать плед в машинке?", product=products[1])
    other_product = ask(shops.mine, "Можно стирать плед в машинке?", product=products[0])
    found = already_asked(question=again, threshold=90)
    assert found is not None and found.question == earlier
    assert already_asked(question=other_product, threshold=90) is None
    assert already_asked(question=again, threshold=99) is None
    services.question_mark_repeat(question_id=again.pk)
    again.refresh_from_db()
    assert again.repeat_of == earlier


def test_questions_of_other_shop_are_separate(shops, supplier_rule):
    question = ask(shops.other, "Кто ваш поставщик?")
    assert services.question_autodecline_apply(question_id=question.pk) is None
    assert Question.objects.for_shop(shops.mine).count() == 0


def test_import_command_creates_questions_once(
    shops, products, supplier_rule, monkeypatch, django_capture_on_commit_callbacks
):
    import io

    from django.core.management import call_command

    lines = (
        '{"text": "Кто ваш поставщик?", "sku": "WB-104233", "external_id": "q-1"}\n'
        '{"text": "Плед линяет?", "external_id": "q-2", "created_at": "2026-11-20T10:00:00+03:00"}\n'
        "not json\n"
    )
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO(lines))
        with django_capture_on_commit_callbacks(execute=True):
            call_command(
                "questions_import", shop=shops.mine.pk, stdout=io.StringIO(), stderr=io.StringIO()
            )
    assert Question.objects.for_shop(shops.mine).count() == 2
    supplier = Question.objects.get(external_id="q-1")
    assert supplier.product == products[0] and supplier.status == QuestionStatus.DECLINED


def test_rule_reply_refused_by_a_newer_policy_leaves_question_for_a_person(shops, supplier_rule):
    # The reply passed when the rule was saved; someone broke it later (e.g. by an import
    # from an older version). The worker must not send it.
    type(supplier_rule).objects.filter(pk=supplier_rule.pk).update(reply_text=BROKEN_REPLY)
    services._rules_changed(shops.mine)
    question = ask(shops.mine, "Кто ваш поставщик?")
    assert services.question_autodecline_apply(question_id=question.pk) is None
    question.refresh_from_db()
    assert question.status == QuestionStatus.NEW


def test_arrival_task_for_a_deleted_question_is_a_no_op(shops):
    from questions import tasks

    question = ask(shops.mine, "Вопрос")
    question_id = question.pk
    question.delete()
    tasks.question_arrived(question_id)
