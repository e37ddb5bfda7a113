"""JSON from untrusted sources, bounded: pure Python, no Django (the engine's CLIs use it too).

``json.loads`` recurses once per nesting level (100,000 brackets end in a RecursionError),
turns a 5,000-digit number into a ValueError from ``int()``, and accepts ``NaN`` and
``Infinity``, which then cannot be written back as JSON. ``loads`` refuses all of these with
a :class:`JSONInputError` before or while parsing: the text length and nesting depth are
measured in one linear scan first, numbers and constants are checked as they are read.

``read_lines`` reads a stream line by line without ever holding more than ``max_chars`` of
one line, so a gigabyte without a newline costs no memory.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any, TextIO

MAX_DEPTH = 20
MAX_CHARS = 1_000_000
MAX_NUMBER_DIGITS = 30

# A JSON string (skipped whole, it may hold brackets) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONInputError(ValueError):
    """Input refused; ``code`` names the reason (``invalid``, ``too_long``, ``too_deep``,
    ``number``), ``str()`` is an English sentence for logs and CLIs."""

    def __init__(self, code: str, message: str, error: json.JSONDecodeError | None = None) -> None:
        super().__init__(message)
        self.code = code
        # where plain JSON syntax failed (code "invalid"): json's own message and position
        self.msg = error.msg if error else message
        self.lineno = error.lineno if error else 1
        self.colno = error.colno if error else 1


def nesting_depth(text: str, *, stop_at: int | None = None) -> int:
    """The deepest bracket nesting outside strings; stops counting past ``stop_at``."""
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_at is not None and deepest > stop_at:
                    return deepest
        elif token in "]}":
            depth -= 1
    return deepest


def _parse_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JSONInputError("number", f"a number has more than {MAX_NUMBER_DIGITS} digits")
    return int(digits)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 10:
        raise JSONInputError("number", f"a number has more than {MAX_NUMBER_DIGITS} digits")
    value = float(text)
    if not math.isfinite(value):
        raise JSONInputError("number", f"the number {text} is out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise JSONInputError("number", f"{name} is not a valid JSON number")


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, max_chars: int = MAX_CHARS) -> Any:
    """Parse JSON text within bounds; raises :class:`JSONInputError` (a ValueError)."""
    if isinstance(text, bytes | bytearray):
        if len(text) > max_chars * 4:
            raise JSONInputError("too_long", f"the input is longer than {max_chars} characters")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise JSONInputError("invalid", "the input is not UTF-8 text") from error
    if len(text) > max_chars:
        raise JSONInputError("too_long", f"the input is longer than {max_chars} characters")
    if nesting_depth(text, stop_at=max_depth) > max_depth:
        raise JSONInputError("too_deep", f"the input is nested deeper than {max_depth} levels")
    try:
        return json.loads(
            text.lstrip("\ufeff"),
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as error:
        raise JSONInputError(
            "invalid",
            f"invalid JSON: line {error.lineno}, column {error.colno}: {error.msg}",
            error,
        ) from error
    except RecursionError as error:  # the scan above makes this unreachable; never a traceback
        raise JSONInputError("too_deep", "the input is nested too deeply") from error


def dumps_line(value: Any) -> str:
    """One output line: UTF-8 JSON, refusing NaN (never written as invalid JSON)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def read_lines(stream: TextIO, *, max_chars: int = MAX_CHARS) -> Iterator[str | None]:
    """Lines of ``stream`` (newline kept); ``None`` for a line longer than ``max_chars``,
    which is read through in chunks and dropped."""
    while True:
        line = stream.readline(max_chars + 1)
        if not line:
            return
        if len(line) <= max_chars or line.endswith("\n"):
            yield line
            continue
        while True:  # drain the rest of the over-long line
            rest = stream.readline(max_chars)
            if not rest or rest.endswith("\n"):
                break
        yield None
