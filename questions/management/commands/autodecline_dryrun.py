"""Try a rules file on questions read from stdin, without a database.

    python manage.py autodecline_dryrun --rules RULES.json < questions.jsonl

Input: one JSON object per line, {"id", "text"}. Output, in the same order, one line
each: {"id", "decision": "decline"|"keep", "rule", "matched", "start", "end"}.
A malformed line (bad JSON, nested deeper than 20 levels, a number of more than 30
digits, NaN or Infinity, a missing id, a text that is not a string or is longer than
100,000 characters, a line over 1,000,000 characters) gets {"id": null, "error": "..."}
on its output line and the run goes on; the exit status is then 2, otherwise 0.
An invalid rules file is reported on stderr with exit status 2 before any output.
Input and output are UTF-8 whatever the locale.
"""

from __future__ import annotations

import io
import sys

from django.core.management.base import BaseCommand

from sellerdesk.policy.jsonsafe import dumps_line, read_lines
from sellerdesk.policy.rules import RulesFileError, dryrun_lines, load_rules

MAX_LINE = 1_000_000


class Command(BaseCommand):
    help = "Apply a rules file to JSON lines {id, text} from stdin; print one decision per line."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--rules", required=True, help="Rules file (JSON, the import/export format)."
        )

    def handle(self, *args, rules: str, **options) -> None:
        try:
            with open(rules, "rb") as handle:
                ruleset = load_rules(handle.read())
        except OSError as error:
            self._fail(f"cannot read rules file {rules}: {error.strerror or error}")
        except RulesFileError as error:
            self._fail(f"invalid rules file {rules}: {error}")
        stdin = sys.stdin
        if hasattr(stdin, "buffer"):
            stdin = io.TextIOWrapper(stdin.buffer, encoding="utf-8", errors="replace")
        out = sys.stdout
        if hasattr(out, "reconfigure"):
            out.reconfigure(encoding="utf-8")
        malformed = False
        for result in dryrun_lines(ruleset, read_lines(stdin, max_chars=MAX_LINE)):
            malformed = malformed or "error" in result
            out.write(dumps_line(result) + "\n")
        out.flush()
        if malformed:
            raise SystemExit(2)

    def _fail(self, message: str) -> None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
        raise SystemExit(2)
