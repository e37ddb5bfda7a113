"""Escalation triggers: each kind in each language, offsets into the text, harmless readings."""

from __future__ import annotations

import pytest

from sellerdesk.policy.escalation import find_triggers


def kinds(text: str) -> set[str]:
    return {trigger.kind for trigger in find_triggers(text)}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("После крема у дочки сыпь по всему лицу", "health"),
        ("Сыну стало плохо, отравление, вызывали скорую помощь", "health"),
        ("Алергия на третий день", "health"),  # a typo still counts
        ("The kettle handle burned my fingers", "health"),
        ("宝宝用了过敏，全身起疹子", "health"),
        ("Удлинитель задымился и оплавился", "safety"),
        ("Caught fire while charging overnight", "safety"),
        ("洗衣机漏电，碰一下就触电", "safety"),
        ("Прислали паль вместо оригинала", "counterfeit"),
        ("Obvious knockoff, not authentic", "counterfeit"),
        ("高仿的，根本不是正品", "counterfeit"),
        ("Подам в суд и напишу в Роспотребнадзор", "legal"),
        ("Talking to my lawyer about a lawsuit", "legal"),
        ("不退款就打12315投诉", "legal"),
        ("Пишите на почту olga.k@yandex.ru", "personal_data"),
        ("Мой номер +7 916 482 37 19", "personal_data"),
        ("有问题打我电话13912345678", "personal_data"),
    ],
)
def test_each_kind_fires_in_each_language(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Сгорел от нетерпения, пока ждал посылку",
        "Суперская вещь, огонь!",
        "Fire sale, bought three",
        "这款太火爆了，好评",
        "吃着火锅唱着歌，快递到了",
        "Аллергии не вызвал, кожа чувствительная",
        "Не подделка, проверила по коду",
        "Боялась подделки, но пришёл оригинал",
        "以为是假货，结果是正品",
        "假一赔十，放心",
        "Таблетки от аллергии пришли целыми",
        "Экран загорелся сразу, всё настроилось",
        "Fake leather but feels premium",
        "Претензий к продавцу нет",
        "I was shocked at how good it sounds",
        "一点都不过敏",
    ],
)
def test_harmless_near_misses_stay_quiet(text):
    assert find_triggers(text) == []


def test_offsets_point_into_the_original_text():
    text = "Всё ОК. НО ЗАРЯДКА ЗАДЫМИЛАСЬ! 然后冒烟了"
    found = find_triggers(text)
    assert [text[t.start : t.end] for t in found] == ["ЗАДЫМИЛАСЬ", "冒烟"]


def test_a_dismissed_mention_does_not_hide_a_later_real_one():
    text = "Сначала аллергии не было, через неделю началась аллергия и отёк"
    found = find_triggers(text)
    assert any(text[t.start : t.end] == "аллергия" for t in found)
    assert found[0].start > text.index("через")
