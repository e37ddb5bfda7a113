from django.http import HttpRequest

from sellerdesk.core.models import Membership
from sellerdesk.core.navigation import nav_items_for


def shop_shell(request: HttpRequest) -> dict:
    """What the page shell needs: current shop, the user's other shops, the menu."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"current_shop": None, "current_role": None, "nav_items": [], "user_memberships": []}

    def memberships():
        return list(
            Membership.objects.filter(user=request.user).select_related("shop").order_by("shop__name")
        )

    return {
        "current_shop": membership.shop,
        "current_role": membership.role_enum,
        "nav_items": nav_items_for(membership.role_enum),
        "user_memberships": memberships,
    }
