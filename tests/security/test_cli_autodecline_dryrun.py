"""`autodecline_dryrun` answers every hostile line with an error line, goes on, exits 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.security._hostile import DEEP_BRACKETS, DEEP_OBJECTS, LONG_NUMBER, jsonl

ROOT = Path(__file__).resolve().parents[2]
RULES = {
    "rules": [
        {
            "name": "Контакты",
            "phrases": ["телефон"],
            "exclude": [],
            "fuzzy": False,
            "kind": "keywords",
        }
    ]
}


def _run(tmp_path: Path, stdin: bytes, rules: str | None = None) -> subprocess.CompletedProcess:
    rules_path = tmp_path / "rules.json"
    rules_path.write_text(rules or json.dumps(RULES, ensure_ascii=False), encoding="utf-8")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sellerdesk.settings.local",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "LANG": "C",
        "LC_ALL": "C",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "autodecline_dryrun", "--rules", str(rules_path)],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )


def test_hostile_lines_get_errors_and_the_rest_is_decided(tmp_path):
    stdin = jsonl(
        DEEP_BRACKETS,
        '{"id": ' + LONG_NUMBER + ', "text": "дайте телефон"}',
        '{"id": NaN, "text": "дайте телефон"}',
        '{"id": -Infinity, "text": "дайте телефон"}',
        '{"id": 1e999, "text": "дайте телефон"}',
        DEEP_OBJECTS,
        {"id": 1, "text": 5},
        {"id": "x" * 201, "text": "дайте телефон"},
        {"text": "без номера"},
        {"id": 2, "text": "дайте телефон"},
        "x" * 1_100_000,
        {"id": "последний", "text": "привет"},
    ).encode("utf-8")
    result = _run(tmp_path, stdin)
    assert b"Traceback" not in result.stderr, result.stderr.decode(errors="replace")
    assert result.returncode == 2
    # every output line is valid JSON (no bare NaN) and answers its input line
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(lines) == 12
    assert [index for index, line in enumerate(lines) if "error" in line] == [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 10,
    ]  # fmt: skip
    assert all(line["id"] is None for line in lines if "error" in line)
    assert lines[9] == {
        "id": 2, "decision": "decline", "rule": "Контакты", "matched": "телефон",
        "start": 6, "end": 13,
    }  # fmt: skip
    assert lines[11]["decision"] == "keep"
    assert "deeper" in lines[0]["error"] and "digits" in lines[1]["error"]
    assert "NaN" in lines[2]["error"] and "too long" in lines[10]["error"]


def test_clean_input_still_exits_0(tmp_path):
    result = _run(tmp_path, jsonl({"id": 1, "text": "дайте телефон"}).encode("utf-8"))
    assert result.returncode == 0, result.stderr


def test_a_deeply_nested_rules_file_is_refused_with_exit_2(tmp_path):
    result = _run(tmp_path, b"", rules='{"rules": ' + DEEP_BRACKETS + "}")
    assert result.returncode == 2
    assert b"nested deeper than 20" in result.stderr and b"Traceback" not in result.stderr
