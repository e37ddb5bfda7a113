"""Triage reviews read from stdin the way the autopilot would, without a database.

    python manage.py autopilot_triage [--jsonl] < reviews.jsonl

Input: one JSON object per line, {"id", "text", "rating": 1-5, "lang"?}. Output, in the
same order, one line each: {"id", "decision": "auto"|"draft"|"escalate", "situation":
name|null, "triggers": [{"kind", "start", "end"}]}, using the shipped situation rules,
the shipped escalation triggers and the preset "4–5★ with no negative situation may be
answered automatically". A malformed line gets {"id": null, "error": "..."} on its output
line and the others are still triaged; the exit status is then 2, otherwise 0.
Input and output are UTF-8 whatever the locale. --jsonl names the only format there is.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reviews.triage import triage_lines


def _dump(result: dict[str, Any]) -> str:
    try:
        return json.dumps(result, ensure_ascii=False)
    except ValueError:  # an id too large to print as a decimal
        return json.dumps({"id": None, "error": "the id cannot be written back"})


class Command(BaseCommand):
    help = "Triage JSON lines {id, text, rating, lang?} from stdin: auto, draft or escalate."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--jsonl", action="store_true", help="JSON lines in and out (the only format)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stdin = getattr(sys.stdin, "buffer", sys.stdin)
        out = getattr(sys.stdout, "buffer", None)
        failed = False
        for result in triage_lines(stdin):
            failed = failed or "error" in result
            line = _dump(result) + "\n"
            # Lone surrogates from \\ud800 escapes cannot be UTF-8: write them escaped.
            data = line.encode("utf-8", errors="backslashreplace")
            if out is not None:
                out.write(data)
            else:
                sys.stdout.write(data.decode("utf-8"))
        if out is not None:
            out.flush()
        if failed:
            raise SystemExit(2)
