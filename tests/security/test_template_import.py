"""Template import: deep, odd or huge JSON is refused whole with a message; nothing saved."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from templates_lib.models import ReplyTemplate
from tests.security._hostile import DEEP_BRACKETS, LONG_NUMBER


def _import(client, raw: bytes):
    upload = SimpleUploadedFile("t.json", raw, content_type="application/json")
    return client.post(
        reverse("templates_lib:import"),
        {"file": upload, "personal": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (DEEP_BRACKETS.encode(), "The file is nested deeper than 5 levels."),
        (('{"templates": ' + "[" * 30 + "]" * 30 + "}").encode(), "nested deeper"),
        (
            ('{"templates": [{"name": "a", "body": "b", "tags": [' + LONG_NUMBER + "]}]}").encode(),
            "The file holds a number that is too long or not finite.",
        ),
        (b'{"templates": [{"name": NaN, "body": "b"}]}', "too long or not finite"),
        (b'{"x', "not valid JSON"),
        (b"[" + b" " * 1_000_001 + b"]", "larger than 1 MB"),
    ],
)
def test_hostile_files_are_refused_with_a_message(shops, seller_client, raw, message):
    response = _import(seller_client, raw)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in html
    assert message in html
    assert not ReplyTemplate.objects.exists()


def test_a_good_file_still_imports(shops, seller_client):
    data = {"templates": [{"name": "Привет", "body": "Здравствуйте! Спасибо за вопрос."}]}
    response = _import(seller_client, json.dumps(data).encode())
    assert response.status_code == 302
    assert ReplyTemplate.objects.filter(name="Привет").exists()
