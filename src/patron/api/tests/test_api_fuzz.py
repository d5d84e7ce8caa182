"""Schemathesis fuzzes every operation of /api/v1/openapi.json.

It generates valid and invalid payloads, query strings and path ids from the OpenAPI
document itself, so a new endpoint is covered as soon as it is mounted. No input may cause
a 500, every response must match its documented schema and media type, and input that
breaks the schema must be rejected. Derandomized, so a run is reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
)

from patron.accounts.services import api_token_create
from patron.config.wsgi import application
from patron.testing import InteractionFactory, InvoiceFactory, OrderLineFactory, PartyFactory


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Stop each WSGI request from closing the test's database connection.

    Django's own test client does the same; without it, PostgreSQL loses the test
    transaction after the first request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(admin_user, keep_test_connection) -> dict[str, str]:
    # Some real rows so generated ids sometimes hit existing records.
    party = PartyFactory(id=1)
    OrderLineFactory(order__id=1, order__party=party, product__id=1)
    InvoiceFactory(id=1, party=party)
    InteractionFactory(id=1, party=party)
    _, raw = api_token_create(user=admin_user, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_every_operation_answers_any_input_as_documented(case, bearer):
    case.call_and_validate(
        headers=bearer,
        checks=[
            not_a_server_error,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,
        ],
    )
