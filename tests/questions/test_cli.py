"""The fixed CLI contract of ``manage.py autodecline_dryrun`` (no database involved)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = {
    "rules": [
        {
            "name": "Поставщики",
            "phrases": ["поставщик"],
            "exclude": ["поставщик гарантии"],
            "fuzzy": True,
            "kind": "keywords",
        },
        {
            "name": "Брань",
            "phrases": [],
            "exclude": [],
            "fuzzy": False,
            "kind": "profanity",
            "enabled": True,
        },
        {
            "name": "Выключено",
            "phrases": ["размер"],
            "exclude": [],
            "fuzzy": False,
            "kind": "keywords",
            "enabled": False,
        },
    ]
}


def _run(rules_path: Path, lines: list[dict]) -> subprocess.CompletedProcess:
    # No database: point the settings at one that cannot exist, to prove nothing is opened.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sellerdesk.settings.local",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "autodecline_dryrun", "--rules", str(rules_path)],
        input="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_decisions_in_input_order(tmp_path):
    rules_path = tmp_path / "rules.json"
    rules_path.write_text(json.dumps(RULES, ensure_ascii=False), encoding="utf-8")
    result = _run(
        rules_path,
        [
            {"id": 7, "text": "Кто ваш поставщик?"},
            {"id": "b", "text": "Какой размер?"},
            {"id": 3, "text": "Кто поставщик гарантии?"},
            {"id": 4, "text": "what the fuck is this"},
            {"id": 5, "text": "Кто ваш поставщек?"},
        ],
    )
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out[0] == {
        "id": 7,
        "decision": "decline",
        "rule": "Поставщики",
        "matched": "поставщик",
        "start": 8,
        "end": 17,
    }
    assert out[1] == {
        "id": "b",
        "decision": "keep",
        "rule": None,
        "matched": None,
        "start": None,
        "end": None,
    }
    assert out[2]["decision"] == "keep"  # the exclusion vetoes its rule
    assert (out[3]["decision"], out[3]["rule"], out[3]["matched"]) == ("decline", "Брань", "fuck")
    assert (out[4]["rule"], out[4]["matched"]) == ("Поставщики", "поставщек")  # fuzzy
    assert [item["id"] for item in out] == [7, "b", 3, 4, 5]


def test_invalid_rules_exit_2_before_output(tmp_path):
    rules_path = tmp_path / "rules.json"
    rules_path.write_text(
        json.dumps({"rules": [{"name": "Склад", "phrases": "склад"}]}), encoding="utf-8"
    )
    result = _run(rules_path, [{"id": 1, "text": "склад"}])
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Склад" in result.stderr


def test_unreadable_rules_file_exit_2(tmp_path):
    result = _run(tmp_path / "missing.json", [{"id": 1, "text": "x"}])
    assert result.returncode == 2 and result.stdout == ""
