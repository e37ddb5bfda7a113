"""A local, stateful fake of the Wildberries communications API (questions, reviews, chat).

It follows /work/shared/reference/wildberries-communications.yaml: the same paths, query
parameters and their limits, body shapes, error bodies, the ``Authorization`` token header
and the documented per-seller rate limits (token bucket: burst, then one request per
interval; a 429 with the documented body beyond that). It is a real HTTP server on
127.0.0.1 in a daemon thread, so the connector is tested through its real HTTP stack.

Faults are injected with ``fake.inject(...)``: a timeout, a 500, a 429, malformed JSON, a
dropped connection, or a token revoked from some request on. ``apply=True`` lets the
request take effect before the fault, which is the "response lost" case a sender must not
turn into a duplicate.

Behaviour the description allows and the fake does, so the client is tested against it:
- the event of a sent chat message carries an ``addTimestamp`` later than the send
  response's ``addTime`` (``send_event_lag_ms``);
- ``inject("upload_error")``: the next message is accepted with its text but its files are
  not, and the 200 lists the failures in ``errors``;
- ``inject("429", path="/api/v1/seller/download/")``: downloads share the chat limit;
- ``add_seller_event_without_message``: a seller event without ``message`` (the
  description's own example);
- ``moderate_answers`` / ``moderate()``: review replies in ``reviewRequired``, then
  published or ``rejected``;
- ``inject("403")``: the documented 403 of the questions and reviews API.

Where the contract says nothing the fake chooses and says so here:
- a review reply under moderation leaves the review unanswered (``state`` none) until it is
  published; a rejected reply makes it unanswered again and a new reply may be posted.
- events: ``next`` is exclusive (events strictly newer than it); a page never splits
  events sharing one millisecond; page size ``events_page_size`` (default 50).
- questions/feedbacks ``dateFrom``/``dateTo`` are inclusive, in Unix seconds.
- a 429 carries no extra headers unless ``retry_headers`` is given to ``inject``
  (the yaml documents the 429 body only).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import random
import secrets
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.marketplaces.contract import Exchange

FEEDBACKS_GROUP = "questionsandfeedback"
CHAT_GROUP = "buyerchat"
# Documented per-seller limits: (burst, interval in seconds).
RATE_LIMITS = {FEEDBACKS_GROUP: (6, 1 / 3), CHAT_GROUP: (10, 1.0)}
CHAT_FILE_TYPES = {"image/jpeg", "image/png", "application/pdf"}
MiB = 1024 * 1024
# Network-level faults a test injects on purpose: not behaviour the contract describes.
OFF_CONTRACT_FAULTS = ("timeout", "500", "malformed", "disconnect")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _random_id(rng: random.Random, length: int = 20) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(rng.choice(alphabet) for _ in range(length))


@dataclass
class Fault:
    # timeout | 500 | malformed | disconnect: network trouble, off the contract;
    # 429 | 403 | revoke | upload_error: answers the contract documents.
    kind: str
    path: str = ""  # prefix; empty matches every path
    method: str = ""
    times: int = 1
    skip: int = 0  # let this many matching requests through first
    apply: bool = False  # process the request before failing (the response is lost)
    delay: float = 2.0
    # A timeout that hangs until the test sets this event (or ``delay`` runs out): a hang whose
    # end the test decides, so it can act while the call is under way.
    release: threading.Event | None = None
    retry_headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        return (not self.path or path.startswith(self.path)) and (
            not self.method or self.method == method
        )


class _Bucket:
    def __init__(self, burst: int, interval: float) -> None:
        self.capacity = burst
        self.interval = interval
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> float:
        """0 when a request may pass, else seconds until it would."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) * self.interval


