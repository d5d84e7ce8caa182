"""Web import in four steps (upload → map the headers → preview and errors → import) and
export downloads. Every step calls the same service as the command line and the API."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from rapidfuzz import fuzz, process

from patron.accounts.permissions import can_export, can_import
from patron.exchange import selectors
from patron.exchange.formats import ImportFileError, csv_chunks, iter_batches, read_header
from patron.exchange.schema import KINDS, SCHEMAS
from patron.exchange.services import import_check_file, import_file
from patron.exchange.uploads import discard_upload, store_upload, upload_path

SESSION_KEY = "exchange_imports"
PREVIEW_ROWS = 10
SHOWN_ERRORS = 200
# Headers other systems use for our columns, so the mapping step can suggest them.
ALIASES = {
    "first name": "given_name",
    "forename": "given_name",
    "last name": "family_name",
    "surname": "family_name",
    "company": "organisation_name",
    "organization": "organisation_name",
    "e-mail": "email",
    "email address": "email",
    "telephone": "phone",
    "mobile": "phone",
    "address": "street",
    "zip": "postcode",
    "post code": "postcode",
    "birthday": "date_of_birth",
    "customer id": "external_id",
    "id": "external_id",
    "price": "unit_price",
    "cost": "unit_cost",
    "qty": "quantity",
    "order id": "order_external_id",
    "customer": "party_external_id",
}


def _require_import(request: HttpRequest) -> None:
    if not can_import(request.user):
        raise DjangoPermissionDenied("Only a manager may import data.")


def _state(request: HttpRequest, token: str) -> dict[str, Any]:
    state = request.session.get(SESSION_KEY, {}).get(token)
    if state is None or upload_path(token) is None:
        raise Http404("This upload has expired. Upload the file again.")
    return dict(state)


def _save_state(request: HttpRequest, token: str, state: dict[str, Any]) -> None:
    imports = dict(request.session.get(SESSION_KEY, {}))
    imports[token] = state
    request.session[SESSION_KEY] = imports


def suggest(header: str, kind: str) -> str:
    """The canonical column a file header most likely means, or "" to ignore it."""
    key = header.strip().lower().replace("_", " ")
    columns = SCHEMAS[kind].columns
    if header.strip().lower() in columns:
        return header.strip().lower()
    if ALIASES.get(key) in columns:
        return ALIASES[key]
    choices = {c: c.replace("_", " ") for c in columns}
    match = process.extractOne(key, choices, scorer=fuzz.WRatio, score_cutoff=80)
    return str(match[2]) if match else ""


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the kind and the file. Also the page with the export buttons."""
    may_import = can_import(request.user)
    error = ""
    kind = request.POST.get("kind", "parties")
    if request.method == "POST":
        _require_import(request)
        file = request.FILES.get("file")
        if kind not in KINDS:
            error = "Choose what the file holds."
        elif file is None:
            error = "Choose a CSV or XLSX file."
        else:
            path = store_upload(file, file.name or "upload.csv")
            _save_state(request, path.name, {"kind": kind, "name": file.name, "mapping": None})
            return redirect("web:exchange:map", token=path.name)
    return render(
        request,
        "exchange/upload.html",
        {
            "kinds": KINDS,
            "kind": kind,
            "error": error,
            "may_import": may_import,
            "may_export": can_export(request.user),
            "schemas": SCHEMAS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def map_columns(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2: say which column each header of the file fills (suggested by fuzzy match)."""
    _require_import(request)
    state = _state(request, token)
    path = upload_path(token)
    assert path is not None
    kind = state["kind"]
    try:
        headers = read_header(path)
    except ImportFileError as exc:
        discard_upload(path)
        return render(request, "exchange/problem.html", {"message": str(exc)}, status=400)
    if request.method == "POST":
        mapping = {h: (request.POST.get(f"col_{i}") or None) for i, h in enumerate(headers)}
        state["mapping"] = mapping
        _save_state(request, token, state)
        return redirect("web:exchange:preview", token=token)
    saved = state.get("mapping") or {}
    rows = [
        {"index": i, "header": h, "chosen": saved.get(h, suggest(h, kind)) or ""}
        for i, h in enumerate(headers)
    ]
    return render(
        request,
        "exchange/map.html",
        {
            "token": token,
            "kind": kind,
            "name": state["name"],
            "rows": rows,
            "columns": SCHEMAS[kind].columns,
            "required": sorted(SCHEMAS[kind].required),
        },
    )


@login_required
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """Step 3: the first rows as Patron reads them and every invalid row (a dry run)."""
    _require_import(request)
    state = _state(request, token)
    path = upload_path(token)
    assert path is not None
    kind = state["kind"]
    try:
        source = import_check_file(kind=kind, path=path, mapping=state.get("mapping"))
        first = next(iter_batches(source, PREVIEW_ROWS))
        result = import_file(
            actor=request.user, kind=kind, path=path, mapping=state.get("mapping"), dry_run=True
        )
    except ImportFileError as exc:
        return render(
            request,
            "exchange/problem.html",
            {"message": str(exc), "token": token, "kind": kind},
            status=400,
        )
    columns = [c for c in SCHEMAS[kind].columns if c in source.present]
    by_column = {c: h for h, c in source.rename.items()}
    sample = [
        {"line": row["__line"], "cells": [row[by_column[c]] or "" for c in columns]}
        for row in first.head(PREVIEW_ROWS).iter_rows(named=True)
    ]
    return render(
        request,
        "exchange/preview.html",
        {
            "token": token,
            "kind": kind,
            "name": state["name"],
            "columns": columns,
            "ignored": source.ignored,
            "sample": sample,
            "result": result,
            "errors": result.errors[:SHOWN_ERRORS],
        },
    )


@login_required
@require_POST
def run(request: HttpRequest, token: str) -> HttpResponse:
    """Step 4: import for real, then show what changed."""
    _require_import(request)
    state = _state(request, token)
    path = upload_path(token)
    assert path is not None
    skip_invalid = request.POST.get("skip_invalid") == "on"
    try:
        result = import_file(
            actor=request.user,
            kind=state["kind"],
            path=path,
            mapping=state.get("mapping"),
            skip_invalid=skip_invalid,
        )
    except ImportFileError as exc:
        return render(request, "exchange/problem.html", {"message": str(exc)}, status=400)
    if result.committed:
        discard_upload(path)
        imports = dict(request.session.get(SESSION_KEY, {}))
        imports.pop(token, None)
        request.session[SESSION_KEY] = imports
    return render(
        request,
        "exchange/result.html",
        {
            "kind": state["kind"],
            "name": state["name"],
            "result": result,
            "errors": result.errors[:SHOWN_ERRORS],
            "token": token,
        },
        status=200 if result.committed else 400,
    )


@login_required
def export(request: HttpRequest, kind: str) -> HttpResponseBase:
    """Download every ``kind`` record the user may see (CSV streamed, or XLSX)."""
    if kind not in KINDS:
        raise Http404("No such export.")
    if not can_export(request.user):
        raise DjangoPermissionDenied("You may not export data.")
    if request.GET.get("format") == "xlsx":
        from patron.exchange.services import export_file

        with tempfile.NamedTemporaryFile(suffix=".xlsx") as scratch:
            export_file(actor=request.user, kind=kind, target=Path(scratch.name), fmt="xlsx")
            download = open(scratch.name, "rb")  # noqa: SIM115 - the response closes it
        return FileResponse(download, as_attachment=True, filename=f"{kind}.xlsx")
    rows = selectors.export_rows(kind=kind, actor=request.user)
    response = StreamingHttpResponse(
        csv_chunks(selectors.export_header(kind), rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
