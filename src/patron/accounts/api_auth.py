"""How API requests prove who they are: bearer tokens for integrations, sessions for the web.

Both hand the view an active staff user as ``request.auth`` (and ``request.user``).
Session requests that change something must carry the CSRF token, exactly like a form
post; token requests need none, since a browser never sends the token by itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from patron.accounts.services import api_token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ptn_...``: a token made with ``patron token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token.strip())
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The staff web app's login session, with Django's CSRF check on unsafe methods."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # ``csrf=True`` tells the docs page to send the token; the check itself runs in
        # ``authenticate`` and only for a logged-in session, so a request with a bad
        # token is answered 401 rather than a misleading CSRF 403.
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(
                403, "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."
            )
        return user


def default_auth() -> list[Any]:
    """The API's authentication, tried in order: a bearer token, then the session."""
    return [TokenAuth(), SessionAuth()]
