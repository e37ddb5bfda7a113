"""`manage.py policycheck` as scripts use it: a real process, no database, UTF-8 under any locale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, stdin: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sellerdesk.settings.local",
        # Nothing listens there: any database access would fail the command.
        DATABASE_URL="postgres://nobody@127.0.0.1:1/no_database",
        LANG="C",
        LC_ALL="C",
        PYTHONIOENCODING="",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "policycheck", *args],
        cwd=ROOT,
        env=env,
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_plain_mode_marks_the_problem_and_exits_1():
    result = _run(
        "--channel", "question_answer", stdin="Спасибо за вопрос, звоните +7 916 123-45-67\n"
    )
    out = result.stdout.decode("utf-8")
    assert result.returncode == 1, result.stderr.decode()
    assert "⟦+7 916 123-45-67⟧" in out
    assert "contact_outside_chat" in out


def test_plain_mode_exits_0_for_a_good_reply():
    result = _run(
        "--lang", "zh", stdin="亲，您好！感谢您的咨询，这款卫衣是纯棉的。祝您生活愉快！\n"
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()
    assert result.stdout.decode("utf-8").startswith("OK")


def test_jsonl_answers_line_by_line_in_order():
    lines = [
        {"text": "Здравствуйте! Спасибо за вопрос. Хорошего дня!"},
        {"text": "Звоните 8 916 123-45-67", "channel": "review_reply"},
        {"text": "亲，您好！感谢您的评价，祝您生活愉快！", "lang": "zh"},
        {"text": "Здравствуйте! Спасибо. Хорошего дня!", "buyer_name": "Анна"},
    ]
    result = _run(
        "--jsonl", stdin="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    )
    assert result.returncode == 0, result.stderr.decode()
    reports = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(reports) == 4
    assert reports[0]["ok"] is True
    assert reports[1]["ok"] is False
    assert [f["code"] for f in reports[1]["findings"] if f["severity"] == "error"] == [
        "contact_outside_chat"
    ]
    assert reports[2]["lang"] == "zh"
    assert "greeting_without_name" in {f["code"] for f in reports[3]["findings"]}
    # Non-ASCII stays readable (ensure_ascii=False) even under the C locale.
    assert "Нет" in result.stdout.decode("utf-8") or "Здравствуйте" in result.stdout.decode("utf-8")


def test_jsonl_flags_are_defaults_that_lines_override():
    text = "Здравствуйте! Спасибо. Позвоните 8 916 123-45-67. Хорошего дня!"
    stdin = json.dumps({"text": text}) + "\n" + json.dumps({"text": text, "channel": "chat"}) + "\n"
    result = _run("--jsonl", "--channel", "question_answer", stdin=stdin)
    first, second = (json.loads(line) for line in result.stdout.decode("utf-8").splitlines())
    assert first["ok"] is False and second["ok"] is True


def test_jsonl_malformed_lines_get_an_error_and_the_rest_is_checked():
    stdin = "\n".join(
        [
            json.dumps({"text": "Здравствуйте! Спасибо. Хорошего дня!"}),
            "{not json",
            json.dumps({"channel": "chat"}),
            json.dumps({"text": "Привет", "channel": "telegram"}),
            json.dumps({"text": "Звоните +7 916 123-45-67", "channel": "question_answer"}),
        ]
    )
    result = _run("--jsonl", stdin=stdin + "\n")
    assert result.returncode == 2
    outputs = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(outputs) == 5
    assert outputs[0]["ok"] is True
    assert set(outputs[1]) == {"error"} and "JSON" in outputs[1]["error"]
    assert set(outputs[2]) == {"error"} and "text" in outputs[2]["error"]
    assert set(outputs[3]) == {"error"} and "telegram" in outputs[3]["error"]
    assert outputs[4]["ok"] is False


def test_help_documents_the_exit_status():
    result = _run("--help", stdin="")
    text = result.stdout.decode("utf-8")
    assert result.returncode == 0
    assert "--jsonl" in text and "Exit status: 2" in text


def test_manner_codes_simply_appear_in_findings():
    lines = [
        {"text": "Вы буквы различаете? Всё написано в карточке.", "channel": "question_answer"},
        {"text": "这事跟我们无关。", "channel": "review_reply"},
        {"text": "Hello! We're sorry, that was our mistake. A replacement is on its way."},
    ]
    result = _run("--jsonl", stdin="\n".join(json.dumps(line) for line in lines) + "\n")
    assert result.returncode == 0, result.stderr.decode()
    reports = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [f["code"] for f in reports[0]["findings"] if f["severity"] == "error"] == ["rude"]
    assert "brush_off" in {f["code"] for f in reports[1]["findings"]}
    assert not {"rude", "blame", "brush_off"} & {f["code"] for f in reports[2]["findings"]}
