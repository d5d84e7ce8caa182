"""The dashboard and the customer 360 page.

The 360 page lives here rather than in ``parties`` because it composes apps that sit above
``parties`` (sales, interactions, and later loyalty, service, insights) through panels.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from patron.accounts.permissions import (
    can_edit_customers,
    can_log_interaction_for,
    can_view_customers,
)
from patron.core.pagination import InvalidCursor
from patron.core.timeline import party_timeline, sources
from patron.interactions.selectors import interaction_queryset
from patron.parties.selectors import party_get, party_queryset
from patron.sales.models import Order
from patron.web.panels import panels_for

TIMELINE_PAGE = 20
DASHBOARD_ROWS = 8
#: counts on the dashboard stop here; the page shows "10,000+" rather than scan further
COUNT_CAP = 10_000
#: seconds the dashboard's revenue sums are reused
FIGURES_TTL = 300


def _require_view(request: HttpRequest) -> None:
    if not can_view_customers(request.user):
        raise Forbidden("You are not a member of any department, so you cannot see customers.")


def _month_start(day: dt.datetime) -> dt.datetime:
    return day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _revenue(since: dt.datetime, until: dt.datetime) -> Decimal:
    """Order revenue in the home currency in a time range, read through the ``ordered_at`` index."""
    total = (
        Order.objects.filter(
            ordered_at__gte=since, ordered_at__lt=until, currency=settings.DEFAULT_CURRENCY
        )
        .exclude(status=Order.Status.CANCELLED)
        .aggregate(total=Sum("total"))["total"]
    )
    return total or Decimal("0")


def _month_figures(now: dt.datetime) -> dict[str, Any]:
    """Revenue this month, the same days of last month and all of last month.

    Each sum reads a month of orders through the ``ordered_at`` index, which grows with the
    business, so the figures are cached for a few minutes rather than summed per request.
    """
    this_month = _month_start(now)
    last_month = _month_start(this_month - dt.timedelta(days=1))
    bucket = int(now.timestamp()) // FIGURES_TTL
    key = f"patron:web:dashboard:{settings.DEFAULT_CURRENCY}:{this_month:%Y-%m}:{bucket}"
    figures: dict[str, Any] | None = cache.get(key)
    if figures is None:
        figures = {
            "revenue_now": _revenue(this_month, now + dt.timedelta(seconds=1)),
            "revenue_before": _revenue(last_month, this_month),
            "same_days_before": _revenue(
                last_month, min(last_month + (now - this_month), this_month)
            ),
        }
        cache.set(key, figures, FIGURES_TTL)
    return {**figures, "this_month": this_month, "last_month": last_month}


@login_required
def dashboard(request: HttpRequest, now: dt.datetime | None = None) -> HttpResponse:
    """Recent activity and this month's figures; every query is bounded by time or LIMIT."""
    _require_view(request)
    now = timezone.localtime(now or timezone.now())
    recent_orders = Order.objects.filter(ordered_at__gte=now - dt.timedelta(days=30))
    orders_30d = recent_orders.order_by()[:COUNT_CAP].count()
    figures = _month_figures(now)
    change = None
    if figures["same_days_before"]:
        change = (
            (figures["revenue_now"] - figures["same_days_before"])
            / figures["same_days_before"]
            * 100
        )
    context: dict[str, Any] = {
        "orders_30d": orders_30d,
        "orders_capped": orders_30d >= COUNT_CAP,
        **figures,
        "revenue_change": change,
        "currency": settings.DEFAULT_CURRENCY,
        "interactions": list(
            interaction_queryset(user=request.user)
            .select_related("party", "staff", "department")
            .order_by("-occurred_at", "-id")[:DASHBOARD_ROWS]
        ),
        "customers": list(
            party_queryset(user=request.user)
            .order_by("-created_at", "-id")
            .only("id", "display_name", "kind", "email", "city", "country", "created_at")[
                :DASHBOARD_ROWS
            ]
        ),
        "can_edit": can_edit_customers(request.user),
    }
    return render(request, "web/dashboard.html", context)


def _source_filter(request: HttpRequest) -> str:
    wanted = request.GET.get("source", "")
    return wanted if wanted in {s.name for s in sources()} else ""


def _timeline_context(request: HttpRequest, party_id: int, cursor: str | None) -> dict[str, Any]:
    source = _source_filter(request)
    page = party_timeline(
        party_id=party_id,
        user=request.user,
        cursor=cursor,
        limit=TIMELINE_PAGE,
        only=[source] if source else None,
    )
    return {
        "timeline": page,
        "timeline_source": source,
        "timeline_sources": [(s.name, s.label) for s in sources()],
        "party_id": party_id,
    }


@login_required
def customer(request: HttpRequest, party_id: int) -> HttpResponse:
    """The customer 360 page: who they are, how to reach them, what they bought, the story."""
    _require_view(request)
    party = party_get(user=request.user, party_id=party_id)
    if party is None:
        raise Http404("No such customer.")
    can_edit = can_edit_customers(request.user)
    can_log = can_log_interaction_for(request.user, None)
    points = list(party.contact_points.all())
    context: dict[str, Any] = {
        "party": party,
        "can_edit": can_edit,
        "can_log": can_log,
        "primary_address": next(
            (p for p in points if p.kind == p.Kind.POSTAL and p.is_primary), None
        ),
        "panels": panels_for(party=party, user=request.user),
        **_timeline_context(request, party.pk, None),
    }
    return render(request, "web/customer.html", context)


@login_required
def customer_timeline(request: HttpRequest, party_id: int) -> HttpResponse:
    """More of the timeline (with a cursor) or the whole timeline card for another filter."""
    _require_view(request)
    if not party_queryset(user=request.user).filter(pk=party_id).exists():
        raise Http404("No such customer.")
    cursor = request.GET.get("cursor") or None
    try:
        context = _timeline_context(request, party_id, cursor)
    except InvalidCursor:
        return HttpResponseBadRequest("This timeline link is out of date; reload the page.")
    part = "items" if cursor else "card"
    return render(request, f"web/includes/timeline.html#{part}", context)
