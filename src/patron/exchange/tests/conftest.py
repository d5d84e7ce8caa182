"""Helpers for import tests: write a CSV from rows and run the import service."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from patron.exchange.schema import SCHEMAS


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a temporary MEDIA_ROOT, never the developer's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        name: str,
        rows: Sequence[dict[str, str]] | Sequence[Sequence[str]],
        header: Sequence[str] | None = None,
        kind: str | None = None,
    ) -> Path:
        path = tmp_path / name
        if header is None:
            header = list(SCHEMAS[kind].columns) if kind else list(rows[0])  # type: ignore[arg-type]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                if isinstance(row, dict):
                    writer.writerow([row.get(h, "") for h in header])
                else:
                    writer.writerow(row)
        return path

    return write


PARTY_ROWS = [
    {
        "external_id": "O1",
        "kind": "organisation",
        "organisation_name": "Acme Ltd",
        "email": "info@acme.example",
        "phone": "+44 20 7946 0000",
        "street": "1 High Street",
        "city": "London",
        "postcode": "sw1a 1aa",
        "country": "gb",
        "acquisition_channel": "web",
        "acquired_at": "2024-01-02T10:00:00Z",
        "tags": "b2b",
    },
    {
        "external_id": "P1",
        "kind": "person",
        "given_name": "Ann",
        "family_name": "Smith",
        "email": "Ann@Example.com",
        "phone": "020 7946 0001",
        "date_of_birth": "1980-05-01",
        "acquisition_channel": "store",
        "acquired_at": "2024-02-03 09:30",
        "employer_external_id": "O1",
        "tags": "VIP; newsletter|vip",
    },
    {"external_id": "P2", "kind": "person", "given_name": "Zoë", "family_name": "Ärger"},
]
