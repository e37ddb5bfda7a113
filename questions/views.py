"""Thin views: parse the request, call a selector or a service, render one page (or its partial)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from questions import selectors, services
from questions.forms import (
    DeclineRuleForm,
    QuestionFilterForm,
    QuestionSettingsForm,
    RulesImportForm,
)
from questions.models import AutoDecision, DeclineKind, DeclineRule, Question, QuestionStatus
from questions.ruleset import DECLINE_RULES, rule_to_data
from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.models import Role
from sellerdesk.core.phrase_rule_editor import (
    DryRunTexts,
    PhraseRuleEditor,
    edited_rules,
    phrase_rule_edit,
)
from sellerdesk.core.phrase_rules import DryRunResult
from sellerdesk.replycheck.forms import ReplyForm
from sellerdesk.replycheck.reply_box import ReplyTarget
from sellerdesk.sla.selectors import due_at_map
from templates_lib.selectors import decline_reasons

TABS = (QuestionStatus.NEW, QuestionStatus.ANSWERED, QuestionStatus.DECLINED)


# --- Questions -------------------------------------------------------------------------------


@shop_view(role=Role.SELLER)
@require_GET
def question_list(request: ShopRequest) -> HttpResponse:
    form = QuestionFilterForm(request.GET)
    form.is_valid()
    data = (
        form.cleaned_data
    )  # the valid filters: a bad one (a typed-in product id) drops only itself
    filters = selectors.QuestionFilters(
        status=data.get("tab") or QuestionStatus.NEW,
        search=data.get("q") or "",
        product_id=data.get("product"),
        decline_kind=data.get("kind") or "",
        repeats_only=bool(data.get("repeats")),
        due_soon=data.get("sort") == "due",
    )
    page = selectors.question_page(
        shop=request.shop, filters=filters, cursor=data.get("cursor") or ""
    )
    sla_map = page.sla_map
    if sla_map is None and filters.status == QuestionStatus.NEW:  # one query for the page's badges
        sla_map = due_at_map(
            "question", [question.pk for question in page.items], shop=request.shop
        )
    counts = selectors.question_tab_counts(shop=request.shop, filters=filters)
    base_query = {
        key: value
        for key, value in {
            "q": filters.search,
            "product": filters.product_id or "",
            "repeats": "1" if filters.repeats_only else "",
        }.items()
        if value
    }
    tabs = [
        {
            "status": status.value,
            "label": status.label,
            "count": counts[status.value],
            "url": "?" + urlencode({**base_query, "tab": status.value}),
            "current": status == filters.status,
        }
        for status in TABS
    ]
    tab_query = {**base_query, "tab": filters.status}
    if filters.decline_kind:
        tab_query["kind"] = filters.decline_kind
    due_soon = filters.due_soon and filters.status == QuestionStatus.NEW
    due_sort_url = ""
    if filters.status == QuestionStatus.NEW:
        due_sort_url = "?" + urlencode(tab_query if due_soon else {**tab_query, "sort": "due"})
        if due_soon:
            tab_query["sort"] = "due"
    next_url = (
        "?" + urlencode({**tab_query, "cursor": page.next_cursor}) if page.next_cursor else ""
    )
    context = {
        "filters": filters,
        "tabs": tabs,
        "counts": counts,
        "page": page,
        "sla_map": sla_map,
        "due_soon": due_soon,
        "due_sort_url": due_sort_url,
        "next_url": next_url,
        "first_url": "?" + urlencode(tab_query) if data.get("cursor") else "",
        # The product menu is outside the results partial: htmx requests need no product query.
        "products": [] if request.htmx else selectors.product_choices(shop=request.shop),
        "kind_urls": [
            (
                kind,
                label,
                "?"
                + urlencode({**base_query, "tab": "declined", **({"kind": kind} if kind else {})}),
            )
            for kind, label in (
                ("", _("All")),
                (DeclineKind.AUTO, DeclineKind.AUTO.label),
                (DeclineKind.MANUAL, DeclineKind.MANUAL.label),
            )
        ],
    }
    template = "questions/list.html#results" if request.htmx else "questions/list.html"
    return render(request, template, context)


@shop_view(role=Role.SELLER)
@require_GET
def new_badge(request: ShopRequest) -> HttpResponse:
    count = selectors.question_new_count(shop=request.shop)
    return HttpResponse(str(count) if count else "")


ANSWER_FORM_ID = "answer-%s"  # two boxes on one page: #answer-text and #decline-text
DECLINE_FORM_ID = "decline-%s"


def _detail_context(request: ShopRequest, question: Question, **extra) -> dict:
    settings = selectors.question_settings_get(shop=request.shop)
    suggestion = None
    if question.status == QuestionStatus.NEW:
        suggestion = selectors.already_asked(question=question, threshold=settings.repeat_threshold)
    decisions = list(question.auto_decisions.order_by("-decided_at"))
    target = ReplyTarget(
        shop=request.shop,
        channel="question_answer",
        buyer_name=question.buyer_name,
        product=question.product,
        item=question,
    )
    from autopilot.selectors import suggested_answers  # earlier answers to similar questions

    return {
        "question": question,
        "suggestion": suggestion,
        "suggested_answers": suggested_answers(question=question)
        if question.status == QuestionStatus.NEW
        else [],
        "decisions": decisions,
        "active_decision": next((d for d in decisions if d.is_active), None),
        "decline_reasons": decline_reasons(
            shop=request.shop, language=request.shop.default_language
        ),
        "answer_target": target,
        "decline_target": target.for_channel("question_decline"),
        "answer_form": extra.pop("answer_form", None) or ReplyForm(auto_id=ANSWER_FORM_ID),
        "decline_form": extra.pop("decline_form", None) or ReplyForm(auto_id=DECLINE_FORM_ID),
        "can_manage": request.role.includes(Role.MANAGER),
        **extra,
    }


@shop_view(role=Role.SELLER)
@require_GET
def question_detail(request: ShopRequest, question_id: int) -> HttpResponse:
    question = get_for_shop(selectors.question_detail_queryset(), request.shop, pk=question_id)
    return render(request, "questions/detail.html", _detail_context(request, question))


def _reply(request: ShopRequest, question_id: int, *, decline: bool) -> HttpResponse:
    question = get_for_shop(selectors.question_detail_queryset(), request.shop, pk=question_id)
    form = ReplyForm(request.POST, auto_id=DECLINE_FORM_ID if decline else ANSWER_FORM_ID)
    if form.is_valid():
        service = services.question_decline if decline else services.question_answer
        try:
            service(
                question=question,
                text=form.cleaned_data["text"],
                user=request.user,
                warnings_confirmed=form.cleaned_data["warnings_confirmed"],
            )
        except ValidationError as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Question declined.") if decline else _("Answer sent."))
            return redirect(
                reverse("questions:list") + "?" + urlencode({"tab": QuestionStatus.NEW})
            )
    context = _detail_context(
        request, question, **{"decline_form" if decline else "answer_form": form}
    )
    return render(request, "questions/detail.html", context, status=400)


@shop_view(role=Role.SELLER)
@require_POST
def question_answer(request: ShopRequest, question_id: int) -> HttpResponse:
    return _reply(request, question_id, decline=False)


@shop_view(role=Role.SELLER)
@require_POST
def question_decline(request: ShopRequest, question_id: int) -> HttpResponse:
    return _reply(request, question_id, decline=True)


# --- Automatic decisions ---------------------------------------------------------------------


@shop_view(role=Role.MANAGER)
@require_GET
def decision_list(request: ShopRequest) -> HttpResponse:
    return render(
        request,
        "questions/decisions.html",
        {"decisions": selectors.autodecision_list(shop=request.shop)},
    )


@shop_view(role=Role.MANAGER)
@require_POST
def decision_undo(request: ShopRequest, autodecision_id: int) -> HttpResponse:
    decision = get_for_shop(AutoDecision, request.shop, pk=autodecision_id)
    try:
        services.autodecision_undo(decision=decision, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The automatic decline was undone; the question is New again."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("questions:decisions")
    return redirect(target)


# --- Rules -----------------------------------------------------------------------------------


@shop_view(role=Role.MANAGER)
@require_GET
def rule_list(request: ShopRequest) -> HttpResponse:
    return render(request, "questions/rules.html", _rules_context(request))


def _rules_context(request: ShopRequest, **extra) -> dict:
    settings = selectors.question_settings_get(shop=request.shop)
    return {
        "rules": selectors.decline_rules(shop=request.shop),
        "settings": settings,
        "settings_form": extra.pop("settings_form", None)
        or QuestionSettingsForm(instance=settings),
        "import_form": extra.pop("import_form", None) or RulesImportForm(),
        **extra,
    }


def _rule_initial(rule: DeclineRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "phrases": rule.phrases,
        "exclusions": rule.exclusions,
        "fuzzy": rule.fuzzy,
        "kind": rule.kind,
        "enabled": rule.enabled,
        "text": rule.reply_text,
    }


def _dry_run(
    request: ShopRequest, rule: DeclineRule | None, form: DeclineRuleForm
) -> tuple[DryRunResult | None, str]:
    """Run the edited rule set (saved rules with this one replaced or added) over recent questions."""
    from sellerdesk.policy.rules import RulesFileError

    form.is_valid()  # fills cleaned_data; the dry run ignores the reply (not needed to match)
    data = form.cleaned_data
    edited = DeclineRule(
        pk=rule.pk if rule else None,
        name=(data.get("name") or (rule.name if rule else "") or _("New rule")).strip(),
        phrases=data.get("phrases") or "",
        exclusions=data.get("exclusions") or "",
        fuzzy=bool(data.get("fuzzy")),
        kind=data.get("kind") or "keywords",
        enabled=bool(data.get("enabled")),
        reply_text=data.get("text") or "",
    )
    rules = edited_rules(selectors.decline_rules(shop=request.shop), rule, edited)
    payload = {"rules": [rule_to_data(item) for item in rules]}
    for item in payload["rules"]:
        item.pop("reply", None)
    try:
        return selectors.rules_dry_run(shop=request.shop, edited_data=payload), ""
    except RulesFileError as error:
        return None, error.message(get_language())


def _editor_context(request: ShopRequest) -> dict[str, Any]:
    settings = selectors.question_settings_get(shop=request.shop)
    return {
        "reply_channel": "question_decline",
        "ready_replies": decline_reasons(shop=request.shop, language=request.shop.default_language),
        "stylesheet": "questions/questions.css",
        "dry_run_intro": _(
            "Tries the rules as edited here on the latest %(size)s questions, without saving, and compares them with the saved rules."
        )
        % {"size": settings.dry_run_size},
    }


def _service_fields(form: forms.Form) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["reply_text"] = data.pop("text", "")
    return data


RULE_EDITOR = PhraseRuleEditor(
    kind=DECLINE_RULES,
    form_class=DeclineRuleForm,
    list_url="questions:rules",
    back_label=gettext_lazy("Decline rules"),
    title_new=gettext_lazy("New rule"),
    title_edit=gettext_lazy("Rule"),
    saved_message=gettext_lazy("Rule saved."),
    delete_url="questions:rule_delete",
    dry_run_texts=DryRunTexts(
        newly=gettext_lazy("Would now be declined"),
        stopped=gettext_lazy("Would no longer be declined"),
        changed=gettext_lazy("Declined by another rule"),
        everything=gettext_lazy("Everything these rules decline"),
    ),
    initial=_rule_initial,
    dry_run=_dry_run,
    service_fields=_service_fields,
    field_for_service={"reply_text": "text"},
    context=_editor_context,
)


def _rule_editor(request: ShopRequest, rule: DeclineRule | None) -> HttpResponse:
    return phrase_rule_edit(request, editor=RULE_EDITOR, rule=rule)


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def rule_create(request: ShopRequest) -> HttpResponse:
    return _rule_editor(request, None)


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def rule_edit(request: ShopRequest, declinerule_id: int) -> HttpResponse:
    rule = get_for_shop(DeclineRule, request.shop, pk=declinerule_id)
    return _rule_editor(request, rule)


@shop_view(role=Role.MANAGER)
@require_POST
def rule_delete(request: ShopRequest, declinerule_id: int) -> HttpResponse:
    rule = get_for_shop(DeclineRule, request.shop, pk=declinerule_id)
    services.decline_rule_delete(rule=rule)
    messages.success(request, _("Rule deleted."))
    return redirect("questions:rules")


@shop_view(role=Role.MANAGER)
@require_POST
def rule_move(request: ShopRequest, declinerule_id: int) -> HttpResponse:
    rule = get_for_shop(DeclineRule, request.shop, pk=declinerule_id)
    services.decline_rule_move(rule=rule, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect("questions:rules")


@shop_view(role=Role.MANAGER)
@require_POST
def rules_import(request: ShopRequest) -> HttpResponse:
    form = RulesImportForm(request.POST, request.FILES)
    if form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            created = services.rules_import(shop=request.shop, data=raw)
        except services.RulesImportError as refused:
            form.add_error("file", refused.messages)
        else:
            messages.success(request, _("Imported %(count)d rules.") % {"count": len(created)})
            return redirect("questions:rules")
    return render(
        request, "questions/rules.html", _rules_context(request, import_form=form), status=400
    )


@shop_view(role=Role.MANAGER)
@require_GET
def rules_export(request: ShopRequest) -> HttpResponse:
    data = services.rules_export(shop=request.shop)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="decline-rules-{request.shop.pk}-{stamp}.json"'
    )
    return response


@shop_view(role=Role.MANAGER)
@require_POST
def settings_update(request: ShopRequest) -> HttpResponse:
    form = QuestionSettingsForm(
        request.POST, instance=selectors.question_settings_get(shop=request.shop)
    )
    if form.is_valid():
        services.question_settings_update(shop=request.shop, **form.cleaned_data)
        messages.success(request, _("Settings saved."))
        return redirect("questions:rules")
    return render(
        request, "questions/rules.html", _rules_context(request, settings_form=form), status=400
    )
