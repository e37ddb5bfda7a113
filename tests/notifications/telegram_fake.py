"""A stateful fake of the Telegram Bot API on 127.0.0.1, for tests and the demo.

It answers the calls SellerDesk makes (getMe, getUpdates, sendMessage) with the Bot API's
envelope (``{"ok": true, "result": …}`` / ``{"ok": false, "error_code", "description"}``)
and reproduces what a real bot meets: flood control (429 with ``parameters.retry_after``),
a person who blocked the bot (403 "Forbidden: bot was blocked by the user"), a wrong token
(401), an unknown chat (400), and a slow answer (to kill a worker mid-send).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Sent:
    chat_id: int
    text: str
    message_id: int


@dataclass
class TelegramFake:
    token: str = "123456:TEST-token"
    username: str = "sellerdesk_test_bot"
    known_chats: set[int] = field(default_factory=set)
    blocked_chats: set[int] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    # Answer the next N sendMessage calls with 429 and this retry_after.
    flood_next: int = 0
    flood_retry_after: int = 3
    # Seconds every sendMessage waits before it answers (after recording the message).
    send_delay: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)
    _server: ThreadingHTTPServer | None = None
    _update_id: int = 100
    _message_id: int = 1

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self, port: int = 0) -> TelegramFake:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="tg-fake", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TelegramFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server, "fake not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- what a person does in Telegram -------------------------------------------------------
    def user_writes(self, chat_id: int, text: str) -> None:
        with self.lock:
            self.known_chats.add(chat_id)
            self._update_id += 1
            self.updates.append(
                {
                    "update_id": self._update_id,
                    "message": {
                        "message_id": self._next_message_id(),
                        "chat": {"id": chat_id, "type": "private"},
                        "date": int(time.time()),
                        "text": text,
                    },
                }
            )

    def block(self, chat_id: int) -> None:
        with self.lock:
            self.blocked_chats.add(chat_id)

    def messages_to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [item.text for item in self.sent if item.chat_id == chat_id]

    def _next_message_id(self) -> int:
        self._message_id += 1
        return self._message_id

    # --- the API -------------------------------------------------------------------------------
    def handle(self, token: str, method: str, payload: dict) -> tuple[int, dict]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getMe":
            return 200, {
                "ok": True,
                "result": {"id": 123456, "is_bot": True, "username": self.username},
            }
        if method == "getUpdates":
            offset = int(payload.get("offset") or 0)
            with self.lock:
                # As the real API: asking with an offset confirms every earlier update.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                return 200, {"ok": True, "result": list(self.updates)}
        if method == "sendMessage":
            return self._send_message(payload)
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _send_message(self, payload: dict) -> tuple[int, dict]:
        chat_id = payload.get("chat_id")
        text = payload.get("text")
        if not isinstance(chat_id, int) or not isinstance(text, str) or not text:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: text is empty",
            }
        with self.lock:
            if self.flood_next > 0:
                self.flood_next -= 1
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.flood_retry_after}",
                    "parameters": {"retry_after": self.flood_retry_after},
                }
            if chat_id in self.blocked_chats:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            if chat_id not in self.known_chats:
                return 400, {
                    "ok": False,
                    "error_code": 400,
                    "description": "Bad Request: chat not found",
                }
            message = Sent(chat_id=chat_id, text=text, message_id=self._next_message_id())
            self.sent.append(message)
        if self.send_delay:
            time.sleep(self.send_delay)  # the message is out; the answer is late
        return 200, {
            "ok": True,
            "result": {"message_id": message.message_id, "chat": {"id": chat_id}, "text": text},
        }


class _Handler(BaseHTTPRequestHandler):
    fake: TelegramFake
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = None
        parts = self.path.strip("/").split("/")
        if parts == ["_fake", "write"] and isinstance(payload, dict):
            # The demo's stand-in for a person typing in Telegram.
            self.fake.user_writes(int(payload.get("chat_id", 0)), str(payload.get("text", "")))
            status, body = 200, {"ok": True}
        elif len(parts) != 2 or not parts[0].startswith("bot") or not isinstance(payload, dict):
            status, body = 400, {"ok": False, "error_code": 400, "description": "Bad Request"}
        else:
            status, body = self.fake.handle(parts[0][3:], parts[1], payload)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST
