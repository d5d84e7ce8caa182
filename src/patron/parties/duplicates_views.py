"""Staff pages for duplicate customers: the review list, the side-by-side compare and merge
page, and "not a duplicate". Each request is one selector or one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import PermissionDenied, can_merge_customers, can_view_customers
from patron.core.pagination import InvalidCursor
from patron.parties import services
from patron.parties.duplicates import (
    duplicate_candidates,
    duplicate_pair_for,
    merge_comparison,
    party_for_merge,
    related_counts,
)
from patron.parties.models import Party
from patron.parties.services import MERGE_CONTACT_FIELDS, MERGE_FIELDS, MERGE_SIDES

PAGE_SIZE = 50


def _require_view(request: HttpRequest) -> None:
    if not can_view_customers(request.user):
        raise Forbidden("You are not a member of any department, so you cannot see customers.")


def _require_merge(request: HttpRequest) -> None:
    if not can_merge_customers(request.user):
        raise Forbidden("Only a manager may merge customers or dismiss duplicates.")


def _url(request: HttpRequest, name: str, *args: int) -> str:
    """Reverse a page of this module wherever its URLs are mounted (and namespaced)."""
    match = request.resolver_match
    namespace = match.namespace if match else "duplicates"
    return reverse(f"{namespace}:{name}", args=args)


def _error_text(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return list(exc.messages)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Pairs of likely duplicates, most likely first; HTMX asks for further rows."""
    _require_view(request)
    try:
        page = duplicate_candidates(
            user=request.user, limit=PAGE_SIZE, cursor=request.GET.get("cursor") or None
        )
    except InvalidCursor:
        return HttpResponseBadRequest("That page link is no longer valid; start again.")
    context = {
        "page": page,
        "rows": [
            {
                "pair": pair,
                "compare_url": _url(request, "compare", pair.party_a_id, pair.party_b_id),
                "dismiss_url": _url(request, "dismiss", pair.party_a_id, pair.party_b_id),
            }
            for pair in page.items
        ],
        "review_url": _url(request, "review"),
        "scan_url": _url(request, "scan"),
        "can_merge": can_merge_customers(request.user),
    }
    if request.htmx and request.GET.get("cursor"):  # type: ignore[attr-defined]
        return render(request, "parties/duplicates/review.html#rows", context)
    return render(request, "parties/duplicates/review.html", context)


@login_required
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    _require_merge(request)
    try:
        result = services.duplicates_scan(actor=request.user)
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from exc
    messages.success(
        request,
        f"Scan finished: {result['candidates']} possible duplicate pairs"
        + (
            f"; {result['skipped_blocks']} shared addresses or numbers held by very many "
            "customers were left out"
            if result["skipped_blocks"]
            else ""
        )
        + ".",
    )
    return redirect(_url(request, "review"))


def _two_parties(request: HttpRequest, first_id: int, second_id: int) -> tuple[Party, Party]:
    if first_id == second_id:
        raise Http404("A customer cannot be compared with itself.")
    first = party_for_merge(user=request.user, party_id=first_id)
    second = party_for_merge(user=request.user, party_id=second_id)
    if first is None or second is None:
        raise Http404("No such customer.")
    return first, second


@login_required
@require_http_methods(["GET", "POST"])
def compare(request: HttpRequest, survivor_id: int, merged_id: int) -> HttpResponse:
    """Both customers side by side; the manager picks each differing value and merges."""
    _require_view(request)
    survivor, merged = _two_parties(request, survivor_id, merged_id)
    errors: list[str] = []
    chosen: dict[str, str] = {}
    if request.method == "POST":
        _require_merge(request)
        names = (*MERGE_FIELDS, *MERGE_CONTACT_FIELDS)
        chosen = {
            name: request.POST[name] for name in names if request.POST.get(name) in MERGE_SIDES
        }
        try:
            kept = services.party_merge(
                survivor=survivor, merged=merged, actor=request.user, field_choices=chosen
            )
        except ValidationError as exc:
            errors = _error_text(exc)
        except PermissionDenied as exc:
            raise Forbidden(str(exc)) from exc
        else:
            messages.success(request, f"{merged.display_name} was merged into {kept.display_name}.")
            return redirect(reverse("web:customer", args=[kept.pk]))
    rows = merge_comparison(survivor=survivor, merged=merged)
    context = {
        "survivor": survivor,
        "merged": merged,
        "rows": [{"row": row, "choice": chosen.get(row.name, row.default)} for row in rows],
        "survivor_history": related_counts(party=survivor),
        "merged_history": related_counts(party=merged),
        "pair": duplicate_pair_for(user=request.user, first_id=survivor.pk, second_id=merged.pk),
        "can_merge": can_merge_customers(request.user),
        "errors": errors,
        "review_url": _url(request, "review"),
        "swap_url": _url(request, "compare", merged.pk, survivor.pk),
        "dismiss_url": _url(request, "dismiss", survivor.pk, merged.pk),
        "blocked": survivor.merged_into_id is not None
        or merged.merged_into_id is not None
        or survivor.kind != merged.kind,
    }
    return render(
        request, "parties/duplicates/compare.html", context, status=400 if errors else 200
    )


@login_required
@require_POST
def dismiss(request: HttpRequest, first_id: int, second_id: int) -> HttpResponse:
    """Mark the pair "not a duplicate" so that no scan offers it again."""
    _require_merge(request)
    first, second = _two_parties(request, first_id, second_id)
    try:
        services.duplicate_dismiss(party_a=first, party_b=second, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_error_text(exc)))
    except PermissionDenied as exc:
        raise Forbidden(str(exc)) from exc
    else:
        messages.success(
            request,
            f"{first.display_name} and {second.display_name} are marked as different customers.",
        )
    return redirect(_url(request, "review"))
