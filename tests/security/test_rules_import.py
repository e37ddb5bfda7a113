"""Decline-rules import: deep, odd or huge JSON is refused with a translated message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questions.models import DeclineRule
from tests.security._hostile import DEEP_BRACKETS, LONG_NUMBER


def _import(client, raw: bytes, language: str = "ru"):
    upload = SimpleUploadedFile("rules.json", raw, content_type="application/json")
    return client.post(
        reverse("questions:rules_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (DEEP_BRACKETS.encode(), "вложенность файла глубже 20 уровней"),
        (('{"rules": ' + DEEP_BRACKETS + "}").encode(), "вложенность файла глубже 20 уровней"),
        (('{"rules": [], "x": ' + LONG_NUMBER + "}").encode(), "слишком длинное или бесконечное"),
        (b'{"rules": [NaN]}', "слишком длинное или бесконечное"),
        (b'{"rules": [', "не является корректным JSON"),
    ],
)
def test_hostile_rules_files_are_refused(shops, manager_client, raw, message):
    response = _import(manager_client, raw)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DeclineRule.objects.exists()


def test_an_over_large_rules_file_is_refused_before_it_is_read(shops, manager_client):
    response = _import(manager_client, b'{"rules": []' + b" " * (5 * 1024 * 1024) + b"}", "en")
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