class WildberriesFake:
    """State plus the server. Use as a context manager or call start()/stop()."""

    def __init__(
        self,
        *,
        tokens: tuple[str, ...] = ("test-token",),
        enforce_rate_limits: bool = True,
        seed: int = 7,
        observer: Callable[[Exchange], None] | None = None,
    ) -> None:
        self.valid_tokens = set(tokens)
        # Called with every exchange (tests check each against the published contract).
        self.observer = observer
        self.revoked_tokens: set[str] = set()
        self.enforce_rate_limits = enforce_rate_limits
        self.events_page_size = 50
        self.rng = random.Random(seed)
        self.lock = threading.RLock()
        self.questions: dict[str, dict] = {}
        self.feedbacks: dict[str, dict] = {}
        self.chats: dict[str, dict] = {}
        self.events: list[dict] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request served
        self.writes: list[dict] = []  # every write that took effect, in order
        self.rate_limited = 0
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._clock = datetime.now(UTC) - timedelta(days=2)
        self.realtime = False  # generated history is back-dated; True: new items are stamped now
        # Replies to reviews wait for moderation (answer state reviewRequired) until
        # ``moderate()`` publishes or rejects them.
        self.moderate_answers = False
        # A sent chat message's event is stamped this many ms after the send response's
        # addTime (the description never says the two are equal).
        self.send_event_lag_ms = (1, 1500)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, port: int = 0) -> WildberriesFake:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wb-fake", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WildberriesFake:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server, "fake not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- faults ----------------------------------------------------------------------------
    def inject(self, kind: str, **options) -> Fault:
        fault = Fault(kind=kind, **options)
        with self.lock:
            self.faults.append(fault)
        return fault

    def revoke(self, token: str) -> None:
        with self.lock:
            self.revoked_tokens.add(token)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.matches(method, path):
                    if fault.skip > 0:
                        fault.skip -= 1
                        return None
                    fault.times -= 1
                    return fault
        return None

    # --- data ------------------------------------------------------------------------------
    def _tick(self, seconds: float | None = None) -> datetime:
        if self.realtime:  # live demo traffic happens now, after anything the seller sent
            self._clock = max(self._clock, datetime.now(UTC))
            return self._clock
        self._clock += timedelta(
            seconds=seconds if seconds is not None else self.rng.randint(20, 900)
        )
        return self._clock

    def add_question(
        self,
        text: str,
        *,
        nm_id: int = 14917842,
        product_name: str = "Кофемолка",
        created: datetime | None = None,
    ) -> dict:
        with self.lock:
            created = created or self._tick()
            question = {
                "id": _random_id(self.rng),
                "text": text,
                "createdDate": _iso(created),
                "state": "suppliersPortalSynch",
                "answer": None,
                "productDetails": {
                    "imtId": nm_id // 10,
                    "nmId": nm_id,
                    "productName": product_name,
                    "supplierArticle": f"A-{nm_id}",
                    "supplierName": "ИП Демо",
                    "brandName": "Демо",
                },
                "wasViewed": False,
                "isWarned": False,
            }
            self.questions[question["id"]] = question
            return question

    def add_feedback(
        self,
        text: str,
        *,
        rating: int = 5,
        user_name: str = "Покупатель",
        nm_id: int = 14917842,
        product_name: str = "Кофемолка",
        created: datetime | None = None,
    ) -> dict:
        with self.lock:
            created = created or self._tick()
            feedback = {
                "id": _random_id(self.rng),
                "text": text,
                "pros": "",
                "cons": "",
                "productValuation": rating,
                "createdDate": _iso(created),
                "answer": None,
                "state": "none",
                "productDetails": {
                    "imtId": nm_id // 10,
                    "nmId": nm_id,
                    "productName": product_name,
                    "supplierArticle": f"A-{nm_id}",
                    "supplierName": "ИП Демо",
                    "brandName": "Демо",
                    "size": "0",
                },
                "video": None,
                "wasViewed": False,
                "photoLinks": None,
                "userName": user_name,
                "matchingSize": "",
                "isAbleSupplierFeedbackValuation": False,
                "supplierFeedbackValuation": 0,
                "isAbleSupplierProductValuation": False,
                "supplierProductValuation": 0,
                "isAbleReturnProductOrders": False,
                "returnProductOrdersDate": None,
                "bables": None,
                "lastOrderShkId": 0,
                "lastOrderCreatedAt": _iso(created - timedelta(days=7)),
                "color": "",
                "subjectId": 0,
                "subjectName": "",
                "parentFeedbackId": None,
                "childFeedbackId": None,
            }
            self.feedbacks[feedback["id"]] = feedback
            return feedback

    def add_chat(self, client_name: str = "Алёна", *, nm_id: int = 14917842) -> dict:
        with self.lock:
            chat_id = f"1:{uuid.UUID(int=self.rng.getrandbits(128))}"
            chat = {
                "chatID": chat_id,
                "replySign": f"{chat_id}:{self.rng.randint(10**7, 10**8)}:{secrets.token_hex(32)}",
                "clientID": str(self.rng.randint(10**5, 10**6)),
                "clientName": client_name,
                "goodCard": {
                    "date": _iso(self._clock),
                    "nmID": nm_id,
                    "price": 500,
                    "priceCurrency": "RUB",
                    "rid": uuid.uuid4().hex,
                    "size": "0",
                    "statusID": 11,
                },
                "lastMessage": None,
            }
            self.chats[chat_id] = chat
            return chat

    def add_buyer_message(
        self, chat: dict, text: str, *, image: bytes | None = None, at: datetime | None = None
    ) -> dict:
        with self.lock:
            at = at or self._tick()
            is_new = not any(event["chatID"] == chat["chatID"] for event in self.events)
            attachments: dict = {}
            if is_new:
                attachments["goodCard"] = chat["goodCard"]
            if image is not None:
                download_id = str(uuid.uuid4())
                self.files[download_id] = ("image/jpeg", image)
                attachments["images"] = [
                    {
                        "date": _iso(at),
                        "downloadID": download_id,
                        "url": f"{self.url}/api/v1/seller/download/{download_id}",
                    }
                ]
            event = {
                "chatID": chat["chatID"],
                "eventID": str(uuid.uuid4()),
                "eventType": "message",
                "isNewChat": is_new,
                "message": {"attachments": attachments, "text": text},
                "source": "rusite",
                "addTimestamp": _ms(at),
                "addTime": _iso(at).split(".")[0].rstrip("Z") + "Z",
                "sender": "client",
                "clientID": chat["clientID"],
                "clientName": chat["clientName"],
            }
            if is_new:
                event["replySign"] = chat["replySign"]
            self._append_event(event)
            return event

    def add_seller_event_without_message(self, chat: dict, *, at: datetime | None = None) -> dict:
        """A seller event with no ``message`` at all, as in the description's own example."""
        with self.lock:
            at = at or self._tick()
            event = {
                "chatID": chat["chatID"],
                "eventID": str(uuid.uuid4()),
                "eventType": "message",
                "addTimestamp": _ms(at),
                "addTime": _iso(at).split(".")[0].rstrip("Z") + "Z",
                "sender": "seller",
            }
            self._append_event(event)
            return event

    def _append_event(self, event: dict) -> None:
        self.events.append(event)
        self.events.sort(key=lambda item: item["addTimestamp"])
        if "message" in event:
            self.chats[event["chatID"]]["lastMessage"] = {
                "text": event["message"].get("text", ""),
                "addTimestamp": event["addTimestamp"],
            }

    def moderate(self, feedback_id: str, *, accept: bool) -> dict:
        """Finish moderating a reply (see ``moderate_answers``): published, or rejected."""
        with self.lock:
            feedback = self.feedbacks[feedback_id]
            answer = feedback["answer"]
            assert answer and answer["state"] == "reviewRequired", "nothing under moderation"
            answer["state"] = "wbRu" if accept else "rejected"
            feedback["state"] = "wbRu" if accept else "none"
            return feedback

    def populate(
        self, *, questions: int = 5, feedbacks: int = 5, chats: int = 3, messages_per_chat: int = 2
    ) -> None:
        """Generated buyer traffic (Russian), for tests and the demo: each product gets
        questions and opinions about itself, and every chat a buyer of its own."""
        catalogue = [
            (
                104233,
                "Кофемолка электрическая, 200 Вт",
                [
                    "Подойдёт ли для зёрен эспрессо?",
                    "Какая длина шнура?",
                    "Пахнет ли пластиком при первом включении?",
                    "Можно ли молоть специи?",
                ],
                [
                    ("Мелет быстро и равномерно, работает тихо.", 5),
                    ("Крышка пришла с царапиной.", 3),
                    ("Не включилась, оформила возврат.", 1),
                ],
            ),
            (
                118871,
                "Плед флисовый 150×200, серый",
                [
                    "Можно стирать в машинке при 40 градусах?",
                    "Будет ли в продаже другой цвет?",
                    "Какой вес с упаковкой?",
                ],
                [
                    ("Мягкий и тёплый, цвет как на фото.", 5),
                    ("После стирки немного скатался.", 4),
                ],
            ),
            (
                150320,
                "Чайник стеклянный с подсветкой, 1,7 л",
                [
                    "Есть ли гарантия и сколько?",
                    "Пахнет ли пластиком при первом кипячении?",
                    "Какого цвета подсветка?",
                ],
                [
                    ("Закипает быстро, подсветка красивая.", 5),
                    ("Крышка закрывается туго.", 3),
                ],
            ),
        ]
        first = ["Алёна", "Дмитрий", "Наталья", "Сергей", "Ирина", "Павел", "Ольга", "Никита"]
        last = ["К.", "С.", "М.", "П.", "Л.", "Р.", "В.", "Т."]
        lines = [
            "Здравствуйте! Когда отправите заказ?",
            "Можно поменять цвет?",
            "Товар пришёл без инструкции.",
            "Спасибо, получила!",
        ]
        for _ in range(questions):
            nm_id, name, asks, _opinions = self.rng.choice(catalogue)
            self.add_question(self.rng.choice(asks), nm_id=nm_id, product_name=name)
        for _ in range(feedbacks):
            nm_id, name, _asks, opinions = self.rng.choice(catalogue)
            text, rating = self.rng.choice(opinions)
            self.add_feedback(
                text,
                rating=rating,
                user_name=self.rng.choice(first),
                nm_id=nm_id,
                product_name=name,
            )
        for _ in range(chats):
            # A new chat is a new buyer: names already in a chat are not reused while
            # others are left, so the list does not fill with one name.
            with self.lock:
                taken = {chat["clientName"] for chat in self.chats.values()}
            names = [f"{a} {b}" for a in first for b in last]
            fresh = [n for n in names if n not in taken] or names
            chat = self.add_chat(self.rng.choice(fresh), nm_id=self.rng.choice(catalogue)[0])
            for _ in range(messages_per_chat):
                self.add_buyer_message(chat, self.rng.choice(lines))

    # --- what the seller sent ---------------------------------------------------------------
    def seller_messages(self, chat_id: str | None = None) -> list[dict]:
        with self.lock:
            return [
                event
                for event in self.events
                if event["sender"] == "seller" and (chat_id is None or event["chatID"] == chat_id)
            ]

    def writes_for(self, kind: str, target: str | None = None) -> list[dict]:
        with self.lock:
            return [
                write
                for write in self.writes
                if write["kind"] == kind and (target is None or write["target"] == target)
            ]

    # --- rate limits -----------------------------------------------------------------------
    def _rate_wait(self, token: str, group: str) -> float:
        if not self.enforce_rate_limits:
            return 0.0
        with self.lock:
            bucket = self._buckets.get((token, group))
            if bucket is None:
                bucket = self._buckets[(token, group)] = _Bucket(*RATE_LIMITS[group])
            return bucket.take()


