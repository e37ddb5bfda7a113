"""Rules files: strict validation with localised errors, evaluation, dump, dry runs."""

from __future__ import annotations

import json
import pickle

import pytest

from sellerdesk.policy.rules import (
    Decision,
    RulesFileError,
    diff_rulesets,
    dryrun_lines,
    dump_rules,
    load_rules,
)


def rule(name, phrases, **extra):
    data = {"name": name, "phrases": phrases, "exclude": [], "fuzzy": False, "kind": "keywords"}
    data.update(extra)
    return data


def ruleset(*rules):
    return load_rules({"rules": list(rules)})


SHOP_RULES = {
    "rules": [
        rule("Other sellers", ["другой продавец", "其他卖家"], exclude=["официальный магазин"]),
        rule("Suppliers", ["поставщик", "供应商"], fuzzy=True, reply="Не раскрываем."),
        rule("Discounts", ["скидка"], enabled=False),
        rule("Rudeness", [], kind="profanity", exclude=["цитата"]),
    ]
}


# --- evaluation --------------------------------------------------------------------------------


def test_decision_names_rule_and_span_in_original_text():
    rules = load_rules(SHOP_RULES)
    text = "Скажите, у ДРУГИХ продавцов дешевле?"
    decision = rules.evaluate(text)
    assert decision == Decision(
        rule="Other sellers", matched="ДРУГИХ продавцов", start=11, end=27, rule_index=0
    )


def test_first_enabled_rule_in_order_wins():
    rules = load_rules(SHOP_RULES)
    decision = rules.evaluate("Поставщик у другого продавца тот же?")
    assert decision is not None and decision.rule == "Other sellers"


def test_exclusion_vetoes_only_its_rule():
    rules = load_rules(SHOP_RULES)
    decision = rules.evaluate("Официальный магазин или другой продавец? Кто поставщик?")
    assert decision is not None
    assert (decision.rule, decision.matched, decision.reply) == (
        "Suppliers",
        "поставщик",
        "Не раскрываем.",
    )


def test_disabled_rule_never_declines():
    assert load_rules(SHOP_RULES).evaluate("Есть скидка?") is None


def test_fuzzy_rule_declines_typo():
    decision = load_rules(SHOP_RULES).evaluate("кто ваш поставщег")
    assert decision is not None and decision.matched == "поставщег"


def test_profanity_rule_uses_the_policy_engine_spans():
    rules = load_rules(SHOP_RULES)
    text = "Вы идиоты, где заказ?"
    decision = rules.evaluate(text)
    assert decision is not None
    assert (decision.rule, decision.kind, decision.matched) == ("Rudeness", "profanity", "идиоты")


def test_profanity_rule_exclusion_vetoes_it():
    assert load_rules(SHOP_RULES).evaluate("Цитата из отзыва: вы идиоты") is None


def test_profanity_rule_also_matches_its_own_phrases():
    rules = ruleset(rule("Rude", ["тупой вопрос"], kind="profanity"))
    decision = rules.evaluate("Тупой вопрос, но всё же")
    assert decision is not None and decision.matched == "Тупой вопрос"


def test_clean_question_is_kept():
    assert load_rules(SHOP_RULES).evaluate("Какой размер взять при росте 170?") is None


def test_evaluate_is_repeatable_and_cached():
    rules = load_rules(SHOP_RULES)
    first = rules.evaluate("其他卖家有吗")
    assert first is not None and first.matched == "其他卖家"
    assert rules.evaluate("其他卖家有吗") is first


def test_ruleset_survives_pickling():
    rules = pickle.loads(pickle.dumps(load_rules(SHOP_RULES)))
    decision = rules.evaluate("у других продавцов")
    assert decision is not None and decision.rule == "Other sellers"


# --- dump --------------------------------------------------------------------------------------


def test_dump_round_trips_the_file():
    dumped = dump_rules(load_rules(SHOP_RULES))
    assert dump_rules(load_rules(json.dumps(dumped))) == dumped
    assert dumped["rules"][2]["enabled"] is False
    assert dumped["rules"][1]["reply"] == "Не раскрываем."
    assert "reply" not in dumped["rules"][0]
    assert [r["name"] for r in dumped["rules"]] == [
        "Other sellers",
        "Suppliers",
        "Discounts",
        "Rudeness",
    ]


def test_load_accepts_json_text_and_bytes():
    text = json.dumps(SHOP_RULES, ensure_ascii=False)
    assert len(load_rules(text)) == 4
    assert len(load_rules(text.encode("utf-8"))) == 4


# --- validation errors -------------------------------------------------------------------------


def error_for(data) -> RulesFileError:
    with pytest.raises(RulesFileError) as caught:
        load_rules(data)
    return caught.value


def test_error_names_rule_number_name_and_field():
    error = error_for(
        {"rules": [rule("A", ["a"]), rule("B", ["b"]), rule("Suppliers", ["поставщик", ""])]}
    )
    assert str(error) == 'rule 3 ("Suppliers"): "phrases" must be a list of non-empty strings'
    assert (error.rule_number, error.rule_index, error.rule_name, error.field) == (
        3,
        2,
        "Suppliers",
        "phrases",
    )


