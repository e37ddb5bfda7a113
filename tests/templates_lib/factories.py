"""Factories for reply templates."""

import factory

from templates_lib.models import Category, CustomVariable, ReplyTemplate
from tests.factories import ShopFactory


class ReplyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    shop = factory.SubFactory(ShopFactory)
    owner = None
    name = factory.Sequence(lambda n: f"Шаблон {n}")
    body = "Здравствуйте, {{ buyer_name }}! Спасибо за обращение."
    channels = factory.LazyFunction(lambda: ["chat", "question_answer"])
    language = "ru"
    category = Category.GREETING


class CustomVariableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomVariable

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"var_{n}")
    label = "Адрес для возврата"
    value = "Москва, ул. Складская, 1"