# --- HTTP ------------------------------------------------------------------------------------


class _Reply(Exception):
    def __init__(
        self,
        status: int,
        body: object = None,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.raw = raw


def _feedback_error(status: int, text: str) -> _Reply:
    return _Reply(
        status,
        {
            "data": None,
            "error": True,
            "errorText": text,
            "additionalErrors": None,
            "requestId": uuid.uuid4().hex,
        },
    )


def _chat_error(
    status: int, detail: str, *, title: str = "Bad Request", problem: bool = False
) -> _Reply:
    """The chat API's error body; sending a message answers it as problem+json (documented)."""
    return _Reply(
        status,
        {
            "status": status,
            "title": title,
            "origin": "proxy-chats",
            "detail": detail,
            "requestId": uuid.uuid4().hex,
            "error": detail,
        },
        content_type="application/problem+json" if problem else "application/json",
    )


def _gateway_error(status: int, title: str, detail: str) -> _Reply:
    return _Reply(
        status,
        {
            "title": title,
            "detail": detail,
            "code": "fake",
            "requestId": uuid.uuid4().hex,
            "origin": "s2s-api-auth-catalog",
            "status": status,
            "statusText": {401: "Unauthorized", 429: "Too Many Requests"}.get(status, ""),
            "timestamp": _iso(datetime.now(UTC)).split(".")[0] + "Z",
        },
    )


def _ok(data: object) -> _Reply:
    return _Reply(200, {"data": data, "error": False, "errorText": "", "additionalErrors": None})


def _bool_param(query: dict, name: str, *, required: bool) -> bool | None:
    values = query.get(name)
    if not values:
        if required:
            raise _feedback_error(400, f"Плохой формат {name}")
        return None
    if values[0] not in ("true", "false"):
        raise _feedback_error(400, f"Плохой формат {name}")
    return values[0] == "true"


def _int_param(query: dict, name: str, *, required: bool, minimum: int = 0) -> int | None:
    values = query.get(name)
    if not values or values[0] == "":
        if required:
            raise _feedback_error(400, f"Плохой формат {name}")
        return None
    try:
        number = int(values[0])
    except ValueError:
        raise _feedback_error(400, f"Плохой формат {name}") from None
    if number < minimum:
        raise _feedback_error(400, f"Плохой формат {name}")
    return number


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], list[tuple[str, str, bytes]]]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: dict[str, str] = {}
    files: list[tuple[str, str, bytes]] = []
    if not message.is_multipart():
        return fields, files
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files.append((filename, part.get_content_type(), payload))
        elif name:
            fields[name] = payload.decode("utf-8")
    return fields, files


