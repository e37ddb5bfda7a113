"""Writes for reply templates: insert (usage + rotation), save behind the policy check,
custom variables, import, and the shipped default set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sellerdesk.core.models import ReplyLanguage, Role, Shop
from sellerdesk.policy import jsonsafe
from templates_lib import rendering, selectors
from templates_lib.models import Category, Channel, CustomVariable, ReplyTemplate, TemplateUse

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sellerdesk.policy import Report


# --- Context ------------------------------------------------------------------------------------

SAMPLE_VALUES: dict[str, dict[str, str]] = {
    "ru": {
        "buyer_name": "Анна",
        "product_name": "Кофемолка электрическая, 200 Вт",
        "sku": "WB-104233",
        "order_number": "45678123",
        "seller_name": "Ольга",
        "size": "M (46–48)",
    },
    "zh": {
        "buyer_name": "李女士",
        "product_name": "儿童纯棉连帽卫衣",
        "sku": "TB-20931",
        "order_number": "2026112400123",
        "seller_name": "小雨",
        "size": "130码",
    },
    "en": {
        "buyer_name": "Emma",
        "product_name": "Electric coffee grinder, 200 W",
        "sku": "WB-104233",
        "order_number": "45678123",
        "seller_name": "Olga",
        "size": "M",
    },
}


def template_context(
    *, shop: Shop, user: AbstractBaseUser | None, values: dict[str, object]
) -> dict[str, object]:
    """What a template may refer to: the reply box's values, the shop, the seller, custom variables."""
    context = selectors.base_context(shop=shop, user=user)
    for name in rendering.STANDARD_VARIABLES:
        value = values.get(name)
        if value not in (None, ""):
            context[name] = str(value)
    return context


def sample_context(
    *, shop: Shop, user: AbstractBaseUser | None, language: str
) -> dict[str, object]:
    """Every variable filled with a plausible value, for the editor's preview and the checks."""
    values: dict[str, object] = dict(SAMPLE_VALUES.get(language, SAMPLE_VALUES["ru"]))
    product = shop.products.order_by("pk").first() if shop.pk else None
    if product is not None and language == shop.default_language:
        values.update(product_name=product.name, sku=product.sku)
    context = template_context(shop=shop, user=user, values=values)
    context.setdefault("seller_name", values["seller_name"])
    return context


# --- Insertion ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Insertion:
    text: str
    unresolved: list[str]


@transaction.atomic
def template_insert(
    *, template: ReplyTemplate, user: AbstractBaseUser, values: dict[str, object]
) -> Insertion:
    """Render a template for a reply box and count the use.

    Unknown values stay as ``{{ name }}`` for the seller to fill; the rotation uses the
    usage count before this insert, so the next insert picks the next wording.
    """
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    context = template_context(shop=locked.shop, user=user, values=values)
    text = rendering.render(
        locked.body, context, rotation=locked.usage_count, salt=str(locked.pk), mode="placeholder"
    )
    now = timezone.now()
    ReplyTemplate.objects.filter(pk=locked.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=now
    )
    use, created = TemplateUse.objects.get_or_create(
        user=user, template=locked, defaults={"shop": locked.shop, "count": 1, "last_used_at": now}
    )
    if not created:
        TemplateUse.objects.filter(pk=use.pk).update(count=F("count") + 1, last_used_at=now)
    return Insertion(text=text, unresolved=rendering.unresolved_placeholders(text))


# --- Preview and the policy check ------------------------------------------------------------------

MAX_CHECKED_WORDINGS = 10


@dataclass
class Preview:
    """The editor's view of a body: sample rendering, problems, the engine's reports."""

    text: str | None
    problems: list[rendering.Problem] = field(default_factory=list)
    # channel -> reports of every wording checked (the first is the shown preview)
    reports: dict[str, list[Report]] = field(default_factory=dict)
    wordings: list[str] = field(default_factory=list)
    buyer_name: str = ""

    @property
    def policy_errors(self) -> dict[str, list[Report]]:
        return {
            channel: [report for report in reports if not report.ok]
            for channel, reports in self.reports.items()
            if any(not report.ok for report in reports)
        }

    @property
    def localized_problems(self) -> list[dict[str, object]]:
        return [{"line": p.line, "column": p.column, "message": p.text(_)} for p in self.problems]

    @property
    def blocked(self) -> bool:
        return bool(self.problems) or bool(self.policy_errors)

    def shown(self) -> list[tuple[str, Report, str]]:
        """(channel, report, text) to show: for each channel the first failing wording, else the first."""
        rows = []
        for channel, reports in self.reports.items():
            index = next((i for i, r in enumerate(reports) if not r.ok), 0)
            rows.append((channel, reports[index], self.wordings[index]))
        return rows


