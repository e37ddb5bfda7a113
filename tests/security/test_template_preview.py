"""The template editor's preview and save: bounded work whatever the body holds, and the
debounced preview replaces (aborts) an earlier one instead of queueing behind it."""

from __future__ import annotations

from django.urls import reverse

from templates_lib import rendering, services
from tests.security._hostile import variation_heavy_body


def _count(monkeypatch, module, name) -> list[object]:
    calls: list[object] = []
    original = getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_a_variation_heavy_preview_checks_each_wording_once_per_channel(
    shops, seller_client, monkeypatch
):
    parses = _count(monkeypatch, rendering, "_parse")
    checks = _count(monkeypatch, services, "_engine_check")
    body = variation_heavy_body(blocks=20, alternatives=10)
    response = seller_client.post(
        reverse("templates_lib:create"),
        {
            "action": "preview",
            "body": body,
            # the same channel repeated is one channel
            "channels": ["chat"] * 500 + ["question_answer"],
            "language": "ru",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    # the body once, its 180 other code alternatives alone, then 10 wordings compiled
    assert len(parses) <= 1 + 180 + services.MAX_CHECKED_WORDINGS
    # at most 10 distinct wordings, each checked once for each of the 2 distinct channels
    assert len(checks) <= services.MAX_CHECKED_WORDINGS * 2


def test_the_editor_preview_replaces_an_earlier_request(shops, seller_client):
    page = seller_client.get(reverse("templates_lib:create")).content.decode()
    start = page.index('id="template-preview"')
    assert 'hx-sync="this:replace"' in page[start : page.index(">", start)]
