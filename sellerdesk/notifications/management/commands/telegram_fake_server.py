"""Serve the local Telegram Bot API fake for the demo, printing what the bot sends.

    python manage.py telegram_fake_server              # http://127.0.0.1:8766
    python manage.py telegram_fake_server --say 1001 "/start ABCD2345"   # a person writes

The demo points TELEGRAM_API_BASE at it (``rundemo``). To link Telegram in the demo, press
"Link Telegram" on "My notifications" and send the code with ``--say``.
The fake lives in tests/notifications/telegram_fake.py: from a source checkout only.
"""

from __future__ import annotations

import json
import time
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from sellerdesk.notifications.demo import DEMO_BOT_TOKEN

DEFAULT_PORT = 8766


class Command(BaseCommand):
    help = "Run the local Telegram Bot API fake on 127.0.0.1 (or send it a person's message)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=DEFAULT_PORT)
        parser.add_argument("--say", nargs=2, metavar=("CHAT_ID", "TEXT"))

    def handle(self, *args, **options) -> None:
        if options["say"]:
            chat_id, text = options["say"]
            if not chat_id.lstrip("-").isdigit():
                raise CommandError("CHAT_ID is a number, e.g. 1001")
            request = urllib.request.Request(
                f"http://127.0.0.1:{options['port']}/_fake/write",
                data=json.dumps({"chat_id": int(chat_id), "text": text}).encode(),
                headers={"Content-Type": "application/json"},
            )
            try:
                urllib.request.urlopen(request, timeout=5).read()
            except OSError as error:
                raise CommandError(f"the fake is not running on port {options['port']}") from error
            self.stdout.write("sent; the worker links the chat within 30 s")
            return
        try:
            from tests.notifications.telegram_fake import TelegramFake
        except ImportError as error:
            raise CommandError(
                "The fake ships with the source tree (tests/notifications/)."
            ) from error
        fake = TelegramFake(token=DEMO_BOT_TOKEN, username="sellerdesk_demo_bot")
        fake.start(port=options["port"])
        self.stdout.write(self.style.SUCCESS(f"Telegram fake on {fake.url}. Ctrl-C to stop."))
        shown = 0
        try:
            while True:
                time.sleep(1)
                with fake.lock:
                    new = fake.sent[shown:]
                    shown = len(fake.sent)
                for message in new:
                    first_line = message.text.splitlines()[0] if message.text else ""
                    self.stdout.write(f"[telegram → {message.chat_id}] {first_line}")
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
