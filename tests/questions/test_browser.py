"""A manager answers, is stopped by the policy on a decline, dry-runs a rule and undoes a decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from questions import services
from questions.models import AutoDecision, Question, QuestionStatus
from sellerdesk.core.models import Role
from templates_lib.services import templates_install_defaults
from tests.conftest import browser_login
from tests.factories import ShopFactory, member
from tests.questions.conftest import BROKEN_REPLY, GOOD_ANSWER, ask, rule_fields


@pytest.mark.browser
def test_answer_blocked_decline_dry_run_and_undo(page):
    shop = ShopFactory(name="Уютный дом")
    templates_install_defaults(shop=shop)  # the new shop's set-up task: the ready decline replies
    member(shop, Role.MANAGER, username="q-manager")
    rule = services.decline_rule_create(shop=shop, fields=rule_fields("Поставщики", ["поставщик"]))
    plaid = ask(shop, "Можно стирать плед в машинке?")
    rival = ask(shop, "А у конкурентов этот плед дешевле, почему?")
    supplier = ask(shop, "Кто ваш поставщик?")  # declined by the rule on commit
    assert Question.objects.get(pk=supplier.pk).status == QuestionStatus.DECLINED

    browser_login(page, "q-manager")

    # Answer: the New tab lists the question; the answer goes out and the tab count drops.
    page.goto(page.base_url + reverse("questions:list"))
    assert page.locator('[data-tab="new"] .count').inner_text() == "2"
    page.click(f'[data-question="{plaid.pk}"] a')
    page.fill("#answer-text", GOOD_ANSWER)
    page.click("#answer-box button[type=submit]")
    page.wait_for_url("**/questions/?tab=new")
    assert page.locator('[data-tab="new"] .count').inner_text() == "1"
    assert Question.objects.get(pk=plaid.pk).status == QuestionStatus.ANSWERED

    # Decline: a left-over template variable is an error, and the server refuses to send.
    page.goto(page.base_url + reverse("questions:detail", args=[rival.pk]))
    page.fill("#decline-text", BROKEN_REPLY)
    page.click("#decline-box button[type=submit].danger")
    page.wait_for_selector("#decline-box .replycheck-findings .status-error")
    assert Question.objects.get(pk=rival.pk).status == QuestionStatus.NEW
    # One of the ready reasons passes and is sent.
    page.click('#decline-box button[data-reason="other_sellers"]')
    assert "продавц" in page.input_value("#decline-text")
    page.click("#decline-box button[type=submit].danger")
    page.wait_for_url("**/questions/?tab=new")
    assert Question.objects.get(pk=rival.pk).decline_kind == "manual"

    # Dry run: the edited rule would decline the rival question and stop declining the supplier one.
    page.goto(page.base_url + reverse("questions:rule_edit", args=[rule.pk]))
    page.fill("#id_phrases", "конкурент")
    page.click("#dry-run-button")
    page.wait_for_selector("#dry-run-new mark")
    assert page.locator("#dry-run-new mark").inner_text() == "конкурентов"
    assert page.locator("#dry-run-stopped mark").inner_text() == "поставщик"
    rule.refresh_from_db()
    assert rule.phrases == "поставщик"  # nothing saved by a dry run

    # Undo the automatic decline: the question is New again, the record stays.
    page.goto(page.base_url + reverse("questions:decisions"))
    page.click(f'[data-decision="{AutoDecision.objects.get().pk}"] button.undo-decision')
    page.wait_for_selector(".message-success")
    assert Question.objects.get(pk=supplier.pk).status == QuestionStatus.NEW
    assert AutoDecision.objects.get().undone_at is not None
    page.goto(page.base_url + reverse("questions:list"))
    assert page.locator(f'[data-question="{supplier.pk}"]').count() == 1
