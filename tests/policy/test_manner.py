"""How a reply treats the buyer: rude, blame and brush_off, on the labelled manner corpus."""

import pytest

from sellerdesk.policy import Policy, check
from tests.policy.corpus_eval import MANNER_CODES, evaluate_manner, load_manner


def _manner(report):
    return [f for f in report.findings if f.code in MANNER_CODES]


def test_manner_corpus_covers_languages_channels_and_polite_near_misses():
    rows = load_manner(("manner",))
    assert len(rows) >= 250
    assert {r["lang"] for r in rows} == {"ru", "zh", "en"}
    assert {r["channel"] for r in rows} == {
        "chat",
        "question_answer",
        "question_decline",
        "review_reply",
    }
    assert sum(1 for r in rows if not r["codes"]) * 2 >= len(rows)
    for code in MANNER_CODES:
        for lang in ("ru", "zh", "en"):
            assert any(code in r["codes"] and r["lang"] == lang for r in rows), (code, lang)


@pytest.mark.parametrize("name", ["manner", "heldout"])
def test_manner_scores_meet_the_bar_and_no_polite_reply_is_flagged(name):
    result = evaluate_manner(load_manner((name,)))
    mistakes = "\n".join(f"{rid}: {what}: {text}" for rid, what, text in result["mistakes"])
    assert result["polite_flagged"] == [], mistakes
    for code, scores in result["per_code"].items():
        assert scores["f1"] >= 0.9, f"{code}: {scores}\n{mistakes}"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Вы буквы различаете? Всё написано в карточке.", "rude"),
        ("Читать инструкцию надо было, сами недосмотрели.", "blame"),
        ("С этим не к нам, разбирайтесь с курьером.", "brush_off"),
        ("Отвяжитесь, заказ отправлен.", "rude"),
        ("你瞎吗，详情页都写了。", "rude"),
        ("嫌贵别买。", "rude"),
        ("这事跟我们无关。", "brush_off"),
        ("Can't you read? It's in the description.", "rude"),
        ("That's not our department, sorry.", "brush_off"),
        ("You didn't follow the instructions, that's on you.", "blame"),
    ],
)
def test_the_issue_examples_are_caught(text, code):
    assert code in check(text, "review_reply").codes()


def test_spelling_variants_only_second_guess_unknown_words():
    from sellerdesk.policy.text import spelling_variants

    assert spelling_variants("умеити") == ("умеете",)
    assert spelling_variants("пишыте") == ("пишите",)
    assert spelling_variants("пишете") == ()  # a real word stays itself
    assert spelling_variants("wildberries") == ()


def test_word_forms_and_misspellings_count():
    for text in (
        "Вы читать вообще умеите?",  # misspelt ending
        "Ты читать умеешь?",
        "Отстань, всё отправлено.",
        "Не надоедай нам.",
        "Размер вы выбирали сами.",
        "Вы буквы различаити?",  # two slips in the ending
        "Отвежитесь, заказ отправлен.",  # «е» for «я»
        "Не пишыте сюда больше.",  # «шы»
        "Не нравиться — не покупайте.",  # «ться» for «тся»
        "Сами недосмотрили.",
    ):
        assert _manner(check(text, "chat")), text


@pytest.mark.parametrize(
    "text",
    [
        "Здравствуйте! Это наша ошибка, мы заменим товар.",
        "Здравствуйте! Рекомендуем стирать при 30°, тогда ткань не сядет.",
        "Здравствуйте! Вы правы, описание было неточным — исправили.",
        "Здравствуйте! Запах пропадёт через пару дней, если проветрить вещь.",
        "Здравствуйте! Сроки доставки устанавливает маркетплейс, но мы проверим статус заказа.",
        "Здравствуйте! Нет глупых вопросов: да, чехол снимается.",
        "Здравствуйте! Благодаря таким покупателям, как вы, мы становимся лучше.",
        "亲，是我们的失误，马上为您补发。",
        "Hi! There are no silly questions — yes, it's waterproof.",
        "It wasn't your fault; the parcel was damaged in transit. We'll replace it.",
    ],
)
def test_polite_look_alikes_stay_clean(text):
    assert _manner(check(text, "review_reply")) == []


def test_a_finding_covers_the_sentence_and_offers_the_right_fix():
    text = "Здравствуйте! Вы буквы различаете? Размер указан в карточке."
    (rude,) = _manner(check(text, "question_answer"))
    assert text[rude.start : rude.end] == "Вы буквы различаете?"
    assert rude.severity == "error" and rude.suggestion == ""

    text = "Спасибо за отзыв. Сами недосмотрели, в описании указан размер. Хорошего дня!"
    (blame,) = _manner(check(text, "review_reply"))
    assert text[blame.start : blame.end] == "Сами недосмотрели, в описании указан размер."
    assert blame.severity == "warning" and "жаль" in blame.suggestion

    (brush,) = _manner(check("Thanks! Take it up with the courier.", "chat"))
    assert brush.severity == "warning" and "We'll" in brush.suggestion


def test_suggested_wordings_are_clean_in_every_language():
    samples = {
        "blame": {"ru": "Сами виноваты.", "zh": "是您操作不对。", "en": "That's on you."},
        "brush_off": {
            "ru": "Это не наша проблема.",
            "zh": "这事跟我们无关。",
            "en": "Not our problem.",
        },
    }
    openers = {"ru": "Здравствуйте! ", "zh": "亲，您好！", "en": "Hello! "}
    for code, by_lang in samples.items():
        for lang, text in by_lang.items():
            finding = next(f for f in check(text, "chat").findings if f.code == code)
            assert finding.suggestion, (code, lang)
            fixed = check(openers[lang] + finding.suggestion, "chat")
            assert _manner(fixed) == [], (code, lang, finding.suggestion)
            assert "overpromise" not in fixed.codes(), (code, lang, finding.suggestion)


def test_messages_follow_the_ui_language_and_suggestions_the_reply_language():
    report = check("Сами виноваты.", "chat", ui_lang="zh-hans")
    (finding,) = _manner(report)
    assert "买家" in finding.message
    assert "жаль" in finding.suggestion


def test_a_shop_can_regrade_manner_checks():
    policy = Policy.from_dict({"severity_overrides": {"blame": "error", "rude": "off"}})
    report = check("Отстаньте. Сами виноваты.", "chat", policy=policy)
    assert {(f.code, f.severity) for f in _manner(report)} == {("blame", "error")}
    assert not report.ok
