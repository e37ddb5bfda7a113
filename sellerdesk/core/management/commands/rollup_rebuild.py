"""Rebuild dashboard roll-ups for given days (after a data fix, or to build history).

python manage.py rollup_rebuild --day 2026-11-30
python manage.py rollup_rebuild --from 2026-01-01 --to 2026-11-30 --kind sla --shop 3
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from sellerdesk.core.models import Shop
from sellerdesk.core.rollups import builders, rollup_build


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Rebuild the daily roll-ups behind the SLA and quality dashboards."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--day", help="one shop-local day, YYYY-MM-DD")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument("--kind", action="append", help="sla, quality (default: all)")
        parser.add_argument("--shop", type=int, action="append", help="shop id (default: all)")

    def handle(self, *args, **options) -> None:
        if options["day"]:
            start = end = _date(options["day"])
        elif options["start"] and options["end"]:
            start, end = _date(options["start"]), _date(options["end"])
        else:
            raise CommandError("give --day, or --from and --to")
        if start > end:
            raise CommandError("--from is after --to")
        known = builders()
        kinds = options["kind"] or sorted(known)
        unknown = set(kinds) - set(known)
        if unknown:
            raise CommandError(
                f"unknown kind(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        shops = Shop.objects.all()
        if options["shop"]:
            shops = shops.filter(pk__in=options["shop"])
        days = 0
        for shop in shops:
            day = start
            while day <= end:
                for kind in kinds:
                    rollup_build(kind=kind, shop=shop, day=day)
                days += 1
                day += timedelta(days=1)
        self.stdout.write(f"rebuilt {days} shop-days of {', '.join(kinds)}")
