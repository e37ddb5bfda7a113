"""Serve the local Wildberries fake with generated buyer traffic, for the demo.

    python manage.py wb_fake_server            # http://127.0.0.1:8765, token of the demo shop
    python manage.py wb_fake_server --live 20  # a new question or chat message every 20 s

The demo shop "Уютный дом" already points at this address (see marketplaces/demo.py).
The fake lives in tests/marketplaces/wb_fake.py; it is not part of the installed package,
so this command works from a source checkout only.
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run the local Wildberries API fake on 127.0.0.1 with generated questions, reviews and chats."

    def add_arguments(self, parser) -> None:
        from sellerdesk.marketplaces.demo import DEMO_TOKEN

        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--token", default=DEMO_TOKEN)
        parser.add_argument("--questions", type=int, default=12)
        parser.add_argument("--feedbacks", type=int, default=8)
        parser.add_argument("--chats", type=int, default=5)
        parser.add_argument(
            "--live", type=float, default=0, help="seconds between new buyer items (0: none)"
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options) -> None:
        try:
            from tests.marketplaces.wb_fake import WildberriesFake
        except ImportError as error:
            raise CommandError(
                "The fake ships with the source tree (tests/marketplaces/wb_fake.py)."
            ) from error
        fake = WildberriesFake(tokens=(options["token"],), seed=options["seed"])
        fake.populate(
            questions=options["questions"], feedbacks=options["feedbacks"], chats=options["chats"]
        )
        fake.realtime = True
        fake.start(port=options["port"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Wildberries fake on {fake.url} — {len(fake.questions)} questions, {len(fake.feedbacks)} reviews, "
                f"{len(fake.chats)} chats. Ctrl-C to stop."
            )
        )
        rng = random.Random(options["seed"] + 1)
        try:
            while True:
                time.sleep(options["live"] or 3600)
                if options["live"]:
                    if rng.random() < 0.5:
                        fake.populate(questions=1, feedbacks=0, chats=0)
                    else:
                        chat = rng.choice(list(fake.chats.values()))
                        fake.add_buyer_message(
                            chat,
                            rng.choice(
                                [
                                    "Подскажите, когда отправка?",
                                    "Спасибо!",
                                    "Можно оплатить при получении?",
                                ]
                            ),
                        )
                    self.stdout.write(
                        f"{len(fake.questions)} questions, {len(fake.events)} chat events; "
                        f"{len(fake.writes)} replies received"
                    )
        except KeyboardInterrupt:
            pass
        finally:
            fake.stop()
