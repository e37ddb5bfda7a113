from __future__ import annotations

import json

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sellerdesk.core.access import ShopRequest, shop_view
from sellerdesk.core.models import ReplyLanguage, Role
from templates_lib import rendering, selectors, services
from templates_lib.models import Category, Channel


@shop_view(role=Role.SELLER)
@require_GET
def template_list(request: ShopRequest) -> HttpResponse:
    filters = {
        "channel": request.GET.get("channel", ""),
        "category": request.GET.get("category", ""),
        "language": request.GET.get("language", ""),
        "query": request.GET.get("q", "").strip(),
        "scope": request.GET.get("scope", ""),
    }
    templates = selectors.template_list(shop=request.shop, user=request.user, **filters)
    context = {
        "templates": templates,
        "filters": filters,
        "channels": Channel.choices,
        "categories": Category.choices,
        "languages": ReplyLanguage.choices,
    }
    page = "templates_lib/list.html#results" if request.htmx else "templates_lib/list.html"
    return render(request, page, context)


@shop_view(role=Role.SELLER)
@require_GET
def picker_search(request: ShopRequest) -> HttpResponse:
    hits = selectors.picker_search(
        shop=request.shop,
        user=request.user,
        query=request.GET.get("q", ""),
        channel=request.GET.get("channel", ""),
    )
    return render(request, "templates_lib/picker.html#results", {"hits": hits})


@shop_view(role=Role.SELLER)
@require_POST
def picker_insert(request: ShopRequest) -> HttpResponse:
    try:
        template_id = int(request.POST.get("template", ""))
        values = json.loads(request.POST.get("variables") or "{}")
    except (TypeError, ValueError):
        return HttpResponseBadRequest(_("Choose a template."))
    if not isinstance(values, dict):
        values = {}
    template = selectors.template_get_visible(
        shop=request.shop, user=request.user, template_id=template_id
    )
    if template is None:
        return JsonResponse({"error": _("This template is no longer available.")}, status=404)
    try:
        insertion = services.template_insert(template=template, user=request.user, values=values)
    except (rendering.TemplateBodyError, rendering.RenderError) as error:
        return JsonResponse(
            {"error": _("The template cannot be used: %(error)s") % {"error": error}}, status=422
        )
    return JsonResponse({"text": insertion.text, "unresolved": insertion.unresolved})
