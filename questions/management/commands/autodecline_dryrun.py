"""Try a rules file on questions read from stdin, without a database.

    python manage.py autodecline_dryrun --rules RULES.json < questions.jsonl

Input: one JSON object per line, {"id", "text"}. Output, in the same order, one line
each: {"id", "decision": "decline"|"keep", "rule", "matched", "start", "end"}.
An invalid rules file is reported on stderr with exit status 2 before any output.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand

from sellerdesk.policy.rules import RulesFileError, dryrun_lines, load_rules


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
        out = sys.stdout
        for result in dryrun_lines(ruleset, sys.stdin):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()

    def _fail(self, message: str) -> None:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
        raise SystemExit(2)
