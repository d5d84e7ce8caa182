"""The audit log page: administrators only, newest first, filters, diffs, keyset pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patron.accounts.models import User
from patron.core.models import AuditEntry
from patron.parties.services import party_create, party_merge, party_update

pytestmark = pytest.mark.django_db

URL = "/audit/"


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_administrators_may_read_the_audit_log(
    agent: User, manager: User, reader: User, admin_user: User
) -> None:
    for user in (agent, manager, reader):
        assert _login(user).get(URL).status_code == 403
    assert _login(admin_user).get(URL).status_code == 200
    assert Client().get(URL).status_code == 302


def test_an_update_shows_each_changed_field_before_and_after(admin_user: User, agent: User) -> None:
    # given an agent renamed a customer
    party = party_create(actor=agent, given_name="Ada", family_name="Byron")
    party_update(party=party, actor=agent, family_name="Lovelace")
    # when an admin reads the log
    response = _login(admin_user).get(URL)
    # then the newest entry is the update, with the old and new name
    entries = response.context["entries"]
    entry, changes = entries[0]
    assert entry.action == "update" and entry.actor == agent
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("family_name", "Byron", "Lovelace"),
        ("display_name", "Ada Byron", "Ada Lovelace"),
    ]
    html = response.content.decode()
    assert "<del>Byron</del>" in html and "<ins>Lovelace</ins>" in html


def test_filters_by_type_actor_action_and_record(
    admin_user: User, agent: User, manager: User
) -> None:
    first = party_create(actor=agent, given_name="Ada", family_name="Byron")
    party_create(actor=manager, given_name="Bob", family_name="Smith")
    party_update(party=first, actor=agent, family_name="Lovelace")
    client = _login(admin_user)

    def ids(**params: str) -> list[tuple[str, str]]:
        page = client.get(URL, params).context["entries"]
        return [(e.action, e.actor_label) for e, _ in page]

    assert ids(actor="agent") == [("update", "agent"), ("create", "agent")]
    assert ids(action="create", object_type="parties.party") == [
        ("create", "manager"),
        ("create", "agent"),
    ]
    assert ids(object_type="parties.party", object_id=str(first.pk)) == [
        ("update", "agent"),
        ("create", "agent"),
    ]
    assert ids(actor="nobody-by-that-name") == []
    # an unknown type or action is ignored rather than an error
    assert client.get(URL, {"object_type": "x.y", "action": "explode"}).status_code == 200


def test_pages_follow_on_with_a_cursor_and_cost_the_same_queries(admin_user: User) -> None:
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now - dt.timedelta(seconds=i),
            action="update",
            object_type="parties.party",
            object_id=str(i),
            actor_label="system",
            before={"x": i},
            after={"x": i + 1},
        )
        for i in range(120)
    )
    client = _login(admin_user)
    first = client.get(URL)
    assert len(first.context["entries"]) == 50
    cursor = first.context["page"].next_cursor
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL, {"cursor": cursor}, HTTP_HX_REQUEST="true")
    assert "<html" not in second.content.decode()
    seen = re.findall(r"parties\.party #(\d+)", second.content.decode())
    assert seen == [str(i) for i in range(50, 100)]
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 6
    assert client.get(URL, {"cursor": "nope"}).status_code == 400


def test_a_merge_entry_shows_both_parties_changes(admin_user: User, manager: User) -> None:
    survivor = party_create(actor=manager, given_name="Ada", family_name="Lovelace")
    merged = party_create(actor=manager, given_name="Ada", family_name="King")
    party_merge(survivor=survivor, merged=merged, actor=manager)
    page = _login(admin_user).get(URL, {"action": "merge"}).context["entries"]
    fields = {c.field for _, changes in page for c in changes}
    assert "merged.merged_into_id" in fields
    assert "merged.is_active" in fields
