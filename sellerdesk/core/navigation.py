"""Navigation entries contributed by apps.

An app lists its entries in its AppConfig as ``nav_items``; the shell shows those
the current role may open. Apps thus add themselves to the menu without touching
the base template.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from sellerdesk.core.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise  # usually gettext_lazy: read in the request's language
    url_name: str
    role: Role = Role.SELLER
    order: int = 100
    # URL name of a view answering with a small count fragment (e.g. unread chats);
    # the shell polls it with htmx so the counter stays live on every page.
    badge_url_name: str = ""
    # "main" entries sit in the top bar; "settings" ones in the settings menu.
    section: str = "main"
    # URL name of the app's live view (static/js/live.js polls it on every page).
    live_url_name: str = ""

    @property
    def badge_url(self) -> str:
        return reverse(self.badge_url_name) if self.badge_url_name else ""


def live_url_for(role: Role | None) -> str:
    """The live view the shell polls for this role (the first app that offers one)."""
    for item, _url in nav_items_for(role):
        if item.live_url_name:
            return reverse(item.live_url_name)
    return ""


MAIN = "main"
SETTINGS = "settings"


def nav_items_for(role: Role | None) -> list[tuple[NavItem, str]]:
    if role is None:
        return []
    found: list[tuple[NavItem, str]] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not role.includes(item.role):
                continue
            try:
                found.append((item, reverse(item.url_name)))
            except NoReverseMatch:
                continue
    found.sort(key=lambda pair: pair[0].order)
    return found


def nav_sections_for(role: Role | None) -> dict[str, list[tuple[NavItem, str]]]:
    sections: dict[str, list[tuple[NavItem, str]]] = {MAIN: [], SETTINGS: []}
    for item, url in nav_items_for(role):
        sections.setdefault(item.section, []).append((item, url))
    return sections
