"""The gateway's decisions, shared by the Django view and the lean ASGI path.

Who is calling (``client_authenticate``), whether the call may pass (``call_decide``, deny by
default) and the per-client rate limit (``call_rate_check``). Each raises the precise fault; the
two front ends only differ in how they read the request and whether they cache the lookups.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from ecity.core.errors import ApplicationError, CoreErrorCode
from ecity.core.ratelimit import check_rate
from ecity.exchange.errors import ExchangeErrorCode, GatewayFault
from ecity.exchange.identifiers import subsystem_id_parse
from ecity.exchange.models import Endpoint, Service, Subsystem
from ecity.exchange.selectors.access import CallAccess, right_allows
from ecity.exchange.selectors.parties import subsystem_for_client
from ecity.sso.selectors import system_client_for_token

# The body kept in the log's payload (at the full level); larger bodies are logged by hash.
LOGGED_BODY_LIMIT = 64 * 1024

# A call's path arrives percent-decoded: control characters (``%00`` …) are refused, and the rest is
# encoded again for the provider (RFC 3986 path characters stay as they are).
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer …`` header; raises 401 without one."""
    scheme, _sep, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        error = ApplicationError(
            _("Send the access token as “Authorization: Bearer …”."),
            code=CoreErrorCode.NOT_AUTHENTICATED,
        )
        error.status_code = 401
        raise error
    return token.strip()


def client_authenticate(*, token: str, claimed: str) -> Subsystem:
    """The subsystem calling: the bearer token's system, which ``X-Road-Client`` must name.

    Raises ``ApplicationError`` 401 (bad token), 400 (malformed header), 403 (the header names
    another subsystem than the token's, or the client is disabled).
    """
    system = system_client_for_token(token=token)
    if system is None:
        error = ApplicationError(
            _("The access token is not valid, has expired or its system is not registered."),
            code=CoreErrorCode.AUTHENTICATION_FAILED,
        )
        error.status_code = 401
        raise error
    claimed_id = subsystem_id_parse(claimed, field="X-Road-Client")
    client = subsystem_for_client(system, active_only=False)
    if client is None or client.identifier != str(claimed_id):
        raise GatewayFault(
            _("X-Road-Client names %(claimed)s, but the credentials belong to %(bound)s.")
            % {"claimed": claimed_id, "bound": client.identifier if client else _("no subsystem")},
            code=ExchangeErrorCode.CLIENT_MISMATCH,
            status=403,
        )
    if not client.is_active:
        raise GatewayFault(code=ExchangeErrorCode.CLIENT_DISABLED, status=403)
    return client


@dataclass(frozen=True)
class CallDecision:
    """A call let through: the service, and the endpoint of the right that allowed it."""

    service: Service
    endpoint: Endpoint | None


def call_path_check(path: str) -> str:
    """The decoded ``path`` of a call as sent to the provider (percent-encoded).

    Raises ``GatewayFault`` 400 when it holds a control character: no service path has one, and
    neither the provider's request line nor the message log could carry it.
    """
    if _CONTROL_CHARACTER.search(path):
        raise GatewayFault(code=ExchangeErrorCode.BAD_PATH, status=400)
    return quote(path, safe=_PATH_SAFE)


def call_decide(
    *,
    client: Subsystem,
    access: CallAccess,
    service_identifier: str,
    method: str,
    path: str,
    now: dt.datetime,
) -> CallDecision:
    """Let the call through only if one of ``client``'s rights allows ``method path`` at ``now``.

    Raises ``GatewayFault``: 404 unknown service, 503 disabled service or provider, 403 no
    right (deny by default). The rights' validity and sharing grants are checked at ``now``, so
    a cached ``access`` still expires a right on time.
    """
    call_path_check(path)
    service = access.service
    if service is None:
        raise GatewayFault(
            _("The service %(service)s is not registered.") % {"service": service_identifier},
            code=ExchangeErrorCode.UNKNOWN_SERVICE,
            status=404,
        )
    if not service.is_enabled or not service.provider.is_active:
        raise GatewayFault(code=ExchangeErrorCode.SERVICE_DISABLED, status=503)
    allowing = [r for r in access.rights if right_allows(r, method=method, path=path, now=now)]
    if not allowing:
        raise GatewayFault(
            _("%(client)s may not call %(method)s %(path)s of %(service)s.")
            % {
                "client": client.identifier,
                "method": method,
                "path": path,
                "service": service.identifier,
            },
            code=ExchangeErrorCode.ACCESS_DENIED,
            status=403,
        )
    endpoint = next((r.endpoint for r in allowing if r.endpoint is not None), None)
    return CallDecision(service=service, endpoint=endpoint)


def call_rate_check(*, client: Subsystem, service: Service) -> None:
    """Count the call against the service's per-client limit; raise a 429 fault over it."""
    if not service.rate_limit_per_minute:
        return
    decision = check_rate(
        f"exchange:{client.identifier}:{service.identifier}",
        limit=service.rate_limit_per_minute,
        window_seconds=60,
    )
    if not decision.allowed:
        fault = GatewayFault(code=ExchangeErrorCode.RATE_LIMITED, status=429)
        fault.retry_after = decision.retry_after
        raise fault


def _sha256(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _body_fields(body: bytes) -> dict[str, str]:
    """The body as the log keeps it: UTF-8 text as ``body``, any other (binary, or text with a
    NUL, which a PostgreSQL ``jsonb`` string cannot hold) as ``body_base64``; over the limit,
    nothing (the hash stands for it)."""
    if not body or len(body) > LOGGED_BODY_LIMIT:
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and "\x00" not in text:
        return {"body": text}
    return {"body_base64": base64.b64encode(body).decode("ascii")}


def request_payload(method: str, path: str, query: str, body: bytes) -> dict[str, Any]:
    """What the request record logs: method, path, query, the body's hash (and the body)."""
    payload: dict[str, Any] = {
        "method": method,
        "path": path,
        "query": query,
        "body_hash": _sha256(body),
    }
    payload.update(_body_fields(body))
    return payload


def response_payload(status: int, body: bytes) -> dict[str, Any]:
    """What the response record logs: the status, the body's hash (and the body)."""
    payload: dict[str, Any] = {"status": status, "body_hash": _sha256(body)}
    payload.update(_body_fields(body))
    return payload
