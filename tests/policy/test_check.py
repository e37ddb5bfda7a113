"""Behaviour of check() a seller or manager would notice."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import sellerdesk.policy
from sellerdesk.policy import Policy, check, find_profanity, format_report


def codes(report):
    return [f.code for f in report.findings]


def test_report_dict_has_exactly_the_agreed_shape():
    report = check("Здравствуйте! Спасибо за вопрос. Хорошего дня!", "question_answer")
    data = report.to_dict()
    assert set(data) == {"ok", "lang", "parts", "findings"}
    assert set(data["parts"]) == {"greeting", "thanks", "reason", "alternative", "closing"}
    assert data["ok"] is True and data["lang"] == "ru"
    json.dumps(data)


def test_declining_without_reason_and_alternative_warns_but_does_not_block():
    report = check("Здравствуйте! Спасибо за вопрос. Хорошего дня!", "question_decline")
    assert report.ok
    assert {"missing_reason", "missing_alternative"} <= set(codes(report))
    assert all(f.severity == "warning" for f in report.findings)


def test_missing_greeting_points_at_start_and_closing_at_end():
    text = "Спасибо за вопрос."
    report = check(text, "chat")
    by_code = {f.code: f for f in report.findings}
    assert (by_code["missing_greeting"].start, by_code["missing_greeting"].end) == (0, 0)
    assert (by_code["missing_closing"].start, by_code["missing_closing"].end) == (
        len(text),
        len(text),
    )
    assert by_code["missing_closing"].suggestion.strip() == "Хорошего дня!"


def test_thanks_recognised_in_many_word_forms():
    for text in (
        "Благодарим вас!",
        "Спасибо большое!",
        "Мы благодарны за интерес.",
        "Признательны вам.",
    ):
        assert check(text, "chat").parts["thanks"], text
    assert not check("Благодаря плотной ткани платье держит форму.", "chat").parts["thanks"]


def test_chinese_traditional_and_simplified_and_false_friend():
    assert check("親，您好！謝謝您的評價，祝您生活愉快！", "review_reply").parts == {
        "greeting": True,
        "thanks": True,
        "reason": False,
        "alternative": False,
        "closing": True,
    }
    assert check("亲，您好！谢谢您的评价，祝您生活愉快！", "review_reply").parts["thanks"]
    assert not check("我们会亲自检查每件商品。", "chat").parts["greeting"]


def test_contacts_are_errors_outside_chat_only():
    text = "Здравствуйте! Звоните +7 (916) 123-45-67. Хорошего дня!"
    assert "contact_outside_chat" in codes(check(text, "question_answer"))
    assert not check(text, "question_answer").ok
    assert "contact_outside_chat" not in codes(check(text, "chat"))
    forbidding = Policy.from_dict({"allow_contacts_in_chat": False})
    assert "contact_outside_chat" in codes(check(text, "chat", policy=forbidding))


def test_contact_span_covers_the_number():
    text = "Наш телефон 8-916-123-45-67"
    finding = next(
        f for f in check(text, "review_reply").findings if f.code == "contact_outside_chat"
    )
    assert text[finding.start : finding.end] == "8-916-123-45-67"


@pytest.mark.parametrize(
    "text",
    [
        "Ваш заказ №89161234567 отправлен.",
        "Артикул 145678923, размеры 42 44 46 48 50 52.",
        "ИНН 7707083893, цена 12 990 руб.",
        "Мы не можем общаться в мессенджерах.",
        "支持微信支付和支付宝。",
        "Подробнее на wildberries.ru в карточке товара.",
        "Из 3 кружек одна пришла с браком, раз 123 456 проверили.",
        "Пишите нам: support [at] wildberries [dot] ru",
    ],
)
def test_things_that_are_not_contacts(text):
    assert "contact_outside_chat" not in codes(check(text, "question_answer"))


@pytest.mark.parametrize(
    "text",
    [
        "пишите в вотсап",
        "shop собака mail точка ru",
        "восемь девятьсот шестнадцать сто двадцать три сорок пять шестьдесят семь",
        "加我微信abc888",
        "电话：一三八零零一三八零零零",
        "手机１３８００１３８０００",
        "наш сайт moda-shop.ru",
        "telegram: @modashop",
        "звоните: +7 (9I2) ЗЗ4-55-66",
        "手機：０９１２－３４５－６７８",
        "請加LINE：shop_tw88",
        "Call our team on 020 7946 0958 any time.",
    ],
)
def test_contacts_in_many_spellings(text):
    assert "contact_outside_chat" in codes(check(text, "question_answer"))


def test_allowed_domain_is_not_flagged():
    policy = Policy.from_dict({"allowed_domains": ["moda-shop.ru"]})
    assert "contact_outside_chat" not in codes(
        check("наш сайт moda-shop.ru", "review_reply", policy=policy)
    )


@pytest.mark.parametrize(
    "text",
    [
        "рубля",
        "корабля",
        "команда",
        "застрахуйте",
        "操场",
        "Scunthorpe",
        "class",
        "бляшки",
        "сучкорез",
        "соус с хреном",
    ],
)
def test_innocent_words_are_not_profanity(text):
    assert find_profanity(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "бля",
        "нахуй",
        "б**",
        "х*р",
        "xуй",
        "заебали",
        "傻逼",
        "他媽的",
        "f*ck",
        "idiot",
        "пиzдец",
        "хр*нь",
        "ох*ели",
    ],
)
def test_profanity_in_disguise(text):
    assert find_profanity(text), text
    assert "profanity" in codes(check(text, "chat"))


def test_extra_forbidden_words_count_as_profanity():
    policy = Policy.from_dict({"extra_forbidden_words": ["дешёвка"]})
    report = check("Это не дешевки какие-то.", "chat", policy=policy)
    assert "profanity" in codes(report) and not report.ok


@pytest.mark.parametrize(
    "text",
    [
        "К сожалению, скидку сделать не получится: цены устанавливает маркетплейс.",
        "Увы, бронировать товар мы не можем — система площадки этого не позволяет.",
        "Sorry, we can't reserve items because the marketplace doesn't support holds.",
        "Regrettably, we can't disclose the price, since it is commercially sensitive.",
        "Unfortunately we can't hold items, as stock is managed by the marketplace warehouse.",
        "很抱歉，该商品已经停产，无法补货。",
        "非常抱歉，这款商品暂时不支持定制，因为是统一批量生产的。",
    ],
)
def test_a_refusal_with_its_explanation_is_a_reason(text):
    assert check(text, "question_decline").parts["reason"], text


def test_a_bare_refusal_is_no_reason():
    for text in ("Мы не можем общаться в мессенджерах, только здесь.", "We can't answer that."):
        assert not check(text, "question_decline").parts["reason"], text


@pytest.mark.parametrize(
    "text",
    [
        "Подробнее — в карточке товара.",
        "Размер можно сверить с таблицей размеров.",
        "Please check the size chart.",
        "您可以查看详情页。",
    ],
)
def test_pointing_the_buyer_to_the_card_or_chart_is_an_alternative(text):
    assert check(text, "question_decline").parts["alternative"], text


@pytest.mark.parametrize(
    "text",
    [
        "Мы ответили вам в чате заказа.",
        "Карточка товара обновлена, фото заменили.",
        "The refund was issued yesterday.",
        "这是同款热销产品。",
    ],
)
def test_merely_mentioning_the_card_chat_or_a_refund_is_no_alternative(text):
    assert not check(text, "question_decline").parts["alternative"], text


def test_overpromise_but_not_facts():
    assert "overpromise" in codes(check("Гарантируем, что придёт завтра!", "chat"))
    assert "overpromise" in codes(check("Эта куртка никогда не сломается.", "chat"))
    assert "overpromise" in codes(check("保證明天到貨", "chat"))
    assert "overpromise" not in codes(check("Состав 100% хлопок, гарантия 12 месяцев.", "chat"))
    assert "overpromise" not in codes(check("百分百纯棉", "chat"))
    assert "overpromise" not in codes(check("Мы не можем гарантировать сроки.", "chat"))


def test_placeholders_block():
    for text in ("Здравствуйте, {{ name }}!", "Спасибо за отзыв о [товар]!", "Здравствуйте, {{}}!"):
        report = check(text, "review_reply")
        assert "placeholder" in codes(report) and not report.ok, text


def test_empty_reply_blocks():
    assert not check("   ", "chat").ok


def test_personalisation_hint():
    report = check(
        "Здравствуйте! Спасибо за отзыв! Хорошего дня!", "review_reply", buyer_name="Анна"
    )
    hint = next(f for f in report.findings if f.code == "greeting_without_name")
    assert hint.severity == "info" and "Анна" in hint.suggestion
    named = check(
        "Здравствуйте, Анна! Спасибо за отзыв! Хорошего дня!", "review_reply", buyer_name="Анна"
    )
    assert "greeting_without_name" not in codes(named)


def test_messages_follow_ui_language_and_suggestions_the_reply_language():
    en_ui = check("谢谢您的评价！", "review_reply", ui_lang="en")
    greeting = next(f for f in en_ui.findings if f.code == "missing_greeting")
    assert greeting.message == "No greeting."
    assert "您好" in greeting.suggestion
    zh_ui = check("Thank you!", "review_reply", ui_lang="zh_Hans")
    assert next(f for f in zh_ui.findings if f.code == "missing_greeting").message == "缺少问候语。"


def test_shouting_and_too_long():
    assert "shouting" in codes(check("ЗДРАВСТВУЙТЕ! ВАШ ЗАКАЗ УЖЕ ОТПРАВЛЕН, ЖДИТЕ.", "chat"))
    policy = Policy.from_dict({"max_length": {"chat": 20}})
    assert "too_long" in codes(check("Здравствуйте! " * 5, "chat", policy=policy))


def test_severity_override_and_switch_off():
    policy = Policy.from_dict(
        {"severity_overrides": {"missing_greeting": "off", "overpromise": "error"}}
    )
    report = check("Гарантируем доставку завтра.", "chat", policy=policy)
    assert "missing_greeting" not in codes(report)
    assert not report.ok


def test_policy_round_trip_and_validation():
    policy = Policy.from_dict(
        {
            "required_parts": {"chat": ["greeting"]},
            "extra_forbidden_words": ["x"],
            "allow_contacts_in_chat": False,
        }
    )
    assert Policy.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy
    assert Policy.from_dict(Policy.default().to_dict()) == Policy.default()
    for bad, field in [
        ({"required_parts": {"chat": ["hug"]}}, "required_parts"),
        ({"required_parts": {"telegram": []}}, "required_parts"),
        ({"allow_contacts_in_chat": "yes"}, "allow_contacts_in_chat"),
        ({"severity_overrides": {"profanity": "fatal"}}, "severity_overrides"),
        ({"max_length": {"chat": -1}}, "max_length"),
        ({"extra_forbidden_words": "word"}, "extra_forbidden_words"),
        ({"colour": 1}, "colour"),
    ]:
        with pytest.raises(ValueError, match=field):
            Policy.from_dict(bad)


def test_unknown_channel_is_rejected():
    with pytest.raises(ValueError, match="channel"):
        check("Hi", "telegram")


def test_format_report_marks_spans():
    text = "Звоните 89161234567"
    rendered = format_report(text, check(text, "question_answer"))
    assert "⟦89161234567⟧" in rendered and "BLOCKED" in rendered


FORBIDDEN_ROOTS = {"django", "celery", "chats", "questions", "templates_lib", "reviews"}


def _forbidden_modules_after(statement: str) -> set[str]:
    code = (
        f"import sys; {statement};"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN_ROOTS!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return set(ast.literal_eval(out.stdout.strip()))


def test_package_imports_no_django_or_apps():
    loaded = _forbidden_modules_after(
        "import sellerdesk.policy; sellerdesk.policy.check('Здравствуйте, пишите в вотсап', 'chat')"
    )
    assert loaded == set()


def test_policy_sources_never_import_django_or_apps():
    package = Path(sellerdesk.policy.__file__).parent
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots = {node.module.split(".")[0]}
            else:
                continue
            assert not roots & FORBIDDEN_ROOTS, f"{path.name} imports {roots & FORBIDDEN_ROOTS}"


def test_every_suggested_part_is_recognised_as_that_part():
    """Inserting the suggestion for a missing part must make the warning go away."""
    suggestions = json.loads(
        (Path(sellerdesk.policy.__file__).parent / "data" / "suggestions.json").read_text()
    )
    for key, by_lang in suggestions.items():
        part = key.split(".")[0].removesuffix("_named")
        if part not in ("greeting", "thanks", "reason", "alternative", "closing"):
            continue
        for lang, text in by_lang.items():
            reply = text.format(name="Анна")
            assert check(reply, "question_decline").parts[part], (key, lang, reply)


def test_an_invitation_to_another_channel_is_an_alternative_but_still_blocked_in_public():
    # The buyer is told what to do instead (the spec's "write to the chat" and the like),
    # yet a contact in a public answer remains an error.
    report = check("Здравствуйте! Пишите в WhatsApp: +7 912 334-55-66.", "question_answer")
    assert report.parts["alternative"]
    assert "contact_outside_chat" in codes(report) and not report.ok
    # A bare number is no invitation, and a refusal to use messengers finds no contact.
    assert not check("Здравствуйте! Наш телефон +7 912 334-55-66.", "chat").parts["alternative"]
    refusal = check("Hi! Sorry, we cannot contact buyers via WhatsApp.", "chat")
    assert not refusal.parts["alternative"]


def test_a_negated_pointer_or_a_rating_request_is_no_alternative():
    assert not check("Hello! These boots will fit, no need to check the size chart.", "chat").parts[
        "alternative"
    ]
    bribe = check("Please update your review to 5 stars and we'll send a replacement.", "chat")
    assert not bribe.parts["alternative"]
    assert "rating_manipulation" in codes(bribe)
    assert not check("Ёлка высотой 180 см, в комплекте 9 ярусов.", "chat").parts["alternative"]


def test_thanks_opening_a_reply_is_not_its_closing():
    opening = check("Благодарим за терпение, Павел! Куртка приедет в четверг.", "chat")
    assert opening.parts["thanks"] and not opening.parts["closing"]
    ending = check("Куртка приедет в четверг. Спасибо за терпение!", "chat")
    assert ending.parts["closing"]


def test_square_bracket_placeholder_in_chinese_is_caught():
    assert "placeholder" in codes(
        check("您好，[店铺名]不回答与商品无关的问题。", "question_decline")
    )
