"""The /api/v1 root: one NinjaAPI that mounts each app's router."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Patron API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
