"""Logging an interaction from the customer page; the new event joins the timeline in place."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from patron.accounts.permissions import PermissionDenied, can_log_interaction_for
from patron.interactions.forms import InteractionLogForm
from patron.interactions.services import interaction_log
from patron.interactions.timeline import InteractionSource
from patron.parties.forms import apply_service_errors
from patron.parties.selectors import party_queryset

FORM = "interactions/log_form.html"


@login_required
@require_http_methods(["GET", "POST"])
def interaction_log_view(request: HttpRequest, party_id: int) -> HttpResponse:
    """Show the log form (GET) or log the interaction (POST)."""
    if not can_log_interaction_for(request.user, None):
        raise Forbidden("You may not log interactions.")
    party = party_queryset(user=request.user).filter(pk=party_id).first()
    if party is None:
        raise Http404("No such customer.")
    htmx = bool(getattr(request, "htmx", False))
    form = InteractionLogForm(data=request.POST or None, user=request.user)
    context = {"party": party, "log_form": form}
    if request.method == "POST" and form.is_valid():
        try:
            interaction = interaction_log(
                party=party, actor=request.user, **form.service_arguments()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from exc
        else:
            if not htmx:
                messages.success(request, "Interaction logged.")
                return redirect(reverse("web:customer", args=[party.pk]))
            event = InteractionSource().to_event(interaction)
            fresh = InteractionLogForm(user=request.user)
            return render(
                request,
                f"{FORM}#logged",
                {"party": party, "log_form": fresh, "event": event, "logged": True},
            )
    if htmx:
        return render(request, f"{FORM}#form", context)
    return render(request, "interactions/log_page.html", context)
