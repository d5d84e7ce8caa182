"""The audit log page: every write, newest first, for administrators only.

It lives in ``web`` because it needs ``accounts.permissions`` (``core``, which owns the
``AuditEntry`` table, may not import it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from patron.accounts.models import User
from patron.accounts.permissions import can_read_audit_log
from patron.core.models import AuditEntry
from patron.core.pagination import (
    InvalidCursor,
    Page,
    decode_cursor,
    encode_cursor,
    keyset_after,
)

PAGE_SIZE = 50
_BLANK: tuple[object, ...] = (None, "", [])


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""
    object_id: str = ""
    actor: str = ""
    action: str = ""


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


def object_types() -> list[str]:
    """Every model label an entry can carry, from the registry (no scan of the log)."""
    return sorted(
        m._meta.label_lower
        for m in apps.get_models()
        if m._meta.app_label not in {"admin", "contenttypes", "sessions", "auth"}
    )


def audit_entry_list(
    *, user: Any, filters: AuditFilters, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[AuditEntry]:
    """One page of entries, newest first, keyset-paginated on ``(at, id)``."""
    if not can_read_audit_log(user):
        raise Forbidden("Only administrators may read the audit log.")
    qs: QuerySet[AuditEntry] = AuditEntry.objects.select_related("actor")
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor == "system":
        qs = qs.filter(actor__isnull=True)
    elif filters.actor:
        actor_id = User.objects.filter(username=filters.actor).values_list("id", flat=True).first()
        qs = qs.filter(actor_id=actor_id) if actor_id else qs.none()
    if cursor:
        at, ident = decode_cursor(cursor, [dt.datetime, int])
        qs = qs.filter(keyset_after("at", at, ident, descending=True))
    rows = list(qs.order_by("-at", "-id")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].at, rows[-1].id])
    return Page(items=rows, next_cursor=next_cursor)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Nested before/after data (a merge records both parties) as dotted keys."""
    if not isinstance(data, dict):
        return {prefix or "value": data} if data is not None else {}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, name))
        else:
            flat[name] = value
    return flat


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value != "" else "—"


def entry_changes(entry: AuditEntry) -> list[FieldChange]:
    """The fields an entry changed, each with its value before and after."""
    before, after = _flatten(entry.before), _flatten(entry.after)
    names = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(name, _show(before.get(name)), _show(after.get(name)))
        for name in names
        if before.get(name) != after.get(name)
        and not (before.get(name) in _BLANK and after.get(name) in _BLANK)
    ]


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Newest writes first, filtered by object type, object id, actor and action."""
    if not can_read_audit_log(request.user):
        raise Forbidden("Only administrators may read the audit log.")
    get = request.GET
    types = object_types()
    filters = AuditFilters(
        object_type=get.get("object_type", "") if get.get("object_type") in types else "",
        object_id=get.get("object_id", "").strip()[:64],
        actor=get.get("actor", "").strip()[:150],
        action=get.get("action", "") if get.get("action") in AuditEntry.Action.values else "",
    )
    try:
        page = audit_entry_list(
            user=request.user, filters=filters, cursor=get.get("cursor") or None
        )
    except InvalidCursor:
        return HttpResponseBadRequest("That page link is no longer valid; start again.")
    query = urlencode({name: value for name, value in vars(filters).items() if value})
    context = {
        "entries": [(entry, entry_changes(entry)) for entry in page.items],
        "page": page,
        "filters": filters,
        "object_types": types,
        "actions": AuditEntry.Action.choices,
        "query": query,
    }
    if request.htmx and get.get("cursor"):  # type: ignore[attr-defined]
        return render(request, "web/audit.html#rows", context)
    return render(request, "web/audit.html", context)
