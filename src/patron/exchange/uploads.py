"""Uploaded import files kept under ``MEDIA_ROOT/imports/`` between the web import steps."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

_TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(upload: UploadedFile, name: str) -> Path:
    """Save an upload under a random name that keeps only its format (csv or xlsx)."""
    suffix = ".xlsx" if Path(name).suffix.lower() in {".xlsx", ".xlsm"} else ".csv"
    if Path(name).suffix.lower() == ".json":
        suffix = ".json"
    path = imports_dir() / f"{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


def upload_path(token: str) -> Path | None:
    """The stored upload named by ``token``, or None for anything that is not one of ours."""
    if not _TOKEN.match(token):
        return None
    path = imports_dir() / token
    return path if path.exists() else None


def discard_upload(path: Path) -> None:
    path.unlink(missing_ok=True)