def _engine_check(
    *, shop: Shop, text: str, channel: str, buyer_name: str, language: str, fresh: bool = True
) -> Report:
    from sellerdesk.replycheck.services import reply_check_with_policy

    # One preview checks up to MAX_CHECKED_WORDINGS x channels texts: the first check probes
    # the shop's rules, the others reuse that probe instead of querying again each time.
    report, _policy = reply_check_with_policy(
        shop=shop,
        text=text,
        channel=channel,
        buyer_name=buyer_name,
        lang=language,
        policy_max_age=0.0 if fresh else 60.0,
    )
    return report


def template_preview(
    *,
    shop: Shop,
    user: AbstractBaseUser | None,
    body: str,
    channels: list[str],
    language: str,
) -> Preview:
    """Render ``body`` on sample data and run the shop's policy on every wording, per channel.

    The cost is bounded whatever the body holds: ``body_problems`` parses each distinct
    alternative with code once, at most MAX_CHECKED_WORDINGS wordings are rendered (enough
    to show every alternative of blocks up to that size), each distinct wording is checked
    once per distinct channel.
    """
    body = normalise_body(body)
    channels = list(dict.fromkeys(channel for channel in channels if channel in Channel.values))
    problems = rendering.body_problems(body, variables=selectors.variable_names(shop=shop))
    context = sample_context(shop=shop, user=user, language=language)
    preview = Preview(text=None, problems=problems, buyer_name=str(context.get("buyer_name", "")))
    if problems:
        return preview
    blocks = rendering.find_variations(body)
    rotations = max((len(block.alternatives) for block in blocks), default=1)
    try:
        for rotation in range(min(rotations, MAX_CHECKED_WORDINGS)):
            wording = rendering.render(body, context, rotation=rotation, salt="")
            if wording not in preview.wordings:
                preview.wordings.append(wording)
    except rendering.RenderError as error:
        preview.problems.append(error.problem)
        return preview
    except rendering.TemplateBodyError as error:
        preview.problems.extend(error.problems)
        return preview
    preview.text = preview.wordings[0]
    for channel in channels:
        preview.reports[channel] = [
            _engine_check(
                shop=shop,
                text=wording,
                channel=channel,
                buyer_name=preview.buyer_name,
                language=language,
                fresh=not preview.reports and index == 0,
            )
            for index, wording in enumerate(preview.wordings)
        ]
    return preview


def normalise_body(body: str) -> str:
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


# --- Saving -------------------------------------------------------------------------------------


class TemplateRejected(ValidationError):
    """Saving refused: the body has problems or breaks the policy for one of its channels."""

    def __init__(self, preview: Preview) -> None:
        if preview.problems:
            first = preview.problems[0]
            detail = first.text(_)
            if first.line is not None:
                detail = _("line %(line)s: %(detail)s") % {"line": first.line, "detail": detail}
            message = _("The template has errors: %(detail)s") % {"detail": detail}
        else:
            channel = next(iter(preview.policy_errors))
            message = _("The rendered text breaks the shop's rules for “%(channel)s”.") % {
                "channel": Channel(channel).label
            }
        super().__init__(message, code="template_rejected")
        self.preview = preview


def _can_manage_shop_templates(role: Role | None) -> bool:
    return role is not None and Role(role).includes(Role.MANAGER)


def template_check_edit_access(
    *, template: ReplyTemplate, user: AbstractBaseUser, role: Role
) -> None:
    """Personal templates belong to their author; shop-wide ones to managers."""
    if template.owner_id is not None:
        if template.owner_id != user.pk:
            raise PermissionDenied
    elif not _can_manage_shop_templates(role):
        raise PermissionDenied


def _clean_channels(channels: list[str]) -> list[str]:
    return [value for value in Channel.values if value in set(channels)]


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        tag = str(tag).strip()[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:20]


