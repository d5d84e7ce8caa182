"""Staff pages for customers: the list with instant search, create and edit, and the
HTMX actions of the customer page (contact points, wants and needs, relationships).

The customer page itself is composed in ``patron.web`` (it gathers sales, interactions and
other apps' panels, which sit above this app); these views render its parties sections.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import PermissionDenied, can_edit_customers, can_view_customers
from patron.core.pagination import InvalidCursor
from patron.parties import services
from patron.parties.forms import (
    ContactPointForm,
    PartyCreateForm,
    PartyEditForm,
    PreferenceForm,
    RelationshipForm,
    apply_service_errors,
)
from patron.parties.models import Channel, ContactPoint, Party, Tag
from patron.parties.selectors import PartyFilters, party_get, party_list, party_queryset

PAGE_SIZE = 50
SECTIONS = "parties/includes/sections.html"


def _require_view(request: HttpRequest) -> None:
    if not can_view_customers(request.user):
        raise Forbidden("You are not a member of any department, so you cannot see customers.")


def _require_edit(request: HttpRequest) -> None:
    if not can_edit_customers(request.user):
        raise Forbidden("You may look at customers but not change them.")


def _customer_url(party_id: int) -> str:
    return reverse("web:customer", args=[party_id])


def _filters(request: HttpRequest) -> tuple[PartyFilters, dict[str, str]]:
    """Filters from the query string; values outside the known choices are ignored."""
    get = request.GET
    kind = get.get("kind", "")
    channel = get.get("channel", "")
    country = get.get("country", "").strip().upper()
    raw = {
        "q": get.get("q", "").strip()[:100],
        "kind": kind if kind in Party.Kind.values else "",
        "channel": channel if channel in Channel.values else "",
        "country": country if len(country) == 2 and country.isalpha() else "",
        "tag": get.get("tag", "").strip()[:50],
    }
    filters = PartyFilters(
        q=raw["q"], kind=raw["kind"], channel=raw["channel"], country=raw["country"], tag=raw["tag"]
    )
    return filters, raw


@login_required
def party_list_view(request: HttpRequest) -> HttpResponse:
    """Customers by name; HTMX swaps in the results as the user types or pages on."""
    _require_view(request)
    filters, raw = _filters(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = party_list(user=request.user, filters=filters, cursor=cursor, limit=PAGE_SIZE)
    except InvalidCursor:
        return HttpResponseBadRequest("This list link is out of date; reload the page.")
    active = {k: v for k, v in raw.items() if v}
    more_url = "?" + urlencode({**active, "cursor": page.next_cursor}) if page.next_cursor else ""
    context: dict[str, Any] = {
        "page": page,
        "filters": raw,
        "is_filtered": bool(active),
        "more_url": more_url,
        "kinds": Party.Kind.choices,
        "channels": Channel.choices,
        "can_edit": can_edit_customers(request.user),
    }
    template = "parties/party_list.html"
    if getattr(request, "htmx", False):
        template += "#rows" if cursor else "#results"
    else:
        context["tags"] = list(Tag.objects.order_by("name").values_list("name", flat=True)[:200])
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def party_create_view(request: HttpRequest) -> HttpResponse:
    _require_edit(request)
    form = PartyCreateForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(
                actor=request.user,
                **form.party_fields(),
                **form.contact_fields(),
                tags=form.tag_names(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from exc
        else:
            messages.success(request, f"{party.display_name} was added.")
            return redirect(_customer_url(party.pk))
    return render(request, "parties/party_form.html", {"form": form, "party": None})


@login_required
@require_http_methods(["GET", "POST"])
def party_edit_view(request: HttpRequest, party_id: int) -> HttpResponse:
    _require_edit(request)
    party = party_get(user=request.user, party_id=party_id)
    if party is None:
        raise Http404("No such customer.")
    form = PartyEditForm.for_party(party, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.party_update(party=party, actor=request.user, **form.party_fields())
                services.party_set_tags(party=party, names=form.tag_names(), actor=request.user)
        except ValidationError as exc:
            party.refresh_from_db()
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from exc
        else:
            messages.success(request, "Changes saved.")
            return redirect(_customer_url(party.pk))
    return render(request, "parties/party_form.html", {"form": form, "party": party})


def _section(request: HttpRequest, party_id: int, name: str, **forms: Any) -> HttpResponse:
    """Re-render one section of the customer page (or go back to it without HTMX)."""
    if not getattr(request, "htmx", False):
        for form in forms.values():
            for field, errors in form.errors.items():
                label = "" if field == "__all__" else f"{form.fields[field].label or field}: "
                messages.error(request, label + " ".join(errors))
        return redirect(_customer_url(party_id))
    party = party_get(user=request.user, party_id=party_id)
    context = {"party": party, "can_edit": can_edit_customers(request.user), **forms}
    return render(request, f"{SECTIONS}#{name}", context)


def _form(request: HttpRequest, party: Party, name: str, **forms: Any) -> HttpResponse:
    return render(request, f"{SECTIONS}#{name}", {"party": party, **forms})


def _party_or_404(request: HttpRequest, party_id: int) -> Party:
    party = party_queryset(user=request.user).filter(pk=party_id).first()
    if party is None:
        raise Http404("No such customer.")
    return party


@login_required
@require_http_methods(["GET", "POST"])
def contact_point_add_view(request: HttpRequest, party_id: int) -> HttpResponse:
    """GET: the empty form, loaded when its section is opened. POST: record it."""
    _require_edit(request)
    party = _party_or_404(request, party_id)
    if request.method == "GET":
        return _form(request, party, "contact_form_fields", contact_form=ContactPointForm())
    form = ContactPointForm(data=request.POST)
    if form.is_valid():
        try:
            services.contact_point_add(party=party, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from exc
        else:
            form = ContactPointForm()
    return _section(request, party_id, "contact_points", contact_form=form)


def _contact_point(request: HttpRequest, party_id: int, point_id: int) -> ContactPoint:
    party = _party_or_404(request, party_id)
    point = ContactPoint.objects.filter(pk=point_id, party=party).select_related("party").first()
    if point is None:
        raise Http404("No such contact point.")
    return point


@login_required
@require_POST
def contact_point_primary_view(request: HttpRequest, party_id: int, point_id: int) -> HttpResponse:
    _require_edit(request)
    point = _contact_point(request, party_id, point_id)
    try:
        services.contact_point_make_primary(point=point, actor=request.user)
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from exc
    return _section(request, party_id, "contact_points", contact_form=ContactPointForm())


@login_required
@require_POST
def contact_point_remove_view(request: HttpRequest, party_id: int, point_id: int) -> HttpResponse:
    _require_edit(request)
    point = _contact_point(request, party_id, point_id)
    try:
        services.contact_point_remove(point=point, actor=request.user)
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from exc
    return _section(request, party_id, "contact_points", contact_form=ContactPointForm())


@login_required
@require_http_methods(["GET", "POST"])
def preference_record_view(request: HttpRequest, party_id: int) -> HttpResponse:
    """GET: the empty form, loaded when its section is opened. POST: record it."""
    _require_edit(request)
    party = _party_or_404(request, party_id)
    if request.method == "GET":
        return _form(request, party, "preference_form_fields", preference_form=PreferenceForm())
    form = PreferenceForm(data=request.POST)
    if form.is_valid():
        try:
            services.preference_record(party=party, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from exc
        else:
            form = PreferenceForm()
    return _section(request, party_id, "preferences", preference_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def relationship_add_view(request: HttpRequest, party_id: int) -> HttpResponse:
    """GET: the empty form, loaded when its section is opened. POST: record it."""
    _require_edit(request)
    party = _party_or_404(request, party_id)
    if request.method == "GET":
        return _form(
            request, party, "relationship_form_fields", relationship_form=RelationshipForm()
        )
    form = RelationshipForm(data=request.POST)
    if form.is_valid():
        other = party_queryset(user=request.user).filter(pk=form.cleaned_data["other"]).first()
        if other is None:
            form.add_error("other", "There is no customer with this number.")
        else:
            person, organisation = (party, other) if party.is_person else (other, party)
            try:
                services.relationship_add(
                    person=person,
                    organisation=organisation,
                    actor=request.user,
                    role=form.cleaned_data["role"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except PermissionDenied as exc:
                raise Forbidden(str(exc)) from exc
            else:
                form = RelationshipForm()
    return _section(request, party_id, "relationships", relationship_form=form)
