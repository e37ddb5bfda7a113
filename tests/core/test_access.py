"""Walk every URL pattern of the project and check who may open it.

The walk introspects the URL resolver, so a view added by any app is covered without
editing this file. A view must declare its access with ``@shop_view(role=...)`` or
``@public_view``. URL kwargs named ``<model>_id`` (e.g. ``question_id``) are filled with
objects from the demo data: one of the member's own shop (role checks) and one of
another shop (isolation: must be a 404).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sellerdesk.core.demo import DEMO_SHOPS, demo_login, demo_reset, demo_seed
from sellerdesk.core.models import Role, Shop

# Django's own views, reachable by design without a shop.
DJANGO_PUBLIC = {"login", "logout", "set_language"}
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, for reverse()
    kwargs: tuple[str, ...]
    callback: object


def _walk(patterns, namespace: str | None = None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = entry.namespace if entry.namespace else namespace
            if namespace and entry.namespace:
                inner = f"{namespace}:{entry.namespace}"
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name=name or "", kwargs=tuple(converters), callback=entry.callback)


ROUTES = list(_walk(get_resolver().url_patterns))


def _model_for_kwarg(kwarg: str):
    if not kwarg.endswith("_id"):
        raise AssertionError(
            f"URL kwarg {kwarg!r}: name object ids <model>_id so access can be checked"
        )
    wanted = kwarg[: -len("_id")].replace("_", "")
    matches = [model for model in apps.get_models() if model._meta.model_name == wanted]
    assert len(matches) == 1, f"URL kwarg {kwarg!r} names no unique model ({wanted!r})"
    return matches[0]


def _kwargs_for(route: Route, shop: Shop) -> dict:
    values = {}
    for kwarg in route.kwargs:
        model = _model_for_kwarg(kwarg)
        assert hasattr(model.objects, "for_shop"), f"{model.__name__} needs ShopScopedManager"
        obj = model.objects.for_shop(shop).order_by("pk").first()
        assert obj is not None, f"demo data has no {model.__name__} in {shop}: extend <app>/demo.py"
        values[kwarg] = obj.pk
    return values


def _request(client: Client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """Seed the demo once for the whole walk (it is the slow part), remove it afterwards."""
    with django_db_blocker.unblock():
        demo_seed()
    yield
    with django_db_blocker.unblock():
        demo_reset()


@pytest.fixture
def demo(demo_data, db):
    user_model = get_user_model()
    mine, other = (Shop.objects.get(name=spec.name) for spec in DEMO_SHOPS)
    users = {
        role: user_model.objects.get(username=demo_login(DEMO_SHOPS[0], role)) for role in Role
    }
    return mine, other, users


def _is_public(route: Route) -> bool:
    return route.name in DJANGO_PUBLIC or getattr(route.callback, "is_public", False)


def test_every_route_declares_access():
    undeclared = [
        route.name or repr(route.callback)
        for route in ROUTES
        if not _is_public(route) and not hasattr(route.callback, "required_role")
    ]
    assert not undeclared, f"views without @shop_view/@public_view: {undeclared}"
    assert all(route.name for route in ROUTES), "every URL pattern needs a name"


@pytest.mark.parametrize("route", [r for r in ROUTES if not _is_public(r)], ids=lambda r: r.name)
def test_route_access(route: Route, demo):
    mine, other, users = demo
    url = reverse(route.name, kwargs=_kwargs_for(route, mine))

    anonymous = _request(Client(), url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (
        f"anonymous {url} -> {anonymous.status_code}"
    )

    required: Role = route.callback.required_role  # type: ignore[attr-defined]
    for role in Role:
        if not role.includes(required):
            client = Client()
            client.force_login(users[role])
            response = _request(client, url)
            assert response.status_code == 403, f"{role} on {url} -> {response.status_code}"

    if route.kwargs:
        foreign_url = reverse(route.name, kwargs=_kwargs_for(route, other))
        client = Client()
        client.force_login(users[Role.ADMIN])
        response = _request(client, foreign_url)
        assert response.status_code == 404, (
            f"admin of {mine} on {foreign_url} -> {response.status_code}"
        )
