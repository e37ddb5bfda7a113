from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.models import ReplyLanguage, Role
from templates_lib import rendering, selectors, services
from templates_lib.forms import (
    VARIABLE_LABELS,
    CustomVariableForm,
    ImportForm,
    PickerInsertForm,
    TemplateForm,
)
from templates_lib.models import Category, Channel, CustomVariable, ReplyTemplate


def _can_share(request: ShopRequest) -> bool:
    return request.role.includes(Role.MANAGER)


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
        "template_languages": ReplyLanguage.choices,
        "can_share": _can_share(request),
    }
    page = "templates_lib/list.html#results" if request.htmx else "templates_lib/list.html"
    return render(request, page, context)


def _initial_from(template: ReplyTemplate, *, copy: bool) -> dict:
    return {
        "name": f"{template.name} ({_('copy')})" if copy else template.name,
        "body": template.body,
        "channels": template.channels,
        "language": template.language,
        "category": template.category,
        "tags": ", ".join(template.tags or []),
        "personal": "1" if copy or template.is_personal else "0",
    }


@shop_view(role=Role.SELLER)
@require_http_methods(["GET", "POST"])
def template_edit(request: ShopRequest, reply_template_id: int | None = None) -> HttpResponse:
    """Create or edit a template, with a live preview checked by the shop's policy."""
    visible = ReplyTemplate.objects.filter(selectors.template_visible_q(request.user))
    template = None
    if reply_template_id is not None:
        template = get_for_shop(visible, request.shop, pk=reply_template_id)
        services.template_check_edit_access(template=template, user=request.user, role=request.role)
    initial: dict = {"language": request.shop.default_language, "channels": [Channel.CHAT]}
    if template is not None:
        initial = _initial_from(template, copy=False)
    elif request.GET.get("from", "").isdigit():
        source = get_for_shop(visible, request.shop, pk=int(request.GET["from"]))
        initial = _initial_from(source, copy=True)
    form = TemplateForm(request.POST or None, initial=initial, can_share=_can_share(request))
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "preview":
            preview = services.template_preview(
                shop=request.shop,
                user=request.user,
                body=data["body"],
                channels=data["channels"],
                language=data["language"],
            )
        else:
            try:
                saved = services.template_save(
                    shop=request.shop,
                    user=request.user,
                    role=request.role,
                    template=template,
                    personal=data["personal"],
                    name=data["name"],
                    body=data["body"],
                    channels=data["channels"],
                    language=data["language"],
                    category=data["category"],
                    tags=data["tags"],
                )
            except services.TemplateRejected as error:
                preview = error.preview
                form.add_error(None, error.messages[0])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Template “%(name)s” saved.") % {"name": saved.name})
                return redirect("templates_lib:edit", reply_template_id=saved.pk)
    elif request.method == "POST" and request.POST.get("action") == "preview":
        preview = _preview_without_form(request, form)
    context = {
        "form": form,
        "template": template,
        "preview": preview,
        "standard_variables": _standard_variables(),
        "custom_variables": selectors.custom_variables(shop=request.shop),
        "channel_labels": Channel.choices,
    }
    if request.htmx and request.POST.get("action") == "preview":
        return render(request, "templates_lib/edit.html#preview", context)
    return render(request, "templates_lib/edit.html", context)


def _preview_without_form(request: ShopRequest, form: TemplateForm) -> services.Preview | None:
    """Preview while the author is still typing (the name may be empty): only the body matters."""
    body = request.POST.get("body", "")
    if not body.strip():
        return None
    channels = [value for value in request.POST.getlist("channels") if value in Channel.values]
    language = request.POST.get("language", "")
    if language not in ReplyLanguage.values:
        language = request.shop.default_language
    return services.template_preview(
        shop=request.shop, user=request.user, body=body, channels=channels, language=language
    )


