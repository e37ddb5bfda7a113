"""Saving behind the policy check, permissions, custom variables, import and export."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from sellerdesk.core.models import Role
from templates_lib import services
from templates_lib.models import CustomVariable, ReplyTemplate
from tests.templates_lib.factories import ReplyTemplateFactory

GOOD_BODY = (
    "Здравствуйте, {{ buyer_name }}! Спасибо за вопрос о товаре «{{ product_name }}». "
    "Заказ отправим завтра. Хорошего дня!"
)
CONTACT_BODY = "Здравствуйте, {{ buyer_name }}! Спасибо за отзыв. Пишите нам в WhatsApp +7 916 123-45-67. Хорошего дня!"


def _save(shops, role=Role.MANAGER, **overrides):
    fields = {
        "shop": shops.mine,
        "user": shops.users[role],
        "role": role,
        "personal": False,
        "name": "Ответ о сроках",
        "body": GOOD_BODY,
        "channels": ["chat", "question_answer"],
        "language": "ru",
        "category": "delivery",
        "tags": ["доставка", " доставка ", ""],
    }
    fields.update(overrides)
    return services.template_save(**fields)


def test_a_valid_template_is_saved_with_clean_tags(shops):
    template = _save(shops)
    assert template.pk and template.owner is None
    assert template.tags == ["доставка"]


def test_a_policy_error_in_any_channel_blocks_saving(shops):
    # contacts are allowed in chat but not in a public review reply
    with pytest.raises(services.TemplateRejected) as caught:
        _save(shops, body=CONTACT_BODY, channels=["chat", "review_reply"])
    assert "review_reply" in caught.value.preview.policy_errors
    assert not ReplyTemplate.objects.exists()


def test_a_policy_error_in_one_wording_blocks_saving(shops):
    body = "Здравствуйте, {{ buyer_name }}! Спасибо! {~ Ответим скоро. | Звоните +7 916 123-45-67. ~} Хорошего дня!"
    with pytest.raises(services.TemplateRejected):
        _save(shops, body=body, channels=["question_answer"])
    assert not ReplyTemplate.objects.exists()


def test_warnings_do_not_block_saving(shops):
    template = _save(shops, body="Отправим завтра.", channels=["chat"])
    preview = services.template_preview(
        shop=shops.mine, user=None, body=template.body, channels=["chat"], language="ru"
    )
    assert not preview.blocked
    assert any(f.severity == "warning" for f in preview.reports["chat"][0].findings)


def test_a_syntax_error_blocks_saving_with_its_position(shops):
    with pytest.raises(services.TemplateRejected) as caught:
        _save(shops, body="Здравствуйте,\n{{ buyer_name }!")
    [problem] = caught.value.preview.problems
    assert (problem.line, problem.column) == (2, 15)


def test_an_unknown_variable_blocks_saving(shops):
    with pytest.raises(services.TemplateRejected):
        _save(shops, body="Здравствуйте, {{ buyer }}! Спасибо. Хорошего дня!")


def test_custom_variables_are_usable_once_defined(shops):
    body = "Здравствуйте! Спасибо за вопрос. Мы на связи {{ working_hours }}. Хорошего дня!"
    with pytest.raises(services.TemplateRejected):
        _save(shops, body=body)
    services.custom_variable_save(
        shop=shops.mine, name="working_hours", label="", value="с 9 до 21"
    )
    template = _save(shops, body=body)
    insertion = services.template_insert(
        template=template, user=shops.users[Role.SELLER], values={}
    )
    assert "с 9 до 21" in insertion.text


def test_a_used_custom_variable_cannot_be_deleted(shops):
    variable = services.custom_variable_save(shop=shops.mine, name="hours", label="", value="9–21")
    _save(shops, body="Здравствуйте! Спасибо. Работаем {{ hours }}. Хорошего дня!")
    with pytest.raises(ValidationError):
        services.custom_variable_delete(variable=variable)
    assert CustomVariable.objects.filter(pk=variable.pk).exists()


def test_standard_names_cannot_be_custom_variables(shops):
    with pytest.raises(ValidationError):
        services.custom_variable_save(shop=shops.mine, name="buyer_name", label="", value="x")


def test_a_seller_keeps_personal_templates_only(shops):
    with pytest.raises(PermissionDenied):
        _save(shops, role=Role.SELLER, personal=False)
    mine = _save(shops, role=Role.SELLER, personal=True)
    assert mine.owner == shops.users[Role.SELLER]


def test_a_seller_cannot_edit_shop_templates_or_other_peoples(shops):
    shared = ReplyTemplateFactory(shop=shops.mine)
    managers_own = ReplyTemplateFactory(shop=shops.mine, owner=shops.users[Role.MANAGER])
    for template in (shared, managers_own):
        with pytest.raises(PermissionDenied):
            _save(shops, role=Role.SELLER, personal=True, template=template)


def test_names_are_unique_per_scope(shops):
    _save(shops)
    with pytest.raises(ValidationError):
        _save(shops)
    # the same name as a personal template is fine
    assert _save(shops, role=Role.SELLER, personal=True).pk


# --- Import / export ---------------------------------------------------------------------------


def _import(shops, payload, *, role=Role.MANAGER, personal=False):
    raw = (
        payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    )
    return services.templates_import(
        shop=shops.mine, user=shops.users[role], role=role, raw=raw, personal=personal
    )


def test_export_then_import_round_trips(shops):
    _save(shops)
    _save(shops, name="Второй", channels=["chat"], tags=["a"])
    exported = services.templates_export(templates=list(ReplyTemplate.objects.order_by("name")))
    ReplyTemplate.objects.all().delete()
    saved = _import(shops, exported)
    assert sorted(t.name for t in saved) == ["Второй", "Ответ о сроках"]
    assert ReplyTemplate.objects.get(name="Второй").channels == ["chat"]


def test_import_updates_templates_with_the_same_name(shops):
    template = _save(shops)
    _import(
        shops,
        [{"name": template.name, "body": GOOD_BODY + " Ждём вас снова!", "channels": ["chat"]}],
    )
    template.refresh_from_db()
    assert template.body.endswith("Ждём вас снова!") and template.channels == ["chat"]
    assert ReplyTemplate.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"{not json", "JSON"),
        (b"\xff\xfe\x00", "UTF-8"),
        (json.dumps({"templates": "nope"}).encode(), "list"),
        ([], "no templates"),
        ([{"name": "", "body": "x"}], "name"),
        ([{"name": "a", "body": "x", "channels": ["telegram"]}], "channels"),
        ([{"name": "a", "body": "x", "language": "de"}], "language"),
        ([{"name": "a", "body": "x"}, {"name": " a", "body": "y"}], "twice"),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_saves_nothing(shops, payload, expected):
    with translation.override("en"), pytest.raises(services.ImportRejected) as caught:
        _import(shops, payload)
    assert expected in " ".join(caught.value.import_messages)
    assert not ReplyTemplate.objects.exists()


def test_one_bad_template_rejects_the_whole_file(shops):
    payload = [
        {"name": "Хороший", "body": GOOD_BODY, "channels": ["chat"]},
        {"name": "С контактом", "body": CONTACT_BODY, "channels": ["review_reply"]},
        {"name": "С ошибкой", "body": "{{ buyer_name }", "channels": ["chat"]},
    ]
    with pytest.raises(services.ImportRejected) as caught:
        _import(shops, payload)
    text = " ".join(caught.value.import_messages)
    assert "С контактом" in text and "С ошибкой" in text and "Хороший" not in text
    assert not ReplyTemplate.objects.exists()


def test_a_seller_imports_as_personal_only(shops):
    with pytest.raises(PermissionDenied):
        _import(shops, [{"name": "a", "body": GOOD_BODY}], role=Role.SELLER, personal=False)
    [saved] = _import(shops, [{"name": "a", "body": GOOD_BODY}], role=Role.SELLER, personal=True)
    assert saved.owner == shops.users[Role.SELLER]


def test_import_messages_follow_the_interface_language(shops):
    with translation.override("ru"), pytest.raises(services.ImportRejected) as caught:
        _import(shops, b"{oops")
    assert "не является корректным JSON" in caught.value.import_messages[0]
