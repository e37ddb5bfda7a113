"""Run the whole demo in one terminal: web server, a real Celery worker and Celery beat.

Uses whatever DATABASE_URL / CELERY_BROKER_URL say; by default SQLite and kombu's
filesystem transport under ./var, so nothing but Python is needed.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from sellerdesk.core.demo import DEMO_PASSWORD, demo_login_lines

# A process that exits this many times within the window is broken, not unlucky.
MAX_RESTARTS_IN_WINDOW = 5
RESTART_WINDOW_SECONDS = 60.0


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Migrate, seed demo data, then run web + Celery worker + beat (+ a Wildberries fake) until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address for the web server.")

    def handle(self, *args, addr: str, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", quiet_logins=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "sellerdesk.settings.local"
            ),
            # Telegram notifications go to the local Bot API fake below.
            "TELEGRAM_API_BASE": os.environ.get("TELEGRAM_API_BASE", "http://127.0.0.1:8766"),
        }
        python = sys.executable
        commands = {
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "sellerdesk.celery",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "sellerdesk.celery",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
            "web": [python, "manage.py", "runserver", "--noreload", addr],
            # A local fake of the Wildberries API: the demo shop syncs real questions,
            # reviews and chats from it, and a new buyer item appears every 30 s.
            "wb-fake": [python, "manage.py", "wb_fake_server", "--live", "30"],
            # A local fake of the Telegram Bot API: it prints what the bot sends.
            "tg-fake": [python, "manage.py", "telegram_fake_server"],
        }
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
        # Treat SIGTERM like Ctrl-C so the worker, beat and web server stop with us.
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        self.stdout.write(self.style.SUCCESS(f"\nSellerDesk demo: http://{addr}/"))
        self.stdout.write(
            f"Broker: {settings.CELERY_BROKER_URL}  Database: {settings.DATABASES['default']['ENGINE']}"
        )
        self.stdout.write(f"Logins (password {DEMO_PASSWORD}):")
        for line in demo_login_lines():
            self.stdout.write(line)
        self.stdout.write("Press Ctrl-C to stop.\n")
        # A supervisor, like compose's restart policy: a process that exits (a worker that lost
        # its broker, a crash) is started again, unless it keeps dying right after starting.
        restarts: dict[str, list[float]] = {name: [] for name in commands}
        try:
            while True:
                time.sleep(0.5)
                for name, process in processes.items():
                    if process.poll() is None:
                        continue
                    now = time.monotonic()
                    recent = [t for t in restarts[name] if now - t < RESTART_WINDOW_SECONDS]
                    if len(recent) >= MAX_RESTARTS_IN_WINDOW:
                        raise CommandError(
                            f"{name} keeps exiting ({process.returncode}); stopping."
                        )
                    self.stderr.write(f"{name} exited ({process.returncode}); starting it again.")
                    restarts[name] = [*recent, now]
                    processes[name] = subprocess.Popen(commands[name], env=env)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
