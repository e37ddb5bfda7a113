"""The one editor page for phrase rules (decline rules, situation rules): form, save, dry run.

Each app's views keep their own URLs and access checks and hand over a :class:`PhraseRuleEditor`
that says which rules, which form, where to go back to and how its dry run reads; the page is
``core/phrase_rule_edit.html`` (its ``dry-run`` partial answers htmx).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise

from sellerdesk.core.access import ShopRequest
from sellerdesk.core.phrase_rules import DryRunResult, PhraseRule, PhraseRuleKind


@dataclass(frozen=True)
class DryRunTexts:
    """How the dry run speaks about this kind of rule."""

    newly: str | Promise  # heading: caught now, not by the saved rules
    stopped: str | Promise  # heading: caught by the saved rules, not now
    changed: str | Promise  # heading: another outcome now
    everything: str | Promise  # summary line of the full list


@dataclass(frozen=True)
class PhraseRuleEditor:
    kind: PhraseRuleKind[Any, Any]
    form_class: type[forms.Form]
    list_url: str  # URL name of the page listing the rules
    back_label: str | Promise
    title_new: str | Promise
    title_edit: str | Promise
    saved_message: str | Promise
    delete_url: str  # URL name taking the rule's id
    dry_run_texts: DryRunTexts
    # The rule as the form's initial values, and the form's values as the service's fields.
    initial: Callable[[Any], dict[str, Any]]
    dry_run: Callable[[ShopRequest, Any, Any], tuple[DryRunResult | None, str]]
    service_fields: Callable[[forms.Form], dict[str, Any]] = lambda form: dict(form.cleaned_data)
    # A form field's name for a service error's key (``reply_text`` is the form's ``text``).
    field_for_service: dict[str, str] = field(default_factory=dict)
    # Extra context: dry_run_intro (what the dry run checks), and for rules with a reply its
    # channel and ready replies (see core/phrase_rule_edit.html).
    context: Callable[[ShopRequest], dict[str, Any]] = lambda request: {}


def _add_service_errors(editor: PhraseRuleEditor, form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, problems in error.message_dict.items():
        name = editor.field_for_service.get(key, key)
        form.add_error(name if name in form.fields else None, problems)


def phrase_rule_edit(
    request: ShopRequest, *, editor: PhraseRuleEditor, rule: PhraseRule | None
) -> HttpResponse:
    """Create (``rule`` None) or edit a rule; POST action "dry_run" tries it without saving."""
    initial = editor.initial(rule) if rule is not None else None
    form = editor.form_class(request.POST or None, initial=initial)
    dry_run: DryRunResult | None = None
    dry_run_error = ""
    if request.method == "POST":
        if request.POST.get("action") == "dry_run":
            dry_run, dry_run_error = editor.dry_run(request, rule, form)
            if request.htmx:
                return render(
                    request,
                    "core/phrase_rule_edit.html#dry-run",
                    {"dry_run": dry_run, "dry_run_error": dry_run_error, "editor": editor},
                )
        elif form.is_valid():
            try:
                if rule is None:
                    editor.kind.create(shop=request.shop, fields=editor.service_fields(form))
                else:
                    editor.kind.update(rule=rule, fields=editor.service_fields(form))
            except ValidationError as invalid:
                _add_service_errors(editor, form, invalid)
            else:
                messages.success(request, str(editor.saved_message))
                return redirect(editor.list_url)
    context = {
        "editor": editor,
        "rule": rule,
        "form": form,
        "back_url": reverse(editor.list_url),
        "delete_url": reverse(editor.delete_url, args=[rule.pk]) if rule is not None else "",
        "dry_run": dry_run,
        "dry_run_error": dry_run_error,
        **editor.context(request),
    }
    status = 400 if request.method == "POST" and form.errors and dry_run is None else 200
    return render(request, "core/phrase_rule_edit.html", context, status=status)


def edited_rules(saved: list[Any], rule: PhraseRule | None, edited: models.Model) -> list[Any]:
    """The saved list with ``edited`` in the place of ``rule`` (or appended for a new rule)."""
    rules = [edited if rule is not None and item.pk == rule.pk else item for item in saved]
    if rule is None:
        rules.append(edited)
    return rules
