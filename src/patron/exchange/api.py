"""/api/v1/imports/{kind} (upload) and /api/v1/exports/{kind} (streaming download)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from patron.accounts.permissions import PermissionDenied, can_export, can_import, require
from patron.core.api import ERRORS, actor, problem
from patron.exchange import selectors
from patron.exchange.formats import ImportFileError, csv_chunks, load_mapping
from patron.exchange.services import export_file, import_file
from patron.exchange.uploads import discard_upload, store_upload

router = Router(tags=["imports"])
KindName = Literal["parties", "products", "orders", "interactions"]
SHOWN_ERRORS = 100


class RowErrorOut(Schema):
    line: int
    column: str
    reason: str


class ImportOut(Schema):
    committed: bool
    dry_run: bool
    rows_read: int
    created: int
    updated: int
    unchanged: int
    removed: int
    rejected: int
    error_count: int
    errors: list[RowErrorOut]


class ImportFlags(Schema):
    dry_run: bool = False
    skip_invalid: bool = False


@router.post("/imports/{kind}", response={200: ImportOut, **ERRORS})
def import_upload(
    request: HttpRequest,
    kind: KindName,
    flags: Query[ImportFlags],
    file: File[UploadedFile],
    mapping: File[UploadedFile] | None = None,
) -> HttpResponse | ImportOut:
    """Import a CSV or XLSX file (multipart field ``file``; optional ``mapping`` JSON/CSV).

    400 problem+json when the file cannot be read or has invalid rows and nothing was
    written; with ``skip_invalid`` the valid rows are written and the errors listed.
    """
    user = actor(request)
    require(can_import(user), "Only a manager may import data.")
    if file.size and file.size > settings.PATRON_IMPORT_MAX_UPLOAD_BYTES:
        limit = settings.PATRON_IMPORT_MAX_UPLOAD_BYTES
        return problem(400, "File too large", f"The file is over {limit:,} bytes.", kind="file")
    path = store_upload(file, file.name or "upload.csv")
    map_path = store_upload(mapping, mapping.name or "mapping.json") if mapping else None
    try:
        rename = load_mapping(map_path) if map_path else None
        result = import_file(
            actor=user,
            kind=kind,
            path=path,
            mapping=rename,
            dry_run=flags.dry_run,
            skip_invalid=flags.skip_invalid,
        )
    except ImportFileError as exc:
        return problem(400, "The file cannot be imported", str(exc), kind="import-file")
    finally:
        discard_upload(path)
        if map_path:
            discard_upload(map_path)
    errors = [
        RowErrorOut(line=e.line, column=e.column, reason=e.reason)
        for e in result.errors[:SHOWN_ERRORS]
    ]
    if result.rejected and not result.skip_invalid:
        return problem(
            400,
            "Invalid rows",
            f"{result.rejected} rows are invalid, so nothing was imported. Fix them or "
            "set skip_invalid=true.",
            kind="invalid-rows",
            errors=[(e.column, f"line {e.line}: {e.reason}") for e in errors],
        )
    return ImportOut(
        committed=result.committed,
        dry_run=result.dry_run,
        error_count=result.error_count,
        errors=errors,
        **result.counts(),
    )


@router.get("/exports/{kind}", response={200: None, **ERRORS})
def export_download(
    request: HttpRequest, kind: KindName, format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponseBase:
    """Every record of ``kind`` the caller may see, in the canonical import columns."""
    user = actor(request)
    if not can_export(user):
        raise PermissionDenied("You may not export data.")
    if format == "xlsx":
        # The temporary file is unlinked when ``scratch`` closes; the response keeps its own
        # open handle, so the download streams from disk and nothing is left behind.
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as scratch:
            export_file(actor=user, kind=kind, target=Path(scratch.name), fmt="xlsx")
            download = open(scratch.name, "rb")  # noqa: SIM115
        return FileResponse(download, as_attachment=True, filename=f"{kind}.xlsx")
    rows = selectors.export_rows(kind=kind, actor=user)
    response = StreamingHttpResponse(
        csv_chunks(selectors.export_header(kind), rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
