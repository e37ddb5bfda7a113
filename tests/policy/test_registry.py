"""The registry is the one place every rule lives; codes and severities derive from it."""

from pathlib import Path

import pytest

from sellerdesk.policy import CODES, DEFAULT_SEVERITY, REGISTRY, Policy, check
from sellerdesk.policy._data import DATA_DIR, read_json
from sellerdesk.policy.lang import django_language, engine_lang


def test_codes_and_default_severities_come_from_the_registry():
    assert tuple(c.code for c in REGISTRY) == CODES
    assert len(set(CODES)) == len(CODES)
    assert "rating_manipulation" in CODES and DEFAULT_SEVERITY["rating_manipulation"] == "error"
    assert all(DEFAULT_SEVERITY[c.code] == c.severity for c in REGISTRY)
    assert set(DEFAULT_SEVERITY.values()) <= {"error", "warning", "info"}


def test_every_check_states_its_rule_and_has_a_message_in_each_language():
    messages = read_json("messages")
    for rule in REGISTRY:
        assert len(rule.rule.split()) >= 8, f"{rule.code}: the docstring must state the rule"
        assert set(messages[rule.message_key]) == {"ru", "zh", "en"}, rule.code


def test_every_data_file_a_check_names_exists():
    for rule in REGISTRY:
        for pattern in rule.data:
            paths = [pattern.replace("<lang>", lang) for lang in ("ru", "zh", "en")]
            found = [p for path in set(paths) for p in Path(DATA_DIR).glob(path)]
            assert found, f"{rule.code}: {pattern} matches no file"


def test_a_marketplace_rule_cannot_be_lowered_by_a_shop():
    with pytest.raises(ValueError, match="rating_manipulation"):
        Policy.from_dict({"severity_overrides": {"rating_manipulation": "off"}})
    report = check("Поставьте, пожалуйста, пять звёзд!", "review_reply")
    assert [f.severity for f in report.findings if f.code == "rating_manipulation"] == ["error"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-hans", "zh"),
        ("zh_Hans", "zh"),
        ("zh-CN", "zh"),
        ("en-us", "en"),
        ("EN", "en"),
        ("ru-RU", "ru"),
        ("de", "ru"),
        ("", "ru"),
        (None, "ru"),
    ],
)
def test_one_language_normaliser(code, expected):
    assert engine_lang(code) == expected
    assert engine_lang("fr", default="en") == "en"
    assert django_language(engine_lang(code)) in {"ru", "zh-hans", "en"}


def test_one_traditional_to_simplified_table():
    from sellerdesk.policy._data import to_simplified
    from sellerdesk.policy.matcher import fold_han

    for traditional, simplified in [
        ("諮詢", "咨询"),
        ("錫", "锡"),
        ("週末", "周末"),
        ("謝謝", "谢谢"),
    ]:
        assert to_simplified(traditional) == simplified
        assert fold_han(traditional) == simplified


def test_severity_per_channel_wins_over_the_shop_wide_one():
    policy = Policy.from_dict(
        {
            "severity_overrides": {"blame": "error"},
            "channel_severity": {"chat": {"blame": "off"}, "review_reply": {"rude": "warning"}},
        }
    )
    assert Policy.from_dict(policy.to_dict()) == policy
    text = "Отстаньте. Сами виноваты."
    chat = {f.code: f.severity for f in check(text, "chat", policy=policy).findings}
    review = {f.code: f.severity for f in check(text, "review_reply", policy=policy).findings}
    assert "blame" not in chat and chat["rude"] == "error"
    assert review["blame"] == "error" and review["rude"] == "warning"
    for bad in (
        {"channel_severity": {"telegram": {}}},
        {"channel_severity": {"chat": {"nonsense": "off"}}},
        {"channel_severity": {"chat": {"blame": "fatal"}}},
        {"channel_severity": {"chat": {"rating_manipulation": "off"}}},
        {"channel_severity": ["chat"]},
    ):
        with pytest.raises(ValueError, match="channel_severity"):
            Policy.from_dict(bad)
