"""The /api/v1 root: one NinjaAPI that mounts each app's router.

To add an app's endpoints, add one ``api.add_router(...)`` line at the end.
"""

from __future__ import annotations

from ninja import Swagger

from patron.accounts.api_auth import default_auth
from patron.accounts.permissions import PermissionDenied
from patron.core.api import PatronAPI, install_error_handlers
from patron.interactions.api import router as interactions_router
from patron.parties.api import router as parties_router
from patron.sales.api import invoices_router, orders_router, payments_router, products_router

api = PatronAPI(
    title="Patron API",
    version="1",
    description="Customers, sales, billing and interactions. See docs/reference/api.md.",
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=default_auth(),
)
install_error_handlers(api, forbidden=[PermissionDenied])

api.add_router("/parties", parties_router)
api.add_router("/products", products_router)
api.add_router("/orders", orders_router)
api.add_router("/invoices", invoices_router)
api.add_router("/payments", payments_router)
api.add_router("/interactions", interactions_router)
api.add_router("/duplicates", "patron.parties.duplicates_api.router")
api.add_router("/", "patron.exchange.api.router")
api.add_router("/", "patron.insights.api.router")