@transaction.atomic
def template_save(
    *,
    shop: Shop,
    user: AbstractBaseUser,
    role: Role,
    template: ReplyTemplate | None = None,
    personal: bool,
    name: str,
    body: str,
    channels: list[str],
    language: str,
    category: str,
    tags: list[str] | None = None,
) -> ReplyTemplate:
    """Create (``template`` None) or update a template; refused while the preview is blocked.

    Sellers keep personal templates only; shop-wide templates need a manager.
    """
    if personal is False and not _can_manage_shop_templates(role):
        raise PermissionDenied
    if template is not None:
        template_check_edit_access(template=template, user=user, role=role)
    else:
        template = ReplyTemplate(shop=shop)
    channels = _clean_channels(channels)
    if not channels:
        raise ValidationError({"channels": _("Choose at least one channel.")})
    body = normalise_body(body)
    preview = template_preview(
        shop=shop, user=user, body=body, channels=channels, language=language
    )
    if preview.blocked:
        raise TemplateRejected(preview)
    template.owner = user if personal else None  # type: ignore[assignment]  # a User or None
    template.name = name.strip()
    template.body = body
    template.channels = channels
    template.language = language
    template.category = category
    template.tags = _clean_tags(tags or [])
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_delete(*, template: ReplyTemplate, user: AbstractBaseUser, role: Role) -> None:
    template_check_edit_access(template=template, user=user, role=role)
    template.delete()


# --- Custom variables -----------------------------------------------------------------------------


@transaction.atomic
def custom_variable_save(
    *, shop: Shop, variable: CustomVariable | None = None, name: str, label: str, value: str
) -> CustomVariable:
    name = name.strip()
    if name in rendering.STANDARD_VARIABLES or name in rendering.ALLOWED_FUNCTIONS:
        raise ValidationError({"name": _("This name is already a standard variable.")})
    variable = variable or CustomVariable(shop=shop)
    renamed_from = variable.name if variable.pk and variable.name != name else ""
    if renamed_from and _templates_using(shop=shop, name=renamed_from):
        raise ValidationError(
            {
                "name": _("Templates use {{ %(name)s }}: edit them before renaming.")
                % {"name": renamed_from}
            }
        )
    variable.name, variable.label, variable.value = name, label.strip(), value.strip()
    variable.full_clean()
    variable.save()
    return variable


def _templates_using(*, shop: Shop, name: str) -> list[ReplyTemplate]:
    using = []
    for template in ReplyTemplate.objects.for_shop(shop).filter(body__contains=name):
        try:
            if name in rendering.variables_used(template.body):
                using.append(template)
        except rendering.TemplateBodyError:
            continue
    return using


@transaction.atomic
def custom_variable_delete(*, variable: CustomVariable) -> None:
    using = _templates_using(shop=variable.shop, name=variable.name)
    if using:
        raise ValidationError(
            _("Still used by: %(names)s.") % {"names": ", ".join(t.name for t in using[:5])}
        )
    variable.delete()


# --- Import / export ------------------------------------------------------------------------------

EXPORT_FORMAT = "sellerdesk.reply_templates"
EXPORT_VERSION = 1
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_TEMPLATES = 1000
# The format is an object holding a list of flat objects (tags are a list): 4 levels.
MAX_IMPORT_DEPTH = 5


def templates_export(*, templates: list[ReplyTemplate]) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "templates": [
            {
                "name": t.name,
                "body": t.body,
                "channels": list(t.channels),
                "language": t.language,
                "category": t.category,
                "tags": list(t.tags or []),
                "personal": t.is_personal,
            }
            for t in templates
        ],
    }


