"""The shipped set: every template renders on sample data and passes the policy engine."""

from __future__ import annotations

import pytest

from sellerdesk.policy import Policy, check
from templates_lib import rendering, services
from templates_lib.models import Category, ReplyTemplate
from tests.factories import ShopFactory

FRAGMENTS = {Category.GREETING, Category.CLOSING}


def _wordings(body: str, context: dict) -> list[str]:
    blocks = rendering.find_variations(body)
    rotations = max((len(block.alternatives) for block in blocks), default=1)
    return sorted({rendering.render(body, context, rotation=n) for n in range(rotations)})


@pytest.fixture
def installed(db):
    shop = ShopFactory(name="Уютный дом")
    services.templates_install_defaults(shop=shop)
    return shop, list(ReplyTemplate.objects.for_shop(shop).order_by("pk"))


def test_the_set_covers_three_languages_and_the_situations(installed):
    _shop, templates = installed
    for language in ("ru", "zh", "en"):
        categories = {t.category for t in templates if t.language == language}
        assert {
            Category.GREETING,
            Category.CLOSING,
            Category.DECLINE_REASON,
            Category.REVIEW_SITUATION,
            Category.DELIVERY,
            Category.SIZING,
            Category.ORDER_CHANGE,
            Category.DIFFICULT_BUYER,
        } <= categories
        declines = [
            t for t in templates if t.language == language and t.category == Category.DECLINE_REASON
        ]
        assert len(declines) == 5
        assert all(t.channels == ["question_decline"] for t in declines)


def test_every_shipped_template_passes_the_engine_for_its_channels(installed):
    shop, templates = installed
    failures = []
    for template in templates:
        assert rendering.body_problems(template.body, variables=rendering.STANDARD_VARIABLES) == []
        context = services.sample_context(shop=shop, user=None, language=template.language)
        for text in _wordings(template.body, context):
            assert "{{" not in text and "{~" not in text
            for channel in template.channels:
                report = check(
                    text,
                    channel,
                    lang=template.language,
                    buyer_name=str(context["buyer_name"]),
                    policy=Policy.default(),
                    ui_lang="en",
                )
                problems = [f for f in report.findings if f.severity == "error"]
                # whole replies written for SellerDesk carry every part: no warnings either
                if (
                    template.category not in FRAGMENTS
                    and template.category != Category.DECLINE_REASON
                ):
                    problems += [f for f in report.findings if f.severity == "warning"]
                if problems:
                    failures.append(
                        (template.name, channel, text, [(f.code, f.message) for f in problems])
                    )
    assert failures == []


def test_installing_twice_adds_nothing_and_keeps_edits(installed):
    shop, templates = installed
    edited = templates[0]
    ReplyTemplate.objects.filter(pk=edited.pk).update(body=edited.body + " ")
    assert services.templates_install_defaults(shop=shop) == []
    assert ReplyTemplate.objects.for_shop(shop).count() == len(templates)
    assert ReplyTemplate.objects.get(pk=edited.pk).body.endswith(" ")


def test_the_decline_box_offers_the_shops_decline_templates_as_edited(installed):
    from templates_lib.selectors import decline_reasons, shipped_decline_reasons

    shop, templates = installed
    shipped = shipped_decline_reasons("ru")
    offered = decline_reasons(shop=shop, language="ru")
    assert [reason.text for reason in offered] == [reason.text for reason in shipped]
    edited = next(t for t in templates if t.source_key == f"decline:{shipped[1].key}:ru")
    ReplyTemplate.objects.filter(pk=edited.pk).update(body="Здравствуйте! Не можем сказать.")
    own = ReplyTemplate.objects.create(
        shop=shop,
        name="Своя причина",
        body="Здравствуйте! Своя причина отказа.",
        channels=["question_decline"],
        language="ru",
        category=Category.DECLINE_REASON,
    )
    offered = decline_reasons(shop=shop, language="ru")
    assert offered[1].text == "Здравствуйте! Не можем сказать."
    assert offered[-1].key == f"template-{own.pk}" and len(offered) == 6
    # Another language is another set; a Django language code names the same one.
    assert [r.key for r in decline_reasons(shop=shop, language="zh-hans")] == [
        r.key for r in shipped_decline_reasons("zh")
    ]


def test_the_install_task_and_command_give_a_new_shop_the_set(db):
    from django.core.management import call_command

    from templates_lib.tasks import templates_install_defaults_task

    shop = ShopFactory(name="Новый магазин")
    installed = templates_install_defaults_task(shop.pk)
    assert installed == ReplyTemplate.objects.for_shop(shop).count() > 0
    other = ShopFactory(name="Ещё один")
    call_command("install_default_templates", "--shop", str(other.pk), "--languages", "en")
    assert set(ReplyTemplate.objects.for_shop(other).values_list("language", flat=True)) == {"en"}


def test_the_data_migration_gives_existing_shops_the_decline_reasons_once(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("templates_lib.migrations.0002_install_decline_reasons")
    shop = ShopFactory(name="Давний магазин")
    ReplyTemplate.objects.create(
        shop=shop,
        name="Конфиденциальная информация",  # a shop-wide name the shipped reason also uses
        body="Здравствуйте! Своё.",
        channels=["question_decline"],
        language="ru",
        category=Category.DECLINE_REASON,
    )
    migration.install_decline_reasons(apps, None)
    migration.install_decline_reasons(apps, None)
    installed = ReplyTemplate.objects.for_shop(shop).exclude(source_key="")
    assert installed.count() == 15
    assert "Конфиденциальная информация · RU" in set(installed.values_list("name", flat=True))
    assert services.templates_install_defaults(shop=shop, languages=("ru",)) != []
    assert (
        ReplyTemplate.objects.for_shop(shop).filter(category=Category.DECLINE_REASON).count() == 16
    )
