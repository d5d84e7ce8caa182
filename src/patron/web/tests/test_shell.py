"""The shell every staff page sits in: login, navigation, stylesheet."""

from __future__ import annotations

import pytest
from django.test import Client

from patron.accounts.models import User

pytestmark = pytest.mark.django_db


def test_login_page_renders_the_styled_form(client: Client) -> None:
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body
    assert "web/patron.css" in body


def test_login_with_a_wrong_password_says_so_and_stays_signed_out(
    client: Client, agent: User
) -> None:
    response = client.post("/login/", {"username": "agent", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_out_visitors_are_sent_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_pages_load_htmx_from_the_installed_package_and_send_the_csrf_header(
    client: Client, agent: User
) -> None:
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in body
    assert "X-CSRFToken" in body
    assert "https://" not in body.split("<body")[0]


def test_navigation_marks_the_current_section_and_shows_admin_to_staff_only(
    client: Client, agent: User
) -> None:
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert 'aria-current="page"' in body
    assert ">Customers" in body
    assert 'href="/admin/"' in body

    agent.is_staff = False
    agent.save(update_fields=["is_staff"])
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_static_files_are_served_without_collectstatic(client: Client) -> None:
    for path in ("/static/web/patron.css", "/static/django_htmx/htmx-2.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_only_administrators_see_the_audit_log_in_the_navigation(
    client: Client, agent: User, admin_user: User
) -> None:
    client.force_login(agent)
    assert ">Audit log" not in client.get("/").content.decode()
    client.force_login(admin_user)
    assert ">Audit log" in client.get("/").content.decode()
