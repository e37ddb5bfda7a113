"""Every request the tests send to the Wildberries fake, and every answer it gives, checked
against the marketplace's published OpenAPI description (openapi-core).

``wildberries-communications.yaml`` next to this file is the marketplace's own description
of the communications API, unchanged (a copy of /work/shared/reference/, so a fresh clone
can run the suite). The fake calls ``ContractCheck`` after each exchange; the ``wb_fake``
fixture fails the test at teardown when anything did not match, so neither the client
nor the fake can drift from the description unnoticed.

Two deliberate allowances, both narrow:
- 401 and 429 come from the marketplace's gateway for any method (the description's
  shared ``components/responses``), even where an operation does not list them (the file
  download): such an answer is checked against that shared schema instead.
- Faults a test injects on purpose (a 500, a broken body, a dropped connection) are not
  the marketplace's documented behaviour; their responses are not checked. Their requests are.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

SPEC_PATH = Path(__file__).with_name("wildberries-communications.yaml")
FEEDBACKS_HOST = "https://feedbacks-api.wildberries.ru"
CHAT_HOST = "https://buyer-chat-api.wildberries.ru"
GATEWAY_STATUSES = ("401", "429")


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange as the fake saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # None: no response was sent (dropped connection, timeout)
    response_body: bytes = b""
    response_content_type: str = ""
    injected_fault: str = ""


@functools.cache
def _spec():
    from openapi_core import Config, OpenAPI

    # RFC 7807 problem details are JSON; the chat API answers its 400s with them.
    config = Config(extra_media_type_deserializers={"application/problem+json": json.loads})
    return OpenAPI.from_file_path(str(SPEC_PATH), config=config)


@functools.cache
def _gateway_schemas() -> dict[str, dict]:
    import yaml

    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    responses = document["components"]["responses"]
    return {
        status: responses[status]["content"]["application/json"]["schema"]
        for status in GATEWAY_STATUSES
    }


def _explain(error: BaseException) -> str:
    lines = [f"{type(error).__name__}: {error}"]
    cause = error.__cause__
    while cause is not None:
        for schema_error in getattr(cause, "schema_errors", ()) or ():
            where = "/".join(map(str, schema_error.absolute_path)) or "(body)"
            lines.append(f"    {where}: {schema_error.message}")
        if not getattr(cause, "schema_errors", None):
            lines.append(f"    {type(cause).__name__}: {cause}")
        cause = cause.__cause__
    return "\n".join(lines)


@dataclass
class ContractCheck:
    violations: list[str] = field(default_factory=list)
    checked: int = 0

    def __post_init__(self) -> None:
        # Parse the description here, not inside the fake's first request: a second or two of
        # parsing in a server thread would look like a slow marketplace to a client with a
        # short timeout.
        _spec()
        _gateway_schemas()

    def __call__(self, exchange: Exchange) -> None:
        from openapi_core.templating.responses.exceptions import ResponseNotFound
        from openapi_core.testing import MockRequest, MockResponse

        host = CHAT_HOST if exchange.path.startswith("/api/v1/seller/") else FEEDBACKS_HOST
        content_type = exchange.headers.get("Content-Type", "")
        request = MockRequest(
            host,
            exchange.method.lower(),
            exchange.path,
            args={name: values[-1] for name, values in exchange.query.items()},
            headers=exchange.headers,
            data=exchange.body or None,
            content_type=content_type or "application/json",
        )
        what = f"{exchange.method} {exchange.path}"
        self.checked += 1
        for error in _spec().iter_request_errors(request):
            self.violations.append(f"request {what}: {_explain(error)}")
        if exchange.status is None or exchange.injected_fault:
            return
        response = MockResponse(
            exchange.response_body,
            status_code=exchange.status,
            content_type=exchange.response_content_type or "application/json",
        )
        for error in _spec().iter_response_errors(request, response):
            if isinstance(error, ResponseNotFound) and str(exchange.status) in GATEWAY_STATUSES:
                self._gateway_response(what, exchange)
                continue
            self.violations.append(f"response {exchange.status} to {what}: {_explain(error)}")

    def _gateway_response(self, what: str, exchange: Exchange) -> None:
        from openapi_schema_validator import OAS30Validator

        schema = _gateway_schemas()[str(exchange.status)]
        try:
            body = json.loads(exchange.response_body)
        except ValueError:
            self.violations.append(f"response {exchange.status} to {what}: not JSON")
            return
        for error in OAS30Validator(schema).iter_errors(body):
            self.violations.append(f"response {exchange.status} to {what}: {error.message}")

    def report(self) -> str:
        return (
            f"{len(self.violations)} exchange(s) with the Wildberries fake broke the published contract:\n"
            + "\n".join(self.violations)
        )
