"""Database housekeeping shared by the bulk loaders."""

from __future__ import annotations

from django.db import connection


def refresh_planner_statistics() -> None:
    """Update the query planner's statistics after a bulk load.

    Without them SQLite reads ``merged_into IS NULL ORDER BY sort_name`` through the wrong
    index and sorts every customer (0.1 s at 130,000 customers, over a second at a
    million); PostgreSQL's autovacuum catches up only minutes later. On SQLite the
    analysis samples at most 1,000 rows per index, so it costs well under a second.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
