from __future__ import annotations

import pytest
from django.test import override_settings

from questions import demo, tasks
from questions.models import AutoDecision, DeclineRule, Question, QuestionStatus
from sellerdesk.core.demo import DEMO_SHOPS, demo_seed
from sellerdesk.core.models import Shop
from sellerdesk.policy import check
from templates_lib.selectors import shipped_decline_reasons

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["ru", "zh", "en"])
def test_standard_decline_reasons_pass_the_decline_policy(lang):
    reasons = shipped_decline_reasons(lang)
    assert [reason.key for reason in reasons] == [
        "no_access",
        "other_sellers",
        "confidential",
        "suppliers",
        "other_stores",
    ]
    for reason in reasons:
        report = check(reason.text, "question_decline", lang=lang)
        assert [f.code for f in report.findings if f.severity in ("error", "warning")] == [], (
            reason.key
        )


def test_demo_has_rules_questions_and_decisions_in_both_shops():
    demo_seed()
    for spec in DEMO_SHOPS:
        shop = Shop.objects.get(name=spec.name)
        assert DeclineRule.objects.for_shop(shop).count() >= 3
        assert Question.objects.for_shop(shop).filter(status=QuestionStatus.NEW).count() >= 5
        assert AutoDecision.objects.for_shop(shop).count() >= 2


@override_settings(QUESTIONS_DEMO_TRICKLE_SECONDS=60)
def test_demo_generator_brings_questions_that_rules_decline(monkeypatch):
    demo_seed()
    shop = Shop.objects.get(name=DEMO_SHOPS[0].name)
    scheduled = []
    monkeypatch.setattr(
        tasks.demo_question_trickle,
        "apply_async",
        lambda args, countdown: scheduled.append((args, countdown)),
    )
    before = Question.objects.for_shop(shop).count()
    tasks.demo_question_trickle(shop.pk, 3)  # «Где закупаете щётки…» matches the supplier rule
    assert Question.objects.for_shop(shop).count() == before + 1
    assert scheduled == [((shop.pk, 4), 60)]
    question = Question.objects.for_shop(shop).latest("created_at")
    tasks.question_arrived(question.pk)
    question.refresh_from_db()
    assert question.decline_kind == "auto"


def test_demo_generator_is_off_without_the_demo_broker():
    assert demo.trickle_interval_seconds() == 0
