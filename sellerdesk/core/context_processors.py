from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest

from sellerdesk.core.live import live_token, shop_cursor
from sellerdesk.core.models import Membership
from sellerdesk.core.navigation import MAIN, SETTINGS, live_url_for, nav_sections_for


def shop_shell(request: HttpRequest) -> dict:
    """What the page shell needs: current shop, the user's other shops, the menu."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {
            "current_shop": None,
            "current_role": None,
            "nav_items": [],
            "nav_settings": [],
            "user_memberships": [],
            "live": None,
        }

    def memberships():
        return list(
            Membership.objects.filter(user=request.user)
            .select_related("shop")
            .order_by("shop__name")
        )

    @cache  # the shell reads it several times per page
    def live() -> dict | None:
        url = live_url_for(membership.role_enum)
        if not url:
            return None
        token = live_token(
            user_id=request.user.pk,
            shop_id=membership.shop_id,
            session_key=request.session.session_key,
        )
        return {
            "url": f"{url}?{urlencode({'t': token})}",
            "since": shop_cursor(shop_id=membership.shop_id, fresh=True),
            "interval_ms": int(settings.LIVE_POLL_SECONDS * 1000),
        }

    sections = nav_sections_for(membership.role_enum)
    return {
        "current_shop": membership.shop,
        "current_role": membership.role_enum,
        "nav_items": sections[MAIN],
        "nav_settings": sections[SETTINGS],
        "user_memberships": memberships,
        "live": live,
    }
