"""Phrase rules see through one or two function words; content words still break a phrase."""

import pytest

from sellerdesk.policy.matcher import PhraseMatcher, PhraseSet
from sellerdesk.policy.rules import diff_rulesets, load_rules


def matched(phrases, text):
    found = PhraseMatcher([PhraseSet("rule", tuple(phrases))]).first(text)
    return None if found is None else found.text


@pytest.mark.parametrize(
    ("phrases", "text", "expected"),
    [
        (["пахнет пластиком"], "Пахнет ли пластиком?", "Пахнет ли пластиком"),
        (["пахнет пластиком"], "А пахнет ли это пластиком?", "пахнет ли это пластиком"),
        (["где закупаете"], "Где вы закупаете ткань?", "Где вы закупаете"),
        (["где закупаете"], "Где же вы его закупаете?", None),  # three function words
        (["где закупаете"], "Где вы его закупаете?", "Где вы его закупаете"),
        (["is waterproof"], "Is it waterproof?", "Is it waterproof"),
        (["where buy"], "Where do you buy the fabric?", "Where do you buy"),
        (["寄到台湾"], "可以寄到了台湾吗", "寄到了台湾"),
        (["是正品"], "是您正品吗", "是您正品"),
    ],
)
def test_function_words_between_phrase_words(phrases, text, expected):
    assert matched(phrases, text) == expected


@pytest.mark.parametrize(
    ("phrases", "text"),
    [
        (["пахнет пластиком"], "Пахнет сильно пластиком"),  # an adverb is a content word
        (["пахнет пластиком"], "Пахнет не пластиком, а деревом"),  # a negation is never skipped
        (["пахнет пластиком"], "Пахнет. Ли пластиком"),  # never across a sentence
        (["номер телефона"], "Дайте номер вашего телефона"),  # a possessive narrows the noun
        (["производитель товара"], "Кто производитель этого товара?"),
        (["номер телефона"], "номер его телефона"),
        (["其他卖家"], "其他的卖家有货吗"),  # an attributive 的 narrows the noun too
        (["where buy"], "Where did they go to buy it?"),
        (["is waterproof"], "Is it not waterproof?"),
    ],
)
def test_content_words_negations_and_determiners_still_break_a_phrase(phrases, text):
    assert matched(phrases, text) is None


def test_dry_run_shows_a_match_across_a_gap_with_its_whole_span():
    rules = load_rules(
        {
            "rules": [
                {
                    "name": "Smell",
                    "phrases": ["пахнет пластиком"],
                    "exclude": [],
                    "fuzzy": False,
                    "kind": "keywords",
                }
            ]
        }
    )
    diff = diff_rulesets(None, rules, [(1, "Скажите, пахнет ли пластиком?"), (2, "Какой размер?")])
    (entry,) = diff.declined
    assert (entry.id, entry.decision.matched) == (1, "пахнет ли пластиком")
    assert (entry.decision.start, entry.decision.end) == (9, 28)


def test_an_exclusion_sees_through_function_words_too():
    rules = load_rules(
        {
            "rules": [
                {
                    "name": "Pets",
                    "phrases": ["собака"],
                    "exclude": ["корм собака"],
                    "fuzzy": False,
                    "kind": "keywords",
                }
            ]
        }
    )
    assert rules.evaluate("Корм для собаки есть?") is None


@pytest.mark.parametrize(
    "text", ["Что за х*р этот товар?", "Это х**ня, а не товар", "бл* где заказ"]
)
def test_profanity_rule_declines_masked_obscene_words_as_the_engine_flags_them(text):
    from sellerdesk.policy import check

    rules = load_rules(
        {
            "rules": [
                {"name": "Rude", "phrases": [], "exclude": [], "fuzzy": False, "kind": "profanity"}
            ]
        }
    )
    decision = rules.evaluate(text)
    assert decision is not None and decision.kind == "profanity"
    (finding,) = [f for f in check(text, "chat").findings if f.code == "profanity"]
    assert (decision.start, decision.end) == (finding.start, finding.end)
