"""The web import: upload, map, preview with errors, import; and export downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from patron.exchange.tests.conftest import PARTY_ROWS
from patron.exchange.views import suggest
from patron.parties.models import Party

pytestmark = pytest.mark.django_db


def _file(rows, header) -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    return SimpleUploadedFile("customers.csv", buffer.getvalue().encode(), "text/csv")


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


HEADER = ["Customer ID", "Type", "First name", "Surname", "E-mail"]
ROWS = [
    ["C1", "person", "Ann", "Smith", "ann@example.com"],
    ["C2", "person", "Bob", "Jones", "not-an-email"],
]


def test_mapping_suggestions_come_from_aliases_and_fuzzy_matching():
    assert suggest("Customer ID", "parties") == "external_id"
    assert suggest("Surname", "parties") == "family_name"
    assert suggest("Postcode ", "parties") == "postcode"
    assert suggest("acquisition chanel", "parties") == "acquisition_channel"
    assert suggest("Shoe size", "parties") == ""


def test_a_manager_walks_through_upload_map_preview_and_import(manager):
    client = _login(manager)
    # when a file is uploaded, it goes to the mapping step with suggestions selected
    response = client.post("/import/", {"kind": "parties", "file": _file(ROWS, HEADER)})
    assert response.status_code == 302
    map_url = response["Location"]
    page = client.get(map_url).content.decode()
    assert '<option value="external_id" selected>' in page
    token = map_url.split("/")[2]
    # when the mapping is confirmed, the preview shows the first rows and the bad row
    mapping = {
        f"col_{i}": c
        for i, c in enumerate(["external_id", "kind", "given_name", "family_name", "email"])
    }
    response = client.post(map_url, mapping)
    preview = client.get(response["Location"]).content.decode()
    assert "Ann" in preview and "not-an-email" in preview
    assert "is not a valid email address" in preview
    assert 'id="run-import" disabled' in preview
    # then importing without skipping writes nothing; skipping imports the valid row
    refused = client.post(f"/import/{token}/run/", {})
    assert refused.status_code == 400 and Party.objects.count() == 0
    done = client.post(f"/import/{token}/run/", {"skip_invalid": "on"})
    assert done.status_code == 200 and "Imported parties" in done.content.decode()
    assert list(Party.objects.values_list("external_id", flat=True)) == ["C1"]


def test_a_file_that_is_not_utf8_gets_a_clear_page(manager):
    client = _login(manager)
    upload = SimpleUploadedFile(
        "x.csv", "external_id,kind,family_name\nP1,person,Müller\n".encode("cp1252")
    )
    response = client.post("/import/", {"kind": "parties", "file": upload})
    page = client.get(response["Location"])
    assert page.status_code == 400 and "not UTF-8" in page.content.decode()


def test_agents_may_not_import_but_may_export(agent):
    client = _login(agent)
    assert "Managers import" in client.get("/import/").content.decode()
    response = client.post("/import/", {"kind": "parties", "file": _file(ROWS, HEADER)})
    assert response.status_code == 403
    Party.objects.create(
        kind="person", family_name="Okafor", display_name="Okafor", external_id="K1"
    )
    export = client.get("/import/export/parties/?format=csv")
    assert b"K1,person" in b"".join(export.streaming_content)


def test_the_preview_of_a_valid_file_enables_the_import_button(manager):
    client = _login(manager)
    header = ["external_id", "kind", "given_name", "family_name", "organisation_name"]
    rows = [[r.get(h, "") for h in header] for r in PARTY_ROWS]
    response = client.post("/import/", {"kind": "parties", "file": _file(rows, header)})
    map_url = response["Location"]
    mapping = {f"col_{i}": c for i, c in enumerate(header)}
    preview = client.get(client.post(map_url, mapping)["Location"]).content.decode()
    assert 'id="run-import">' in preview and "3 new" in preview
