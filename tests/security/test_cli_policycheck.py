"""`policycheck --jsonl` answers every hostile line with {"error"}, keeps going, exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.security._hostile import DEEP_BRACKETS, DEEP_OBJECTS, LONG_NUMBER, jsonl

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"text": "Здравствуйте, Анна! Спасибо за вопрос. Хорошего дня!", "buyer_name": "Анна"}


def _run(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sellerdesk.settings.local",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/no_database",
        "LANG": "C",
        "LC_ALL": "C",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "policycheck", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_every_hostile_line_gets_an_error_line_and_the_good_ones_a_report():
    stdin = (
        jsonl(
            DEEP_BRACKETS,
            GOOD,
            DEEP_OBJECTS,
            '{"text": "Здравствуйте", "buyer_name": ' + LONG_NUMBER + "}",
            '{"text": NaN}',
            '{"text": "Здравствуйте", "channel": Infinity}',
            {"text": 5},
            {"text": "Здравствуйте", "channel": ["chat"]},
            {"text": "Здравствуйте", "buyer_name": "Б" * 201},
            "[]",
            "{not json",
            GOOD,
        ).encode("utf-8")
        + b"\xff\xfe broken utf-8\n"
    )
    result = _run("--jsonl", stdin=stdin)
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(lines) == 13  # one answer per input line, in order
    errors = [index for index, line in enumerate(lines) if "error" in line]
    assert errors == [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12]
    assert "deeper" in lines[0]["error"] and "digits" in lines[3]["error"]
    assert "NaN" in lines[4]["error"] and "200 characters" in lines[8]["error"]
    assert lines[1]["ok"] is True and lines[11]["ok"] is True


def test_a_line_longer_than_the_limit_is_refused_without_holding_it():
    huge = '{"text": "' + "а" * 6_100_000 + '"}'
    result = _run("--jsonl", stdin=jsonl(huge, GOOD).encode("utf-8"))
    assert result.returncode == 2, result.stderr.decode(errors="replace")
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert "longer than" in lines[0]["error"] and lines[1]["ok"] is True


def test_plain_mode_refuses_an_over_long_reply_with_exit_2():
    result = _run(stdin=("а" * 1_000_001).encode("utf-8"))
    assert result.returncode == 2
    assert b"longer than 1000000 characters" in result.stderr
    assert b"Traceback" not in result.stderr
