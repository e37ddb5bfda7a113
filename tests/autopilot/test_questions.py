"""The autopilot on questions: suggested answers, answering many at once, repeats answered alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from autopilot import services
from autopilot.models import State
from questions import services as questions
from questions.models import Question, QuestionStatus
from sellerdesk.core.models import Role
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

ANSWER = "Здравствуйте, Анна! Спасибо за вопрос. Да, чайник можно мыть в посудомойке. Хорошего дня!"


@pytest.fixture
def kettle(shops):
    return ProductFactory(shop=shops.mine, sku="WB-1", name="Чайник стеклянный")


def answered(shop, user, text: str, answer: str, *, product=None, buyer: str = "Анна"):
    question = questions.question_create(shop=shop, text=text, product=product, buyer_name=buyer)
    questions.question_answer(question=question, text=answer, user=user)
    return question


def test_similar_earlier_answers_are_suggested_same_product_first(shops, seller_client, kettle):
    seller = shops.users[Role.SELLER]
    other = ProductFactory(shop=shops.mine, sku="WB-2", name="Кофемолка")
    answered(
        shops.mine,
        seller,
        "Можно ли мыть кофемолку в посудомойке?",
        ANSWER.replace("чайник", "кофемолку"),
        product=other,
    )
    answered(shops.mine, seller, "Можно мыть в посудомоечной машине?", ANSWER, product=kettle)
    new = questions.question_create(
        shop=shops.mine, text="Можно ли мыть в посудомойке?", product=kettle, buyer_name="Олег"
    )
    page = seller_client.get(reverse("questions:detail", args=[new.pk]))
    suggestions = page.context["suggested_answers"]
    assert [s.same_product for s in suggestions][:2] == [True, False]
    assert suggestions[0].answer == ANSWER and suggestions[0].similarity >= 55
    assert 'data-fill-target="answer-text"' in page.content.decode()


def test_one_answer_goes_to_each_buyer_by_name_checked_separately(shops, seller_client, kettle):
    names = ["Анна", "Олег", "Вера"]
    picked = [
        questions.question_create(
            shop=shops.mine, text="Есть ли гарантия?", product=kettle, buyer_name=name
        )
        for name in names
    ]
    done = picked[2]
    questions.question_answer(
        question=done,
        text="Здравствуйте, Вера! Спасибо за вопрос. Гарантия год. Хорошего дня!",
        user=shops.users[Role.SELLER],
    )
    response = seller_client.post(
        reverse("autopilot:questions"),
        {
            "question_ids": [q.pk for q in picked],
            "text": "Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. На {{ product_name }} "
            "гарантия один год. Хорошего дня!",
        },
    )
    assert response.status_code == 200
    outcomes = {q.pk: outcome for q, outcome, _message in response.context["results"]}
    assert outcomes == {picked[0].pk: "sent", picked[1].pk: "sent", done.pk: "skipped"}
    for question, name in zip(picked[:2], names, strict=False):
        question.refresh_from_db()
        assert question.status == QuestionStatus.ANSWERED
        assert question.answer_text.startswith(f"Здравствуйте, {name}!")
        assert "Чайник стеклянный" in question.answer_text


def test_a_refused_answer_does_not_stop_the_others(shops, kettle):
    one = questions.question_create(
        shop=shops.mine, text="Цвет?", product=kettle, buyer_name="Анна"
    )
    two = questions.question_create(
        shop=shops.mine, text="Цвет?", product=kettle, buyer_name="Олег"
    )
    results = services.questions_answer_many(
        shop=shops.mine,
        question_ids=[one.pk, two.pk, 999999],
        text="Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. Цвет белый. Хорошего дня!"
        "{% if buyer_name == 'Олег' %} Звоните 8 916 482-37-19{% endif %}",
        user=shops.users[Role.SELLER],
    )
    assert [(q.pk, outcome) for q, outcome, _m in results] == [
        (one.pk, "sent"),
        (two.pk, "refused"),
    ]
    assert Question.objects.get(pk=two.pk).status == QuestionStatus.NEW


def test_repeats_are_answered_alone_only_when_the_shop_allows_it(shops, kettle):
    seller = shops.users[Role.SELLER]
    questions.question_settings_update(
        shop=shops.mine, repeat_threshold=80, mark_repeats=True, dry_run_size=100
    )
    answered(shops.mine, seller, "Можно ли мыть в посудомойке?", ANSWER, product=kettle)
    first = questions.question_create(
        shop=shops.mine, text="Можно ли мыть в посудомойке?", product=kettle, buyer_name="Олег"
    )
    questions.question_mark_repeat(question_id=first.pk)
    assert services.question_autopilot(question_id=first.pk) is None  # off by default
    services.autopilot_settings_update(
        shop=shops.mine, fields={"questions_enabled": True}, user=None
    )
    second = questions.question_create(
        shop=shops.mine, text="Можно ли мыть в посудомойке???", product=kettle, buyer_name="Вера"
    )
    questions.question_mark_repeat(question_id=second.pk)
    auto = services.question_autopilot(question_id=second.pk)
    assert auto.state == State.SCHEDULED
    assert "Вера" in auto.text and "Анна" not in auto.text
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert services.auto_reply_send(auto_id=auto.pk) == "sent"
    second.refresh_from_db()
    assert second.status == QuestionStatus.ANSWERED
    assert second.answered_by.username == services.AUTOPILOT_USERNAME