class _Handler(BaseHTTPRequestHandler):
    fake: WildberriesFake
    fault: Fault | None = None
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    # One request: auth, fault injection, rate limit, route, reply; then the observer.
    def _serve(self, method: str) -> None:
        exchange = self._exchange(method)
        if self.fake.observer is not None:
            self.fake.observer(exchange)

    def _exchange(self, method: str) -> Exchange:
        fake = self.fake
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with fake.lock:
            fake.requests.append((method, path))
        group = CHAT_GROUP if path.startswith("/api/v1/seller/") else FEEDBACKS_GROUP
        fault = fake._take_fault(method, path)
        self.fault = fault
        token = self.headers.get("Authorization", "")
        exchange = Exchange(
            method=method,
            path=path,
            query=query,
            headers=dict(self.headers.items()),
            body=body,
            injected_fault=fault.kind if fault and fault.kind in OFF_CONTRACT_FAULTS else "",
        )
        try:
            if fault and fault.kind == "revoke":
                fake.revoke(token)
            if token not in fake.valid_tokens or token in fake.revoked_tokens:
                raise _gateway_error(
                    401, "unauthorized", "token problem; token is revoked or malformed"
                )
            if fault and fault.kind == "403":
                raise _feedback_error(403, "Ошибка авторизации")
            if fault and fault.kind == "429":
                raise _Reply(
                    429,
                    _gateway_error(429, "too many requests", "limited by fake").body,
                    headers=fault.retry_headers,
                )
            wait = fake._rate_wait(token, group)
            if wait > 0:
                with fake.lock:
                    fake.rate_limited += 1
                raise _gateway_error(429, "too many requests", "limited by fake")
            if fault and fault.kind in OFF_CONTRACT_FAULTS and not fault.apply:
                return self._fail(fault, exchange)
            reply = self._route(method, path, query, body)
        except _Reply as raised:
            reply = raised
        if fault and fault.apply and fault.kind in OFF_CONTRACT_FAULTS:
            return self._fail(fault, exchange)
        return self._send(reply, exchange)

    def _fail(self, fault: Fault, exchange: Exchange) -> Exchange:
        if fault.kind == "timeout":
            if fault.release is not None:
                fault.release.wait(fault.delay)
            else:
                time.sleep(fault.delay)
            self.close_connection = True
            return exchange
        if fault.kind == "disconnect":
            self.close_connection = True
            return exchange
        if fault.kind == "500":
            return self._send(
                _Reply(
                    500, {"title": "internal server error", "detail": "fake failure", "status": 500}
                ),
                exchange,
            )
        if fault.kind == "malformed":
            return self._send(_Reply(200, raw=b'{"data": {"questions": [ {"id": "tru'), exchange)
        raise AssertionError(f"unknown fault {fault.kind}")

    def _send(self, reply: _Reply, exchange: Exchange) -> Exchange:
        if reply.raw is not None:
            data = reply.raw
        elif reply.body is None:
            data = b""
        else:
            data = json.dumps(reply.body, ensure_ascii=False).encode()
        self.send_response(reply.status)
        if data or reply.status != 204:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)
        return replace(
            exchange,
            status=reply.status,
            response_body=data,
            response_content_type=reply.content_type if data else "",
        )

    def _json_body(self, body: bytes, *, standardized: bool = False) -> dict:
        content_type = self.headers.get("Content-Type", "")
        if standardized and not content_type:
            raise _Reply(
                400,
                {
                    "title": "bad request",
                    "origin": "fbapi",
                    "detail": "content-type header not specified",
                    "requestId": uuid.uuid4().hex,
                },
            )
        if standardized and not content_type.startswith("application/json"):
            raise _Reply(
                400,
                {
                    "title": "bad request",
                    "origin": "fbapi",
                    "detail": f"not a json content-type: {content_type}",
                    "requestId": uuid.uuid4().hex,
                },
            )
        try:
            parsed = json.loads(body or b"null")
        except ValueError:
            if standardized:
                raise _Reply(
                    400,
                    {
                        "title": "bad request",
                        "origin": "fbapi",
                        "detail": "Неверный синтаксис JSON",
                        "requestId": uuid.uuid4().hex,
                    },
                ) from None
            raise _feedback_error(400, "failed to decode JSON request.") from None
        if not isinstance(parsed, dict):
            raise _feedback_error(400, "failed to decode JSON request.")
        return parsed

    def _route(self, method: str, path: str, query: dict, body: bytes) -> _Reply:
        routes: dict[tuple[str, str], Callable[..., _Reply]] = {
            ("GET", "/api/v1/new-feedbacks-questions"): self._new_feedbacks_questions,
            ("GET", "/api/v1/questions/count-unanswered"): self._questions_count_unanswered,
            ("GET", "/api/v1/questions"): self._questions_list,
            ("PATCH", "/api/v1/questions"): self._questions_patch,
            ("GET", "/api/v1/question"): self._question_get,
            ("GET", "/api/v1/feedbacks"): self._feedbacks_list,
            ("GET", "/api/v1/feedback"): self._feedback_get,
            ("POST", "/api/v1/feedbacks/answer"): self._feedback_answer,
            ("PATCH", "/api/v1/feedbacks/answer"): self._feedback_answer_edit,
            ("GET", "/api/v1/seller/chats"): self._chats_list,
            ("GET", "/api/v1/seller/events"): self._events,
            ("POST", "/api/v1/seller/message"): self._message_send,
        }
        if method == "GET" and path.startswith("/api/v1/seller/download/"):
            return self._download(path.rsplit("/", 1)[1])
        handler = routes.get((method, path))
        if handler is None:
            return _Reply(404, {"title": "not found", "detail": path})
        with self.fake.lock:
            return handler(query=query, body=body)

    # --- questions -------------------------------------------------------------------------
    def _new_feedbacks_questions(self, **_) -> _Reply:
        fake = self.fake
        return _ok(
            {
                "hasNewQuestions": any(not q["wasViewed"] for q in fake.questions.values()),
                "hasNewFeedbacks": any(not f["wasViewed"] for f in fake.feedbacks.values()),
            }
        )

    def _questions_count_unanswered(self, **_) -> _Reply:
        unanswered = [
            q for q in self.fake.questions.values() if q["state"] == "suppliersPortalSynch"
        ]
        today = datetime.now(UTC).date().isoformat()
        return _ok(
            {
                "countUnanswered": len(unanswered),
                "countUnansweredToday": sum(q["createdDate"].startswith(today) for q in unanswered),
            }
        )

    @staticmethod
    def _filter_sorted(
        items: list[dict], query: dict, *, answered: bool | None, is_question: bool
    ) -> list[dict]:
        date_from = _int_param(query, "dateFrom", required=False)
        date_to = _int_param(query, "dateTo", required=False)
        nm_id = _int_param(query, "nmId", required=False)
        order = (query.get("order") or [""])[0]
        if order and order not in ("dateAsc", "dateDesc"):
            raise _feedback_error(400, "Плохой формат order")
        selected = []
        for item in items:
            if is_question:
                done = item["state"] != "suppliersPortalSynch"
            else:
                done = item["state"] == "wbRu"
            if answered is not None and done != answered:
                continue
            created = int(
                datetime.fromisoformat(item["createdDate"].replace("Z", "+00:00")).timestamp()
            )
            if date_from is not None and created < date_from:
                continue
            if date_to is not None and created > date_to:
                continue
            if nm_id is not None and item["productDetails"]["nmId"] != nm_id:
                continue
            selected.append(item)
        selected.sort(
            key=lambda item: (item["createdDate"], item["id"]), reverse=order != "dateAsc"
        )
        return selected

    def _questions_list(self, query: dict, **_) -> _Reply:
        answered = _bool_param(query, "isAnswered", required=True)
        take = _int_param(query, "take", required=True)
        skip = _int_param(query, "skip", required=True)
        if take > 10_000 or skip > 10_000 or take + skip > 10_000:
            raise _feedback_error(400, "Сумма take и skip не должна превышать 10000")
        selected = self._filter_sorted(
            list(self.fake.questions.values()), query, answered=answered, is_question=True
        )
        questions = list(self.fake.questions.values())
        return _ok(
            {
                "countUnanswered": sum(q["state"] == "suppliersPortalSynch" for q in questions),
                "countArchive": sum(q["state"] != "suppliersPortalSynch" for q in questions),
                "questions": [json.loads(json.dumps(q)) for q in selected[skip : skip + take]],
            }
        )

    def _question_get(self, query: dict, **_) -> _Reply:
        question = self.fake.questions.get((query.get("id") or [""])[0])
        if question is None:
            raise _feedback_error(422, "Невозможно получить вопрос по id")
        return _ok(json.loads(json.dumps(question)))

    def _questions_patch(self, body: bytes, **_) -> _Reply:
        data = self._json_body(body)
        question = self.fake.questions.get(str(data.get("id", "")))
        if not data.get("id"):
            raise _feedback_error(400, "Неправильный id в запросе")
        if question is None:
            raise _feedback_error(404, "Не найден вопрос")
        if "wasViewed" in data and "answer" not in data:
            if not isinstance(data["wasViewed"], bool):
                raise _feedback_error(400, "Плохой формат wasViewed")
            question["wasViewed"] = data["wasViewed"]
            return _ok(None)
        answer, state = data.get("answer"), data.get("state")
        if (
            not isinstance(answer, dict)
            or not isinstance(answer.get("text"), str)
            or not answer["text"].strip()
        ):
            raise _feedback_error(400, "Не указан текст ответа")
        if state not in ("wbRu", "none"):
            raise _feedback_error(400, "Плохой формат state")
        existing = question["answer"]
        if existing is not None:
            if state == "none" or question["state"] == "none":
                raise _feedback_error(400, "Вопрос уже обработан")
            if not existing["editable"]:
                raise _feedback_error(400, "Ответ уже нельзя отредактировать")
            question["answer"] = {**existing, "text": answer["text"], "editable": False}
            self.fake.writes.append(
                {"kind": "question_edit", "target": question["id"], "text": answer["text"]}
            )
            return _ok(None)
        question["answer"] = {
            "text": answer["text"],
            "editable": state == "wbRu",
            "createDate": _iso(datetime.now(UTC)),
        }
        question["state"] = state
        question["wasViewed"] = True
        kind = "question_answer" if state == "wbRu" else "question_decline"
        self.fake.writes.append({"kind": kind, "target": question["id"], "text": answer["text"]})
        return _ok(None)

    # --- feedbacks -------------------------------------------------------------------------
    def _feedbacks_list(self, query: dict, **_) -> _Reply:
        answered = _bool_param(query, "isAnswered", required=True)
        take = _int_param(query, "take", required=True, minimum=1)
        skip = _int_param(query, "skip", required=True)
        if take > 5000 or skip > 199_990:
            raise _feedback_error(400, "Плохой формат take или skip")
        selected = self._filter_sorted(
            list(self.fake.feedbacks.values()), query, answered=answered, is_question=False
        )
        feedbacks = list(self.fake.feedbacks.values())
        return _ok(
            {
                "countUnanswered": sum(f["state"] != "wbRu" for f in feedbacks),
                "countArchive": sum(f["state"] == "wbRu" for f in feedbacks),
                "feedbacks": [json.loads(json.dumps(f)) for f in selected[skip : skip + take]],
            }
        )

    def _feedback_get(self, query: dict, **_) -> _Reply:
        feedback = self.fake.feedbacks.get((query.get("id") or [""])[0])
        if feedback is None:
            raise _feedback_error(422, "Невозможно получить отзыв по id")
        return _ok(json.loads(json.dumps(feedback)))

    def _feedback_answer_body(self, body: bytes) -> tuple[str, str]:
        data = self._json_body(body, standardized=True)
        feedback_id, text = data.get("id"), data.get("text")
        if (
            not isinstance(feedback_id, str)
            or not isinstance(text, str)
            or not 2 <= len(text) <= 5000
        ):
            raise _Reply(
                400,
                {
                    "title": "bad request",
                    "origin": "fbapi",
                    "detail": "invalid request body",
                    "requestId": uuid.uuid4().hex,
                },
            )
        return feedback_id, text

    def _feedback_answer(self, body: bytes, **_) -> _Reply:
        feedback_id, text = self._feedback_answer_body(body)
        feedback = self.fake.feedbacks.get(feedback_id)
        # Documented: the id is not validated; an unknown id is a silent success.
        if feedback is not None:
            held = self.fake.moderate_answers
            feedback["answer"] = {
                "text": text,
                "state": "reviewRequired" if held else "wbRu",
                "editable": not held,
            }
            feedback["state"] = "none" if held else "wbRu"
            feedback["wasViewed"] = True
            self.fake.writes.append(
                {"kind": "feedback_answer", "target": feedback_id, "text": text}
            )
        return _Reply(204)

    def _feedback_answer_edit(self, body: bytes, **_) -> _Reply:
        feedback_id, text = self._feedback_answer_body(body)
        feedback = self.fake.feedbacks.get(feedback_id)
        if feedback is not None and feedback["answer"] and feedback["answer"]["editable"]:
            feedback["answer"] = {**feedback["answer"], "text": text, "editable": False}
            self.fake.writes.append({"kind": "feedback_edit", "target": feedback_id, "text": text})
        return _Reply(204)

    # --- chat ------------------------------------------------------------------------------
    def _chats_list(self, **_) -> _Reply:
        return _Reply(
            200,
            {
                "result": [json.loads(json.dumps(chat)) for chat in self.fake.chats.values()],
                "errors": None,
            },
        )

    def _events(self, query: dict, **_) -> _Reply:
        raw_next = (query.get("next") or [None])[0]
        after = None
        if raw_next is not None:
            try:
                after = int(raw_next)
            except ValueError:
                raise _chat_error(400, "Invalid number") from None
            if after <= 0:
                raise _chat_error(400, 'Invalid value for "next"')
        pending = [
            event for event in self.fake.events if after is None or event["addTimestamp"] > after
        ]
        page = pending[: self.fake.events_page_size]
        # Never split one millisecond across pages: `next` is exclusive.
        for event in pending[len(page) :]:
            if page and event["addTimestamp"] == page[-1]["addTimestamp"]:
                page.append(event)
            else:
                break
        result: dict = {"totalEvents": len(page), "events": json.loads(json.dumps(page))}
        if page:
            result["next"] = page[-1]["addTimestamp"]
            result["newestEventTime"] = page[-1]["addTime"]
            result["oldestEventTime"] = page[0]["addTime"]
        else:
            result["next"] = after or int(time.time() * 1000)
        return _Reply(200, {"result": result, "errors": None})

    def _message_send(self, body: bytes, **_) -> _Reply:
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            raise _chat_error(400, "Invalid content type", problem=True)
        fields, files = _parse_multipart(content_type, body)
        reply_sign = fields.get("replySign", "")
        if not reply_sign or len(reply_sign) > 255:
            raise _chat_error(400, "Invalid signature", problem=True)
        chat = next(
            (chat for chat in self.fake.chats.values() if chat["replySign"] == reply_sign), None
        )
        if chat is None:
            raise _chat_error(400, "Invalid signature", problem=True)
        text = fields.get("message", "")
        if len(text) > 1000 or (not text and not files):
            raise _chat_error(400, 'Invalid value for "message"', problem=True)
        total = 0
        for name, file_type, content in files:
            code = uuid.uuid4().hex[:11].upper()
            if file_type not in CHAT_FILE_TYPES:
                raise _chat_error(400, f'{code}: "{name}" has unsupported mime type', problem=True)
            if len(content) > 5 * MiB:
                raise _chat_error(400, f"{code}: attachment too big. Max size: 5MiB", problem=True)
            total += len(content)
        if total > 30 * MiB:
            raise _chat_error(400, "attachments too big in total. Max size: 30MiB", problem=True)
        accepted = max(datetime.now(UTC), self.fake._clock + timedelta(milliseconds=1))
        # The event appears a moment after the send was accepted; never at the same millisecond.
        now = accepted + timedelta(milliseconds=self.fake.rng.randint(*self.fake.send_event_lag_ms))
        refused = self.fault is not None and self.fault.kind == "upload_error"
        upload_errors = [
            f"{uuid.uuid4().hex[:11].upper()}: failed to upload file {name!r}"
            for name, _type, _content in (files if refused else [])
        ]
        if refused and not text:  # nothing left to deliver: no message, only the errors
            return _Reply(200, {"result": {}, "errors": upload_errors})
        stored = []
        for name, file_type, content in [] if refused else files:
            download_id = str(uuid.uuid4())
            self.fake.files[download_id] = (file_type, content)
            stored.append(
                {
                    "contentType": file_type,
                    "date": _iso(now),
                    "downloadID": download_id,
                    "name": name,
                    "url": f"/api/v1/seller/download/{download_id}",
                    "size": len(content),
                }
            )
        event = {
            "chatID": chat["chatID"],
            "eventID": str(uuid.uuid4()),
            "eventType": "message",
            "message": {"text": text, "attachments": {"files": stored} if stored else {}},
            "source": "seller-public-api",
            "addTimestamp": _ms(now),
            "addTime": _iso(now).split(".")[0].rstrip("Z") + "Z",
            "sender": "seller",
        }
        self.fake._append_event(event)
        self.fake.writes.append(
            {
                "kind": "chat_message",
                "target": chat["chatID"],
                "text": text,
                "files": [
                    (name, file_type, len(content))
                    for name, file_type, content in ([] if refused else files)
                ],
            }
        )
        return _Reply(
            200,
            {
                "result": {"addTime": _ms(accepted), "chatID": chat["chatID"]},
                "errors": upload_errors,
            },
        )

    def _download(self, download_id: str) -> _Reply:
        with self.fake.lock:
            found = self.fake.files.get(download_id)
        if found is None:
            raise _chat_error(400, "invalid fileID", title="invalid fileID")
        return _Reply(200, raw=found[1], content_type=found[0])


@contextmanager
def running_fake(**options) -> Iterator[WildberriesFake]:
    fake = WildberriesFake(**options)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
