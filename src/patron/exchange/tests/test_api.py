"""The import upload and export download endpoints."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from patron.accounts.services import api_token_create
from patron.exchange.tests.conftest import PARTY_ROWS
from patron.parties.models import Party

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _upload(rows) -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    header = ["external_id", "kind", "given_name", "family_name", "organisation_name", "email"]
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return SimpleUploadedFile("parties.csv", buffer.getvalue().encode(), "text/csv")


def test_upload_imports_and_reports_counts(manager):
    response = _client(manager).post("/api/v1/imports/parties", {"file": _upload(PARTY_ROWS)})
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3 and response.json()["committed"] is True
    assert Party.objects.count() == 3


def test_invalid_rows_are_a_400_problem_and_nothing_is_written(manager):
    rows = [*PARTY_ROWS, {"external_id": "P9", "kind": "robot", "family_name": "X"}]
    response = _client(manager).post("/api/v1/imports/parties", {"file": _upload(rows)})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "kind"
    assert response.json()["errors"][0]["message"].startswith("line 5:")
    assert Party.objects.count() == 0


def test_skip_invalid_and_dry_run_flags(manager):
    rows = [*PARTY_ROWS, {"external_id": "P9", "kind": "robot", "family_name": "X"}]
    client = _client(manager)
    dry = client.post(
        "/api/v1/imports/parties?dry_run=true&skip_invalid=true", {"file": _upload(rows)}
    )
    assert dry.status_code == 200 and dry.json()["created"] == 3 and Party.objects.count() == 0
    done = client.post("/api/v1/imports/parties?skip_invalid=true", {"file": _upload(rows)})
    assert done.json()["rejected"] == 1 and Party.objects.count() == 3


def test_a_bad_file_and_an_agent_are_refused(manager, agent):
    empty = SimpleUploadedFile("p.csv", b"", "text/csv")
    response = _client(manager).post("/api/v1/imports/parties", {"file": empty})
    assert response.status_code == 400 and "empty" in response.json()["detail"]
    forbidden = _client(agent).post("/api/v1/imports/parties", {"file": _upload(PARTY_ROWS)})
    assert forbidden.status_code == 403 and Party.objects.count() == 0


def test_export_streams_csv_and_xlsx(manager):
    client = _client(manager)
    client.post("/api/v1/imports/parties", {"file": _upload(PARTY_ROWS)})
    response = client.get("/api/v1/exports/parties?format=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("external_id,kind,") and "P1,person,Ann,Smith" in text
    xlsx = client.get("/api/v1/exports/parties?format=xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