class ImportRejected(ValidationError):
    """The file cannot be imported; ``messages`` says why, item by item. Nothing was saved."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages, code="import_rejected")
        self.import_messages = messages


def _parse_import(raw: bytes) -> list[dict[str, Any]]:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRejected([_("The file is larger than 1 MB.")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected([_("The file is not UTF-8 text.")]) from error
    try:
        data = jsonsafe.loads(text, max_depth=MAX_IMPORT_DEPTH, max_chars=MAX_IMPORT_BYTES)
    except jsonsafe.JSONInputError as error:
        if error.code == "too_deep":
            message = _("The file is nested deeper than %(count)s levels.") % {
                "count": MAX_IMPORT_DEPTH
            }
        elif error.code == "number":
            message = _("The file holds a number that is too long or not finite.")
        else:
            message = _(
                "The file is not valid JSON: %(error)s (line %(line)s, column %(column)s)."
            ) % {"error": error.msg, "line": error.lineno, "column": error.colno}
        raise ImportRejected([message]) from error
    items = data.get("templates") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ImportRejected(
            [_("Expected a list of templates or an object with a “templates” list.")]
        )
    if not items:
        raise ImportRejected([_("The file holds no templates.")])
    if len(items) > MAX_IMPORT_TEMPLATES:
        raise ImportRejected(
            [_("At most %(count)s templates per file.") % {"count": MAX_IMPORT_TEMPLATES}]
        )
    return items


def _import_item_errors(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return [_("not an object")]
    errors = []
    for key in ("name", "body"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            errors.append(_("“%(field)s” must be non-empty text") % {"field": key})
    channels = item.get("channels", Channel.values)
    if (
        not isinstance(channels, list)
        or not channels
        or any(c not in Channel.values for c in channels)
    ):
        errors.append(
            _("“channels” must be a list of: %(values)s") % {"values": ", ".join(Channel.values)}
        )
    if item.get("language", "ru") not in ReplyLanguage.values:
        errors.append(
            _("“language” must be one of: %(values)s") % {"values": ", ".join(ReplyLanguage.values)}
        )
    if item.get("category", Category.OTHER) not in Category.values:
        errors.append(
            _("“category” must be one of: %(values)s") % {"values": ", ".join(Category.values)}
        )
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        errors.append(_("“tags” must be a list of text"))
    return errors


def templates_import(
    *, shop: Shop, user: AbstractBaseUser, role: Role, raw: bytes, personal: bool
) -> list[ReplyTemplate]:
    """Import every template of a JSON file or none: any problem rejects the whole file.

    A template whose name exists in the same scope is updated; others are created.
    """
    if not personal and not _can_manage_shop_templates(role):
        raise PermissionDenied
    items = _parse_import(raw)
    messages: list[str] = []
    seen_names: set[str] = set()
    for index, item in enumerate(items, start=1):
        errors = _import_item_errors(item)
        if not errors:
            name = item["name"].strip()
            if name in seen_names:
                errors.append(_("the name “%(name)s” appears twice in the file") % {"name": name})
            seen_names.add(name)
        for error in errors:
            messages.append(
                _("Template %(number)s: %(error)s.") % {"number": index, "error": error}
            )
    if messages:
        raise ImportRejected(messages)
    saved: list[ReplyTemplate] = []
    with transaction.atomic():
        for index, item in enumerate(items, start=1):
            label = _("Template %(number)s (“%(name)s”)") % {
                "number": index,
                "name": item["name"][:60],
            }
            existing = (
                ReplyTemplate.objects.for_shop(shop)
                .filter(name=item["name"].strip(), owner=user if personal else None)
                .first()
            )
            try:
                saved.append(
                    template_save(
                        shop=shop,
                        user=user,
                        role=role,
                        template=existing,
                        personal=personal,
                        name=item["name"],
                        body=item["body"],
                        channels=item.get("channels", Channel.values),
                        language=item.get("language", ReplyLanguage.RU),
                        category=item.get("category", Category.OTHER),
                        tags=item.get("tags", []),
                    )
                )
            except ValidationError as error:
                messages.append(f"{label}: {' '.join(error.messages)}")
        if messages:
            raise ImportRejected(messages)
    return saved


# --- The shipped set -------------------------------------------------------------------------------


def default_templates() -> list[dict[str, Any]]:
    """The shipped templates (RU, ZH, EN, decline reasons included) as plain data."""
    return selectors.shipped_templates()


@transaction.atomic
def templates_install_defaults(
    *, shop: Shop, languages: tuple[str, ...] = ("ru", "zh", "en")
) -> list[ReplyTemplate]:
    """Install the shipped set (the standard decline reasons included) as shop-wide templates.

    Idempotent: templates installed before (same source key) are left as the shop edited them.
    """
    present = set(
        ReplyTemplate.objects.for_shop(shop)
        .exclude(source_key="")
        .values_list("source_key", flat=True)
    )
    names = set(
        ReplyTemplate.objects.for_shop(shop)
        .filter(owner__isnull=True)
        .values_list("name", flat=True)
    )
    items = [item for item in default_templates() if item["language"] in languages]
    created = []
    for item in items:
        key = (
            item["key"]
            if item["key"].endswith(f":{item['language']}")
            else f"{item['key']}:{item['language']}"
        )
        if key in present:
            continue
        name = item["name"].strip()
        if name in names:
            name = f"{name} · {item['language'].upper()}"
        template = ReplyTemplate(
            shop=shop,
            name=name,
            body=item["body"],
            channels=_clean_channels(item["channels"]),
            language=item["language"],
            category=item["category"],
            tags=_clean_tags(item.get("tags", [])),
            source_key=key,
        )
        template.full_clean()
        template.save()
        names.add(name)
        created.append(template)
    return created
