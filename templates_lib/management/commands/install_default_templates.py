from django.core.management.base import BaseCommand, CommandError

from sellerdesk.core.models import Shop
from templates_lib.services import templates_install_defaults


class Command(BaseCommand):
    help = "Install SellerDesk's shipped reply templates (RU, ZH, EN) into a shop; safe to repeat."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--shop", type=int, required=True, help="Shop id")
        parser.add_argument(
            "--languages",
            default="ru,zh,en",
            help="Comma-separated template languages (default: all)",
        )

    def handle(self, *args, shop: int, languages: str, **options) -> None:
        try:
            target = Shop.objects.get(pk=shop)
        except Shop.DoesNotExist as exc:
            raise CommandError(f"No shop with id {shop}") from exc
        wanted = tuple(code.strip() for code in languages.split(",") if code.strip())
        unknown = set(wanted) - {"ru", "zh", "en"}
        if unknown:
            raise CommandError(f"Unknown languages: {', '.join(sorted(unknown))}")
        created = templates_install_defaults(shop=target, languages=wanted)
        self.stdout.write(f"Installed {len(created)} templates into {target}.")
