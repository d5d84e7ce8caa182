"""Who may call the API, and the OpenAPI document and docs page it publishes."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from patron.accounts.services import api_token_create, api_token_revoke
from patron.parties.models import Party

pytestmark = pytest.mark.django_db

PARTIES = "/api/v1/parties"


def test_valid_token_reads_and_writes_without_csrf(agent):
    _, raw = api_token_create(user=agent, name="shop sync")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(PARTIES).status_code == 200
    created = client.post(PARTIES, {"family_name": "Okafor"}, content_type="application/json")
    assert created.status_code == 201, created.content


@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer ptn_forged", "Basic dXNlcjpwYXNz"])
def test_missing_or_forged_credentials_are_401_problems(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get(PARTIES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_revoked_token_is_refused(agent):
    token, raw = api_token_create(user=agent, name="old")
    api_token_revoke(token=token, actor=agent)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get(PARTIES).status_code == 401
    assert (
        client.post(PARTIES, {"family_name": "X"}, content_type="application/json").status_code
        == 401
    )
    assert not Party.objects.exists()


def test_expired_token_is_refused(agent):
    _, raw = api_token_create(
        user=agent, name="short", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(PARTIES).status_code == 401


def test_token_of_a_deactivated_user_is_refused(agent):
    _, raw = api_token_create(user=agent, name="leaver")
    agent.is_active = False
    agent.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(PARTIES).status_code == 401


def test_session_reads_freely_but_writes_only_with_the_csrf_token(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get(PARTIES).status_code == 200
    refused = client.post(PARTIES, {"family_name": "Okafor"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Party.objects.exists()
    client.get("/api/v1/docs")  # any page that renders the token sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        PARTIES,
        {"family_name": "Okafor"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 201, accepted.content


def test_openapi_document_is_json_and_lists_every_endpoint(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    expected = {
        ("GET", "/api/v1/parties"),
        ("POST", "/api/v1/parties"),
        ("GET", "/api/v1/parties/{party_id}"),
        ("PATCH", "/api/v1/parties/{party_id}"),
        ("GET", "/api/v1/parties/{party_id}/contact-points"),
        ("POST", "/api/v1/parties/{party_id}/contact-points"),
        ("POST", "/api/v1/parties/{party_id}/contact-points/{point_id}/make-primary"),
        ("DELETE", "/api/v1/parties/{party_id}/contact-points/{point_id}"),
        ("GET", "/api/v1/parties/{party_id}/relationships"),
        ("POST", "/api/v1/parties/{party_id}/relationships"),
        ("PUT", "/api/v1/parties/{party_id}/tags"),
        ("GET", "/api/v1/parties/{party_id}/preferences"),
        ("POST", "/api/v1/parties/{party_id}/preferences"),
        ("GET", "/api/v1/parties/{party_id}/timeline"),
        ("GET", "/api/v1/products"),
        ("POST", "/api/v1/products"),
        ("GET", "/api/v1/products/{product_id}"),
        ("PATCH", "/api/v1/products/{product_id}"),
        ("GET", "/api/v1/orders"),
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/orders/{order_id}"),
        ("GET", "/api/v1/orders/{order_id}/returns"),
        ("POST", "/api/v1/orders/{order_id}/returns"),
        ("GET", "/api/v1/invoices"),
        ("POST", "/api/v1/invoices"),
        ("GET", "/api/v1/invoices/{invoice_id}"),
        ("POST", "/api/v1/invoices/{invoice_id}/reminders"),
        ("GET", "/api/v1/payments"),
        ("POST", "/api/v1/payments"),
        ("GET", "/api/v1/payments/{payment_id}"),
        ("GET", "/api/v1/interactions"),
        ("POST", "/api/v1/interactions"),
        ("GET", "/api/v1/interactions/{interaction_id}"),
        ("PATCH", "/api/v1/interactions/{interaction_id}"),
        ("DELETE", "/api/v1/interactions/{interaction_id}"),
    }
    assert expected <= operations, sorted(expected - operations)
    schemes = document["components"]["securitySchemes"]
    assert {s.get("scheme") for s in schemes.values()} >= {"bearer"}
    assert "Problem" in document["components"]["schemas"]


def test_docs_page_loads_its_assets_from_this_server_not_a_cdn(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    for asset in assets:
        response = Client().get(asset)
        assert response.status_code == 200, asset
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body, asset
