"""Clients that call the API as a given staff member, with a real bearer token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from patron.accounts.models import Department, Role, User
from patron.accounts.services import api_token_create
from patron.testing import staff


class ApiClient(Client):
    """A Django test client that sends JSON and a bearer token on every request."""

    def __init__(self, raw_token: str) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {raw_token}")

    def post_json(self, path: str, data: object) -> object:
        return self.post(path, data=data, content_type="application/json")

    def patch_json(self, path: str, data: object) -> object:
        return self.patch(path, data=data, content_type="application/json")

    def put_json(self, path: str, data: object) -> object:
        return self.put(path, data=data, content_type="application/json")


@pytest.fixture
def client_for(db: None) -> Callable[[User], ApiClient]:
    def make(user: User) -> ApiClient:
        _, raw = api_token_create(user=user, name="tests")
        return ApiClient(raw)

    return make


@pytest.fixture
def finance_agent(finance_department: Department) -> User:
    return staff(Role.AGENT, finance_department, username="finance_agent")
