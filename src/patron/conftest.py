"""Fixtures every app's tests share."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from patron.accounts.models import Department, Role, User
from patron.testing import DepartmentFactory, staff

# CI replays the same generated examples on every run, so a landing never depends on luck;
# developers keep exploring new examples locally.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; tests hash hundreds of passwords and need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sales_department(db: None) -> Department:
    return DepartmentFactory(code="sales", name="Sales")


@pytest.fixture
def service_department(db: None) -> Department:
    return DepartmentFactory(code="service", name="Customer service")


@pytest.fixture
def finance_department(db: None) -> Department:
    return DepartmentFactory(code="finance", name="Finance")


@pytest.fixture
def agent(sales_department: Department) -> User:
    return staff(Role.AGENT, sales_department, username="agent")


@pytest.fixture
def manager(sales_department: Department) -> User:
    return staff(Role.MANAGER, sales_department, username="manager")


@pytest.fixture
def reader(sales_department: Department) -> User:
    return staff(Role.READ_ONLY, sales_department, username="reader")


@pytest.fixture
def admin_user(sales_department: Department) -> User:
    return staff(Role.ADMIN, sales_department, username="boss")


@pytest.fixture
def service_agent(service_department: Department) -> User:
    return staff(Role.AGENT, service_department, username="service_agent")