def test_error_messages_in_every_ui_language():
    error = error_for({"rules": [rule("Suppliers", "поставщик")]})
    assert (
        error.message("ru")
        == "правило 1 («Suppliers»): «phrases» должно быть списком непустых строк"
    )
    assert (
        error.message("zh-hans") == "第 1 条规则（“Suppliers”）：“phrases” 必须是非空字符串的列表"
    )
    assert error.message("en") == str(error)
    assert set(error.messages) == {"ru", "en", "zh_Hans"}


@pytest.mark.parametrize(
    ("bad_rule", "expected"),
    [
        (
            rule("R", ["x"], exclude="y"),
            'rule 1 ("R"): "exclude" must be a list of non-empty strings',
        ),
        (
            rule("R", ["x"], exclude=[3]),
            'rule 1 ("R"): "exclude" must be a list of non-empty strings',
        ),
        (rule("R", []), 'rule 1 ("R"): "phrases" must contain at least one phrase'),
        (rule("R", ["x"], fuzzy="yes"), 'rule 1 ("R"): "fuzzy" must be true or false'),
        (rule("R", ["x"], enabled=1), 'rule 1 ("R"): "enabled" must be true or false'),
        (
            rule("R", ["x"], kind="regex"),
            'rule 1 ("R"): "kind" must be one of: keywords, profanity',
        ),
        (
            rule("R", ["x"], reply=5),
            'rule 1 ("R"): "reply" must be a string of at most 5000 characters',
        ),
        (rule("R", ["x"], colour="red"), 'rule 1 ("R"): unknown fields: colour'),
        (
            rule("R", ["x", "?!"]),
            'rule 1 ("R"): "phrases" item 2 has no letters, digits or Chinese characters',
        ),
        (rule("  ", ["x"]), 'rule 1: "name" must be a non-empty string of at most 200 characters'),
        (
            {"name": "R", "phrases": ["x"], "exclude": [], "fuzzy": False},
            'rule 1 ("R"): "kind" is missing',
        ),
        ({"phrases": ["x"]}, 'rule 1: "name" is missing'),
        ("not a rule", "rule 1: must be an object"),
    ],
)
def test_rule_field_errors(bad_rule, expected):
    assert str(error_for({"rules": [bad_rule]})) == expected


def test_duplicate_names_are_rejected():
    error = error_for({"rules": [rule("Same", ["a"]), rule("same", ["b"])]})
    assert str(error) == 'rule 2 ("same"): "name" repeats the name of rule 1'


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "{not json",
            "the file is not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)",
        ),
        ([], 'the file must be a JSON object with a "rules" list'),
        ({"rules": {}}, '"rules" must be a list'),
        ({"rules": [], "extra": 1}, "unknown top-level keys: extra"),
    ],
)
def test_file_level_errors(data, expected):
    error = error_for(data)
    assert str(error) == expected
    assert error.rule_number is None


def test_file_level_error_in_russian():
    assert error_for("[").message("ru").startswith("файл не является корректным JSON")


# --- dry runs ----------------------------------------------------------------------------------


def test_dryrun_lines_decides_each_line_in_order_and_survives_bad_lines():
    rules = load_rules(SHOP_RULES)
    lines = [
        json.dumps({"id": 1, "text": "кто поставщик?"}, ensure_ascii=False),
        "{broken",
        "",
        json.dumps({"id": "b-2", "text": "Размер M есть?"}, ensure_ascii=False),
        json.dumps({"text": "no id"}),
        json.dumps({"id": 4, "text": None}),
    ]
    results = list(dryrun_lines(rules, lines))
    assert results[0] == {
        "id": 1,
        "decision": "decline",
        "rule": "Suppliers",
        "matched": "поставщик",
        "start": 4,
        "end": 13,
    }
    assert results[1]["id"] is None and "not valid JSON" in results[1]["error"]
    assert results[2] == {
        "id": "b-2",
        "decision": "keep",
        "rule": None,
        "matched": None,
        "start": None,
        "end": None,
    }
    assert results[3]["id"] is None and "id" in results[3]["error"]
    assert results[4] == {"id": None, "error": 'line 6 (id 4): "text" must be a string'}
    assert len(results) == 5


def test_diff_shows_new_declines_and_stopped_declines():
    old = ruleset(rule("Suppliers", ["поставщик"]), rule("Pets", ["кот"]))
    new = ruleset(
        rule("Suppliers", ["поставщик"], fuzzy=True), rule("Sellers", ["другой продавец"])
    )
    questions = [
        (1, "Кто поставщик?"),  # declined by both
        (2, "Кто поставщег?"),  # newly declined (fuzzy)
        (3, "Кот влезет?"),  # no longer declined
        (4, "У других продавцов?"),  # newly declined
        (5, "Размер?"),  # kept by both
    ]
    diff = diff_rulesets(old, new, questions)
    assert [e.id for e in diff.declined] == [1, 2, 4]
    assert [e.id for e in diff.newly_declined] == [2, 4]
    assert [(e.id, e.decision.rule) for e in diff.stopped] == [(3, "Pets")]
    assert diff.declined[1].decision.matched == "поставщег"
    assert diff.checked == 5


def test_diff_without_old_rules_declines_everything_it_matches():
    new = ruleset(rule("Pets", ["кот"]))
    diff = diff_rulesets(None, new, [(1, "кот"), (2, "пёс")])
    assert [e.id for e in diff.newly_declined] == [1]
    assert diff.stopped == []
