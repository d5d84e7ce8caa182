"""Template context shared by every staff page: the navigation."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from patron.accounts.permissions import can_read_audit_log


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str
    active: bool


def _url(name: str, fallback: str) -> str:
    """Reverse ``name``; apps that mount later pages may not be installed yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def navigation(request: HttpRequest) -> dict[str, object]:
    """The sidebar entries, with the one for the current section marked active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    entries = [
        ("Dashboard", _url("web:dashboard", "/"), "home"),
        ("Customers", _url("parties:list", "/customers/"), "users"),
        ("Import", "/import/", "upload"),
        ("Duplicates", "/duplicates/", "merge"),
    ]
    if can_read_audit_log(user):
        entries.append(("Audit log", _url("web:audit", "/audit/"), "doc"))
    if user.is_staff:
        entries.append(("Admin", _url("admin:index", "/admin/"), "settings"))
    path = request.path
    items = []
    for label, url, icon in entries:
        active = path == url if url == "/" else path.startswith(url)
        items.append(NavItem(label=label, url=url, icon=icon, active=active))
    return {"nav_items": items}
