"""Planner statistics after a bulk load keep the customer list on its index."""

from __future__ import annotations

import pytest
from django.db import connection

from patron.core.db import refresh_planner_statistics
from patron.parties.models import Party
from patron.parties.selectors import party_list
from patron.testing import PartyFactory

pytestmark = pytest.mark.django_db


def _plan(sql: str, params: tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(str(row[0]) for row in cursor.fetchall())


def test_customer_list_reads_the_name_index_after_statistics_are_refreshed(agent):
    Party.objects.bulk_create(
        [PartyFactory.build(external_id=f"B{i}", family_name=f"Name{i:04d}") for i in range(2000)]
    )
    refresh_planner_statistics()
    qs = Party.objects.filter(merged_into__isnull=True).order_by("sort_name", "id")[:51]
    sql, params = qs.query.sql_with_params()
    plan = _plan(sql, params)
    assert "party_sort_idx" in plan
    assert "TEMP B-TREE" not in plan
    assert len(party_list(user=agent, limit=50).items) == 50
