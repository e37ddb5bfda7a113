from django.core.management.base import BaseCommand

from sellerdesk.core.demo import DEMO_PASSWORD, demo_login_lines, demo_reset, demo_seed


class Command(BaseCommand):
    help = "Create the demo shops, people and buyer traffic (idempotent; --reset rebuilds them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo shops and users first."
        )
        parser.add_argument(
            "--quiet-logins", action="store_true", help="Do not print the demo logins."
        )

    def handle(self, *args, reset: bool, quiet_logins: bool, **options):
        if reset:
            demo_reset()
            self.stdout.write("Demo shops and users deleted.")
        created = demo_seed()
        if created:
            self.stdout.write(
                self.style.SUCCESS("Created: " + ", ".join(shop.name for shop in created))
            )
        else:
            self.stdout.write("Demo shops already exist (use --reset to rebuild).")
        if not quiet_logins:
            self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for line in demo_login_lines():
                self.stdout.write(line)
