"""Each app declares the hook for the stream it owns; a stream without exactly one owner stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from chats.services import chat_message_import_from_marketplace
from questions.services import question_import_from_marketplace
from reviews.services import review_import_from_marketplace
from sellerdesk.marketplaces.inbound import handler_for, handlers_from_configs

ROOT = Path(__file__).resolve().parents[2]


def _config(label: str, handlers: dict) -> SimpleNamespace:
    return SimpleNamespace(label=label, inbound_handlers=handlers)


def _hook(*, shop, item) -> None:
    pass


def test_every_stream_goes_to_its_apps_own_service():
    assert handler_for("question") is question_import_from_marketplace
    assert handler_for("chat_event") is chat_message_import_from_marketplace
    assert handler_for("feedback") is review_import_from_marketplace


def test_complete_declarations_are_accepted():
    configs = [
        _config("a", {"question": _hook, "chat_event": _hook}),
        _config("b", {"feedback": _hook}),
        SimpleNamespace(label="no_hooks"),
    ]
    assert set(handlers_from_configs(configs)) == {"question", "chat_event", "feedback"}


@pytest.mark.parametrize(
    ("configs", "message"),
    [
        (
            [_config("a", {"question": _hook, "chat_event": _hook})],
            "no installed app declares an inbound handler for the feedback stream",
        ),
        (
            [
                _config("a", {"question": _hook, "chat_event": _hook, "feedback": _hook}),
                _config("b", {"feedback": _hook}),
            ],
            "b: the feedback stream is already handled by a",
        ),
        (
            [
                _config("a", {"question": _hook, "chat_event": _hook, "feedback": _hook}),
                _config("b", {"questions": _hook}),
            ],
            "b: unknown inbound stream 'questions'",
        ),
        (
            [_config("a", {"question": "questions.services.nope", "chat_event": _hook})],
            "a: the question handler is not callable",
        ),
    ],
)
def test_a_stream_without_exactly_one_hook_is_refused(configs, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        handlers_from_configs(configs)


def test_a_process_without_the_reviews_app_refuses_to_start():
    # The real start-up path (django.setup → AppConfig.ready), as a worker or gunicorn runs it.
    code = textwrap.dedent(
        """
        import django
        from django.conf import settings
        from sellerdesk.settings import test as base

        values = {name: getattr(base, name) for name in dir(base) if name.isupper()}
        values["INSTALLED_APPS"] = [app for app in base.INSTALLED_APPS if app != "reviews"]
        settings.configure(**values)
        django.setup()
        """
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "no installed app declares an inbound handler for the feedback stream" in result.stderr
