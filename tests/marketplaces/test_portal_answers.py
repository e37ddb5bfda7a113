"""Questions answered or declined on the Wildberries portal are settled here without sending anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from questions.models import Question, QuestionStatus
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import InboundRecord
from sellerdesk.marketplaces.wildberries import sync
from sellerdesk.sla.models import SlaClock


def _age_staged_questions(shop, minutes: int = 60) -> None:
    InboundRecord.objects.for_shop(shop).filter(stream="question").update(
        updated_at=timezone.now() - timedelta(minutes=minutes)
    )


def _open_clock(question) -> bool:
    return SlaClock.objects.filter(
        channel="question", item_id=question.pk, answered_at__isnull=True
    ).exists()


@pytest.mark.parametrize("portal_state", ["wbRu", "none"], ids=["answered", "declined"])
def test_a_portal_reply_settles_the_question_after_a_recheck(
    wb_fake, wb_account_apps, portal_state
):
    shop = wb_account_apps.shop
    remote = wb_fake.add_question("Какой гарантийный срок?")
    untouched = wb_fake.add_question("А цвет какой?")
    services.account_sync(account_id=wb_account_apps.pk)
    question = Question.objects.for_shop(shop).get(external_id=remote["id"])
    assert question.status == QuestionStatus.NEW and _open_clock(question)

    with wb_fake.lock:
        remote["answer"] = {
            "text": "Год гарантии.",
            "editable": False,
            "createDate": remote["createdDate"],
        }
        remote["state"] = portal_state
    services.account_sync(account_id=wb_account_apps.pk)
    question.refresh_from_db()
    assert (
        question.status == QuestionStatus.NEW
    )  # checked again only after a while: no read per sync

    _age_staged_questions(shop)
    services.account_sync(account_id=wb_account_apps.pk)
    question.refresh_from_db()
    expected = QuestionStatus.ANSWERED if portal_state == "wbRu" else QuestionStatus.DECLINED
    assert question.status == expected and question.handled_on_marketplace
    assert question.answer_text == "Год гарантии."
    assert not _open_clock(question)
    assert wb_fake.writes == []  # nothing was sent
    other = Question.objects.for_shop(shop).get(external_id=untouched["id"])
    assert other.status == QuestionStatus.NEW and _open_clock(other)


def test_rechecks_are_few_per_run_and_rotate(wb_fake, wb_account_apps, monkeypatch):
    monkeypatch.setattr(sync, "STATE_CHECKS_PER_RUN", 2)
    for number in range(3):
        wb_fake.add_question(f"Вопрос {number}")
    services.account_sync(account_id=wb_account_apps.pk)
    _age_staged_questions(wb_account_apps.shop)
    reads: list[str] = []
    original = sync.WildberriesClient.question

    def counting(self, question_id):
        reads.append(question_id)
        return original(self, question_id)

    monkeypatch.setattr(sync.WildberriesClient, "question", counting)
    services.account_sync(account_id=wb_account_apps.pk)
    assert len(reads) == 2
    _age_staged_questions(wb_account_apps.shop, minutes=30)
    InboundRecord.objects.filter(external_id__in=reads).update(
        updated_at=timezone.now() - timedelta(minutes=20)
    )
    services.account_sync(account_id=wb_account_apps.pk)
    assert (
        len(reads) == 4 and len(set(reads[2:]) - set(reads[:2])) == 1
    )  # the unchecked one comes first