def _add_errors(form: TemplateForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _standard_variables() -> list[tuple[str, str]]:
    return [(name, str(VARIABLE_LABELS.get(name, ""))) for name in rendering.STANDARD_VARIABLES]


@shop_view(role=Role.SELLER)
@require_POST
def template_delete(request: ShopRequest, reply_template_id: int) -> HttpResponse:
    visible = ReplyTemplate.objects.filter(selectors.template_visible_q(request.user))
    template = get_for_shop(visible, request.shop, pk=reply_template_id)
    services.template_delete(template=template, user=request.user, role=request.role)
    messages.success(request, _("Template “%(name)s” deleted.") % {"name": template.name})
    return redirect("templates_lib:list")


@shop_view(role=Role.SELLER)
@require_GET
def template_export(request: ShopRequest) -> HttpResponse:
    templates = list(
        selectors.template_list(
            shop=request.shop, user=request.user, scope=request.GET.get("scope", "")
        )
    )
    data = services.templates_export(templates=templates)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="sellerdesk-templates-{stamp}.json"'
    return response


@shop_view(role=Role.SELLER)
@require_http_methods(["GET", "POST"])
def template_import(request: ShopRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, can_share=_can_share(request))
    import_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.templates_import(
                shop=request.shop,
                user=request.user,
                role=request.role,
                raw=form.cleaned_data["file"].read(),
                personal=form.cleaned_data["personal"],
            )
        except services.ImportRejected as error:
            import_errors = error.import_messages
            messages.error(request, _("Nothing was imported: the file has problems (see below)."))
        else:
            messages.success(request, _("Imported %(count)s templates.") % {"count": len(saved)})
            return redirect("templates_lib:list")
    return render(
        request, "templates_lib/import.html", {"form": form, "import_errors": import_errors}
    )


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def variable_list(request: ShopRequest) -> HttpResponse:
    form = CustomVariableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_variable_save(shop=request.shop, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)  # type: ignore[arg-type]  # same add_error API
        else:
            messages.success(request, _("Variable saved."))
            return redirect("templates_lib:variables")
    return render(
        request,
        "templates_lib/variables.html",
        {
            "form": form,
            "variables": selectors.custom_variables(shop=request.shop),
            "standard_variables": _standard_variables(),
        },
    )


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def variable_edit(request: ShopRequest, custom_variable_id: int) -> HttpResponse:
    variable = get_for_shop(CustomVariable, request.shop, pk=custom_variable_id)
    form = CustomVariableForm(request.POST or None, instance=variable)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            services.custom_variable_delete(variable=variable)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("templates_lib:variable_edit", custom_variable_id=variable.pk)
        messages.success(request, _("Variable deleted."))
        return redirect("templates_lib:variables")
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_variable_save(shop=request.shop, variable=variable, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)  # type: ignore[arg-type]
        else:
            messages.success(request, _("Variable saved."))
            return redirect("templates_lib:variables")
    return render(request, "templates_lib/variable_edit.html", {"form": form, "variable": variable})


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
    form = PickerInsertForm(request.POST)
    if not form.is_valid():
        message = next(iter(form.errors.values()))[0]
        return JsonResponse({"error": message}, status=400)
    values = form.cleaned_data["variables"]
    template = selectors.template_get_visible(
        shop=request.shop, user=request.user, template_id=form.cleaned_data["template"]
    )
    if template is None:
        return JsonResponse({"error": _("This template is no longer available.")}, status=404)
    try:
        insertion = services.template_insert(template=template, user=request.user, values=values)
    except rendering.TemplateBodyError as error:
        detail = "; ".join(problem.text(_) for problem in error.problems)
        return JsonResponse(
            {"error": _("The template cannot be used: %(error)s") % {"error": detail}}, status=422
        )
    except rendering.RenderError as error:
        return JsonResponse(
            {
                "error": _("The template cannot be used: %(error)s")
                % {"error": error.problem.text(_)}
            },
            status=422,
        )
    return JsonResponse({"text": insertion.text, "unresolved": insertion.unresolved})
