"""Patron's own settings plus a bench-only URL for the baseline endpoint.

Everything else (middleware, sessions, authentication, database options) is exactly what
``patron serve`` runs with, so the baseline pays the same per-request costs as the pages
it is compared with.
"""

from patron.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
