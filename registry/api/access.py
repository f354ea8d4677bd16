"""Who a request to the API acts as, and how often it may ask.

Every ``/api/v1/`` request is read for a bearer token before its view runs: none (anonymous;
reads only), a token that opens the API (the request acts as its owner), or a refusal (401
with ``WWW-Authenticate``, RFC 6750). A write needs a write token (403 for a read token). A
session cookie is never the user here: the API is exempt from CSRF. Requests with a token are
counted per token (``API_TOKEN_RATE_LIMIT``); over it the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
import time

from flask import Response, request
from flask_babel import gettext as _
from flask_limiter import RequestLimit

from registry.api import bp, tokens
from registry.api.problems import problem
from registry.extensions import limiter, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REALM = 'Bearer realm="registry"'


def challenge(detail: str, error: str | None = "invalid_token") -> Response:
    """401: the credentials are missing or no good; the header says how to authenticate."""
    response = problem(401, _("Not authenticated"), detail)
    if error:
        # A quoted-string: the message is ours and has no quotes or backslashes, but a
        # translation might; drop them rather than break the header.
        words = detail.replace("\\", "").replace('"', "")
        response.headers["WWW-Authenticate"] = (
            f'{REALM}, error="{error}", error_description="{words}"'
        )
    else:
        response.headers["WWW-Authenticate"] = REALM
    return response


@bp.before_request
def authenticate() -> Response | None:
    # The token's owner, or nobody: never the browser's session (a cross-site form could
    # ride on it, the API having no CSRF check).
    login_manager._update_request_context_with_user(None)
    bearer = tokens.current()
    if bearer.error:
        return challenge(bearer.error)
    if bearer.token is not None:
        login_manager._update_request_context_with_user(bearer.token.user)
        tokens.touch(bearer.token)
    if request.method in SAFE_METHODS:
        return None
    if bearer.token is None:
        return challenge(
            _("Writing needs a personal API token: make one on your account page."), error=None
        )
    if not bearer.may_write:
        return problem(
            403,
            _("Not allowed"),
            _("This token may only read. Make a token with the write scope to add entries."),
        )
    return None


def _breached(limit: RequestLimit) -> Response:
    wait = min(max(1, math.ceil(limit.reset_at - time.time())), limit.limit.get_expiry())
    response = problem(
        429,
        _("Too many requests"),
        _(
            "This token has made too many requests (%(limit)s). Wait %(seconds)d seconds.",
            limit=str(limit.limit),
            seconds=wait,
        ),
    )
    response.headers["Retry-After"] = str(wait)
    return response


# One count per token across every API address (a shared limit, not one per endpoint).
limiter.shared_limit(
    tokens.rate_limit,
    scope="api-token",
    key_func=tokens.rate_key,
    exempt_when=tokens.without_token,
    on_breach=_breached,
)(bp)
