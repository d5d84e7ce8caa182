"""Schemathesis fuzzes every operation of /api/v1/openapi.json: no input may cause a 500.

It generates valid and invalid payloads, query strings and path ids from the OpenAPI
document itself, so a new endpoint is covered as soon as it is mounted.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from patron.accounts.services import api_token_create
from patron.config.wsgi import application
from patron.testing import InteractionFactory, InvoiceFactory, OrderLineFactory, PartyFactory


@pytest.fixture
def bearer(admin_user) -> dict[str, str]:
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
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_no_input_makes_the_api_fail_with_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
