from django.http import HttpRequest

from sellerdesk.core.models import Membership
from sellerdesk.core.navigation import MAIN, SETTINGS, nav_sections_for


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
        }

    def memberships():
        return list(
            Membership.objects.filter(user=request.user)
            .select_related("shop")
            .order_by("shop__name")
        )

    sections = nav_sections_for(membership.role_enum)
    return {
        "current_shop": membership.shop,
        "current_role": membership.role_enum,
        "nav_items": sections[MAIN],
        "nav_settings": sections[SETTINGS],
        "user_memberships": memberships,
    }
