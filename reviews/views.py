"""Thin views: parse the request, call a selector or a service, render one page (or its partial)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import playbooks, selectors, services
from reviews.forms import (
    DecideForm,
    OfferForm,
    ResolveForm,
    ReviewFilterForm,
    ReviewSettingsForm,
    SituationRuleForm,
    StepForm,
)
from reviews.models import (
    Case,
    CompensationOffer,
    Review,
    ReviewPhoto,
    ReviewStatus,
    Situation,
    SituationRule,
)
from reviews.situations import SITUATION_RULES
from sellerdesk.core.access import ShopRequest, get_for_shop, shop_view
from sellerdesk.core.models import Role
from sellerdesk.core.phrase_rule_editor import (
    DryRunTexts,
    PhraseRuleEditor,
    edited_rules,
    phrase_rule_edit,
)
from sellerdesk.core.phrase_rules import DryRunResult
from sellerdesk.policy.lang import engine_lang
from sellerdesk.replycheck.forms import ReplyForm
from sellerdesk.replycheck.reply_box import ReplyTarget
from sellerdesk.sla.selectors import due_at_map

REPLY_FORM_ID = "reply-%s"  # the textarea is #reply-text
TABS = (ReviewStatus.UNANSWERED, ReviewStatus.ANSWERED, ReviewStatus.IN_RESOLUTION)


# --- The list ------------------------------------------------------------------------------------


@shop_view(role=Role.SELLER)
@require_GET
def review_list(request: ShopRequest) -> HttpResponse:
    form = ReviewFilterForm(request.GET)
    form.is_valid()
    data = (
        form.cleaned_data
    )  # the valid filters: a bad one (a typed-in product id) drops only itself
    filters = selectors.ReviewFilters(
        status=data.get("tab") or ReviewStatus.UNANSWERED,
        search=data.get("q") or "",
        product_id=data.get("product"),
        rating=data.get("rating"),
        rating_group=data.get("group") or "",
    )
    page = selectors.review_page(
        shop=request.shop, filters=filters, cursor=data.get("cursor") or ""
    )
    counts = selectors.review_tab_counts(shop=request.shop, filters=filters)
    base_query = {
        key: value
        for key, value in {
            "q": filters.search,
            "product": filters.product_id or "",
            "rating": filters.rating or "",
            "group": filters.rating_group,
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
    next_url = (
        "?" + urlencode({**tab_query, "cursor": page.next_cursor}) if page.next_cursor else ""
    )
    context = {
        "filters": filters,
        "tabs": tabs,
        "page": page,
        # Reviews are an SLA channel: the answer-due badges of the page, in one query.
        "sla_map": due_at_map("review", [review.pk for review in page.items], shop=request.shop),
        "next_url": next_url,
        "first_url": "?" + urlencode(tab_query) if data.get("cursor") else "",
        # The product menu is outside the results partial: htmx requests need no product query.
        "products": [] if request.htmx else selectors.product_choices(shop=request.shop),
        "star_choices": range(5, 0, -1),
    }
    template = "reviews/list.html#results" if request.htmx else "reviews/list.html"
    return render(request, template, context)


@shop_view(role=Role.SELLER)
@require_GET
def unanswered_badge(request: ShopRequest) -> HttpResponse:
    count = selectors.review_unanswered_count(shop=request.shop)
    return HttpResponse(str(count) if count else "")


@shop_view(role=Role.SELLER)
@require_GET
def review_photo(request: ShopRequest, reviewphoto_id: int) -> HttpResponseBase:
    photo = get_for_shop(ReviewPhoto, request.shop, pk=reviewphoto_id)
    if photo.image:
        try:
            return FileResponse(photo.image.open("rb"))
        except FileNotFoundError as missing:
            raise Http404 from missing
    return HttpResponseRedirect(photo.url)


# --- One review --------------------------------------------------------------------------------------


def _detail_context(request: ShopRequest, review: Review, **extra) -> dict:
    lang = engine_lang(get_language())
    case = selectors.case_for_review(review=review)
    situation = case.situation if case is not None else review.situation
    playbook = playbooks.playbook_for(situation, lang) if situation else None
    settings = selectors.review_settings_get(shop=request.shop)
    target = ReplyTarget(
        shop=request.shop,
        channel="review_reply",
        buyer_name=review.buyer_name,
        product=review.product,
        item=review,
    )
    suggested = None
    template = selectors.suggested_template(
        shop=request.shop, situation=situation, rating=review.rating
    )
    if template is not None and review.answered_at is None:
        suggested = {
            "template": template,
            "text": selectors.suggested_text(
                template=template,
                shop=request.shop,
                user=request.user,
                values=target.picker_variables,
            ),
        }
    checklist = selectors.checklist(situation=situation, case=case, lang=lang) if playbook else []
    from autopilot.selectors import draft_for_review  # the autopilot drafts for reviews

    draft = draft_for_review(review_id=review.pk) if review.answered_at is None else None
    initial = {"text": draft.text} if draft is not None else {}
    return {
        "review": review,
        "case": case,
        "has_coupon_step": any(item.key == playbooks.COUPON_STEP for item in checklist),
        "situation": situation,
        "playbook": playbook,
        "checklist": checklist,
        "history": selectors.case_history(case=case, lang=lang) if case is not None else [],
        "settings": settings,
        "suggested": suggested,
        "chat_url": reverse("chats:inbox") + "?" + urlencode({"q": review.buyer_name})
        if review.buyer_name
        else reverse("chats:inbox"),
        "reply_target": target,
        "autopilot_draft": draft,
        "reply_form": extra.pop("reply_form", None)
        or ReplyForm(auto_id=REPLY_FORM_ID, initial=initial),
        "offer_form": extra.pop("offer_form", None) or OfferForm(auto_id="offer-%s"),
        "resolve_form": ResolveForm(auto_id="resolve-%s"),
        "can_manage": request.role.includes(Role.MANAGER),
        **extra,
    }


@shop_view(role=Role.SELLER)
@require_GET
def review_detail(request: ShopRequest, review_id: int) -> HttpResponse:
    review = get_for_shop(selectors.review_detail_queryset(), request.shop, pk=review_id)
    return render(request, "reviews/detail.html", _detail_context(request, review))


@shop_view(role=Role.SELLER)
@require_POST
def review_answer(request: ShopRequest, review_id: int) -> HttpResponse:
    review = get_for_shop(selectors.review_detail_queryset(), request.shop, pk=review_id)
    form = ReplyForm(request.POST, auto_id=REPLY_FORM_ID)
    if form.is_valid():
        try:
            services.review_answer(
                review=review,
                text=form.cleaned_data["text"],
                user=request.user,
                warnings_confirmed=form.cleaned_data["warnings_confirmed"],
            )
        except ValidationError as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("Reply published."))
            return redirect("reviews:detail", review_id=review.pk)
    context = _detail_context(request, review, reply_form=form)
    return render(request, "reviews/detail.html", context, status=400)


# --- The case ----------------------------------------------------------------------------------------


def _case_response(
    request: ShopRequest, review_id: int, *, error: str = "", status: int = 200
) -> HttpResponse:
    """The case panel for htmx, the whole page otherwise (a redirect after success)."""
    if request.htmx:
        review = get_for_shop(selectors.review_detail_queryset(), request.shop, pk=review_id)
        context = _detail_context(request, review, case_error=error)
        return render(request, "reviews/detail.html#case-panel", context, status=status)
    if error:
        messages.error(request, error)
    return redirect("reviews:detail", review_id=review_id)


@shop_view(role=Role.SELLER)
@require_POST
def case_open(request: ShopRequest, review_id: int) -> HttpResponse:
    review = get_for_shop(Review, request.shop, pk=review_id)
    try:
        services.case_open(review=review, user=request.user)
    except ValidationError as refused:
        return _case_response(request, review.pk, error=" ".join(refused.messages), status=400)
    return _case_response(request, review.pk)


@shop_view(role=Role.SELLER)
@require_POST
def case_step(request: ShopRequest, case_id: int) -> HttpResponse:
    case = get_for_shop(Case, request.shop, pk=case_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _case_response(request, case.review_id, error=_("Choose a step."), status=400)
    try:
        services.case_step_complete(
            case=case,
            key=form.cleaned_data["key"],
            user=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as refused:
        return _case_response(request, case.review_id, error=" ".join(refused.messages), status=400)
    return _case_response(request, case.review_id)


@shop_view(role=Role.SELLER)
@require_POST
def case_offer(request: ShopRequest, case_id: int) -> HttpResponse:
    case = get_for_shop(Case, request.shop, pk=case_id)
    form = OfferForm(request.POST)
    if not form.is_valid():
        return _case_response(
            request, case.review_id, error=_("Enter the coupon amount."), status=400
        )
    try:
        offer = services.compensation_offer(
            case=case,
            amount=form.cleaned_data["amount"],
            user=request.user,
            role=request.role,
            note=form.cleaned_data["note"],
        )
    except ValidationError as refused:
        return _case_response(request, case.review_id, error=" ".join(refused.messages), status=400)
    if not request.htmx:
        messages.success(request, offer.get_status_display())
    return _case_response(request, case.review_id)


@shop_view(role=Role.SELLER)
@require_POST
def case_resolve(request: ShopRequest, case_id: int) -> HttpResponse:
    case = get_for_shop(Case, request.shop, pk=case_id)
    form = ResolveForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.case_resolve(case=case, user=request.user, note=note)
    except ValidationError as refused:
        return _case_response(request, case.review_id, error=" ".join(refused.messages), status=400)
    return _case_response(request, case.review_id)


@shop_view(role=Role.MANAGER)
@require_POST
def offer_decide(request: ShopRequest, compensationoffer_id: int) -> HttpResponse:
    offer = get_for_shop(
        CompensationOffer.objects.select_related("case"), request.shop, pk=compensationoffer_id
    )
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _case_response(
            request, offer.case.review_id, error=_("Approve or reject the offer."), status=400
        )
    try:
        services.compensation_decide(
            offer=offer, approve=form.cleaned_data["decision"] == "approve", user=request.user
        )
    except ValidationError as refused:
        return _case_response(
            request, offer.case.review_id, error=" ".join(refused.messages), status=400
        )
    if request.POST.get("next") == "settings":
        return redirect("reviews:settings")
    return _case_response(request, offer.case.review_id)


# --- Manager settings: situation rules and compensation limits --------------------------------------------


def _settings_context(request: ShopRequest, **extra) -> dict:
    settings = selectors.review_settings_get(shop=request.shop)
    return {
        "rules": selectors.situation_rules(shop=request.shop),
        "settings_form": extra.pop("settings_form", None) or ReviewSettingsForm(instance=settings),
        "pending_offers": selectors.pending_offers(shop=request.shop),
        **extra,
    }


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def settings_page(request: ShopRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReviewSettingsForm(
            request.POST, instance=selectors.review_settings_get(shop=request.shop)
        )
        if form.is_valid():
            try:
                services.review_settings_update(shop=request.shop, **form.cleaned_data)
            except ValidationError as refused:
                form.add_error(None, refused.messages)
            else:
                messages.success(request, _("Compensation limits saved."))
                return redirect("reviews:settings")
        return render(
            request,
            "reviews/settings.html",
            _settings_context(request, settings_form=form),
            status=400,
        )
    return render(request, "reviews/settings.html", _settings_context(request))


def _rule_initial(rule: SituationRule) -> dict[str, Any]:
    return {
        "situation": rule.situation,
        "phrases": rule.phrases,
        "exclusions": rule.exclusions,
        "fuzzy": rule.fuzzy,
        "enabled": rule.enabled,
    }


def _dry_run(
    request: ShopRequest, rule: SituationRule | None, form: forms.Form
) -> tuple[DryRunResult | None, str]:
    """Classify the latest unhappy reviews with the edited list (this rule replaced or added)."""
    form.is_valid()  # fills cleaned_data with what is valid; a dry run needs only the phrases
    data = form.cleaned_data
    edited = SituationRule(
        pk=rule.pk if rule else None,
        shop=request.shop,
        situation=data.get("situation") or (rule.situation if rule else Situation.DEFECT),
    )
    try:
        SITUATION_RULES.fill(edited, {**data, "fuzzy": bool(data.get("fuzzy"))})
    except ValidationError as invalid:
        return None, " ".join(invalid.messages)
    saved = selectors.situation_rules(shop=request.shop)
    result = selectors.situation_rules_dry_run(
        shop=request.shop, edited=edited_rules(saved, rule, edited)
    )
    return result, ""


RULE_EDITOR = PhraseRuleEditor(
    kind=SITUATION_RULES,
    form_class=SituationRuleForm,
    list_url="reviews:settings",
    back_label=gettext_lazy("Review settings"),
    title_new=gettext_lazy("New situation rule"),
    title_edit=gettext_lazy("Edit situation rule"),
    saved_message=gettext_lazy("Situation rule saved."),
    delete_url="reviews:rule_delete",
    dry_run_texts=DryRunTexts(
        newly=gettext_lazy("Would now get a situation"),
        stopped=gettext_lazy("Would no longer get a situation"),
        changed=gettext_lazy("Would get another situation"),
        everything=gettext_lazy("Everything these rules recognise"),
    ),
    initial=_rule_initial,
    dry_run=_dry_run,
    context=lambda request: {
        "stylesheet": "reviews/reviews.css",
        "dry_run_intro": _(
            "Classifies the latest %(size)s negative and mixed reviews with the rules as edited here, without saving, and compares them with the saved rules."
        )
        % {"size": selectors.DRY_RUN_SIZE},
    },
)


def _rule_editor(request: ShopRequest, rule: SituationRule | None) -> HttpResponse:
    return phrase_rule_edit(request, editor=RULE_EDITOR, rule=rule)


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def rule_create(request: ShopRequest) -> HttpResponse:
    return _rule_editor(request, None)


@shop_view(role=Role.MANAGER)
@require_http_methods(["GET", "POST"])
def rule_edit(request: ShopRequest, situationrule_id: int) -> HttpResponse:
    rule = get_for_shop(SituationRule, request.shop, pk=situationrule_id)
    return _rule_editor(request, rule)


@shop_view(role=Role.MANAGER)
@require_POST
def rule_delete(request: ShopRequest, situationrule_id: int) -> HttpResponse:
    rule = get_for_shop(SituationRule, request.shop, pk=situationrule_id)
    services.situation_rule_delete(rule=rule)
    messages.success(request, _("Situation rule deleted."))
    return redirect("reviews:settings")


@shop_view(role=Role.MANAGER)
@require_POST
def rule_move(request: ShopRequest, situationrule_id: int) -> HttpResponse:
    rule = get_for_shop(SituationRule, request.shop, pk=situationrule_id)
    services.situation_rule_move(
        rule=rule, offset=-1 if request.POST.get("direction") == "up" else 1
    )
    return redirect("reviews:settings")
