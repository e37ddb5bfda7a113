"""Check replies with the policy engine from the shell or a script (no database needed)."""

from __future__ import annotations

import io
import logging
import sys
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sellerdesk.policy import Policy, check, format_report
from sellerdesk.policy.jsonsafe import JSONInputError, dumps_line, read_lines
from sellerdesk.policy.jsonsafe import loads as json_loads

CHANNELS = ("chat", "question_answer", "question_decline", "review_reply")
LANGS = ("ru", "zh", "en", "auto")
# One reply may be up to a million characters; its JSON line up to six characters for each
# (\uXXXX escapes) plus the other fields. Longer lines are read through and answered with
# an error, never held in memory whole.
MAX_TEXT = 1_000_000
MAX_LINE = 6 * MAX_TEXT + 10_000
MAX_BUYER_NAME = 200

HELP = """Check reply texts against the default reply policy (no database is used).

Plain mode: reads one reply from stdin, prints a readable report with the problem
spans marked, and exits 1 when the reply is not ok, 0 when it is ok.

--jsonl mode: every stdin line is a JSON object {"text", "channel"?, "lang"?,
"buyer_name"?}; its fields override the command-line flags. Every output line is the
report of the input line at the same position (the engine's JSON, UTF-8). Blank lines
are skipped. A malformed line (bad JSON, missing or non-string text, unknown channel
or language) gets {"error": "..."} on its output line and the other lines are still
checked; so does a line nested deeper than 20 levels, a number of more than 30 digits,
NaN or Infinity, a text over 1,000,000 characters or a buyer_name over 200.
Exit status: 2 if any line was malformed, otherwise 0 — also when some replies are
not ok (read "ok" in each report).

Plain mode refuses a reply over 1,000,000 characters with a message on stderr and
exit status 2.

Input and output are UTF-8 whatever the locale."""


def _utf8_reader(stream: TextIO) -> TextIO:
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # already text (tests pass StringIO)
        return stream
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace")


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []  # works without a database or configured services
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--channel", choices=CHANNELS, default="chat", help="reply channel (default: chat)"
        )
        parser.add_argument(
            "--lang", choices=LANGS, default="auto", help="reply language (default: auto)"
        )
        parser.add_argument(
            "--buyer-name", default=None, help="the buyer's name, to check the greeting uses it"
        )
        parser.add_argument(
            "--jsonl",
            action="store_true",
            help="one JSON object per line in, one report per line out",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The morphology library announces its dictionaries at INFO; scripts want quiet stderr.
        logging.getLogger("pymorphy3").setLevel(logging.WARNING)
        stdin = options.get("stdin") or _utf8_reader(sys.stdin)
        if self.stdout._out is sys.stdout and hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")
        self.policy = Policy.default()
        self.ui_lang = settings.LANGUAGE_CODE.split("-")[0] if settings.LANGUAGE_CODE else "ru"
        status = self._jsonl(stdin, options) if options["jsonl"] else self._plain(stdin, options)
        self.stdout.flush()
        if status:
            sys.exit(status)

    def _check(self, text: str, channel: str, lang: str, buyer_name: str | None):
        return check(
            text,
            channel,
            lang=lang,
            buyer_name=buyer_name,
            policy=self.policy,
            ui_lang=self.ui_lang,
        )

    def _plain(self, stdin: TextIO, options: dict[str, Any]) -> int:
        text = stdin.read(MAX_TEXT + 2)
        if text.endswith("\n"):  # the shell's final newline is not part of the reply
            text = text[:-1]
        if len(text) > MAX_TEXT:
            self.stderr.write(f"the reply is longer than {MAX_TEXT} characters")
            return 2
        if options["buyer_name"] is not None and len(options["buyer_name"]) > MAX_BUYER_NAME:
            self.stderr.write(f"--buyer-name is longer than {MAX_BUYER_NAME} characters")
            return 2
        report = self._check(text, options["channel"], options["lang"], options["buyer_name"])
        self.stdout.write(format_report(text, report))
        return 0 if report.ok else 1

    def _jsonl(self, stdin: TextIO, options: dict[str, Any]) -> int:
        malformed = False
        for line in read_lines(stdin, max_chars=MAX_LINE):
            if line is not None and not line.strip():
                continue
            try:
                if line is None:
                    raise ValueError(f"the line is longer than {MAX_LINE} characters")
                result: dict[str, Any] = self._check_line(line, options)
            except ValueError as exc:
                malformed = True
                result = {"error": str(exc)}
            self.stdout.write(dumps_line(result))
        return 2 if malformed else 0

    def _check_line(self, line: str, options: dict[str, Any]) -> dict[str, Any]:
        try:
            item = json_loads(line, max_chars=MAX_LINE)
        except JSONInputError as exc:
            raise ValueError(str(exc)) from exc
        if not isinstance(item, dict):
            raise ValueError("each line must be a JSON object")
        text = item.get("text")
        if not isinstance(text, str):
            raise ValueError('"text" is missing or not a string')
        if len(text) > MAX_TEXT:
            raise ValueError(f'"text" is longer than {MAX_TEXT} characters')
        channel = item.get("channel") or options["channel"]
        if not isinstance(channel, str) or channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}")
        lang = item.get("lang") or options["lang"]
        if not isinstance(lang, str) or lang not in LANGS:
            raise ValueError(f"unknown lang {lang!r}; expected one of {', '.join(LANGS)}")
        buyer_name = item.get("buyer_name", options["buyer_name"])
        if buyer_name is not None and not isinstance(buyer_name, str):
            raise ValueError('"buyer_name" must be a string')
        if buyer_name is not None and len(buyer_name) > MAX_BUYER_NAME:
            raise ValueError(f'"buyer_name" is longer than {MAX_BUYER_NAME} characters')
        return self._check(text, channel, lang, buyer_name).to_dict()
