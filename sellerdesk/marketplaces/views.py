from django.http import HttpResponse
from django.views.decorators.http import require_POST

from sellerdesk.core.access import shop_view
from sellerdesk.core.models import Role


@shop_view(role=Role.MANAGER)
def account(request):
    return HttpResponse("")


@shop_view(role=Role.MANAGER)
@require_POST
def account_test_connection(request):
    return HttpResponse("")


@shop_view(role=Role.MANAGER)
@require_POST
def account_sync_now(request):
    return HttpResponse("")


@shop_view(role=Role.SELLER)
@require_POST
def outbound_item_retry(request, outbounditem_id: int):
    return HttpResponse("")
