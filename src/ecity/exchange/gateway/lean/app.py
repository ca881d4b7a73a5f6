"""The lean gateway's ASGI application: local REST calls on a short path, the rest to Django.

A call ``/r1/{provider}/{service}/{path}`` of a local REST service is authenticated, decided,
sealed, forwarded and logged here with the Django view's own functions (``decisions``,
``sealing``, ``forwarding``, ``gateway_calls_record``) but without Django's request and
middleware stack, with cached lookups (``lookups.Lookups``) and with the log records of
concurrent calls committed together (``group_commit``). Everything else (discovery
methods, calls from or to a federated city, SOAP services, ``/metrics``, ``/healthz``, every
other URL) goes to Django's ASGI application unchanged, so one process serves the whole
gateway with the same answers as the view.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from ecity.core.api import error_body
from ecity.core.errors import ApplicationError, CoreErrorCode
from ecity.exchange import metrics
from ecity.exchange.errors import GatewayFault
from ecity.exchange.gateway.decisions import (
    bearer_token,
    call_decide,
    call_path_check,
    call_rate_check,
    request_payload,
    response_payload,
)
from ecity.exchange.gateway.discovery import DISCOVERY_METHODS
from ecity.exchange.gateway.forwarding import (
    PASSED_REQUEST_HEADERS,
    kept_headers,
    provider_fault,
    timeout_seconds,
)
from ecity.exchange.gateway.lean.group_commit import group_commit_make
from ecity.exchange.gateway.lean.lookups import Lookups
from ecity.exchange.gateway.lean.upstream import ProviderUnreachable, Upstream
from ecity.exchange.gateway.sealing import gateway_seal
from ecity.exchange.identifiers import local_instance
from ecity.exchange.models import Service, Subsystem
from ecity.exchange.services.monitoring import CallTimes, GatewayCall, LoggedMessage

logger = logging.getLogger("ecity.exchange.gateway")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The same shape as gateway/urls.py: provider subsystem (4 parts), service code, path.
CALL_PATH = re.compile(r"^/r1/([^/]+/[^/]+/[^/]+/[^/]+)/([^/]+)(?:/(.*))?$")


@lru_cache(maxsize=256)
def _language(accept: str) -> str:
    """The page language for an ``Accept-Language`` header (as Django's LocaleMiddleware)."""
    for code, _quality in parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class _ToDjango(Exception):
    """The call is one for the Django view after all (a SOAP service)."""


class _Answer:
    """An answer to send: status, headers, body."""

    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


def _fault(error: ApplicationError) -> _Answer:
    body = json.dumps(
        error_body(error.code, error.message, error.fields), ensure_ascii=False
    ).encode("utf-8")
    headers = [("Content-Type", "application/json"), ("X-Road-Error", error.code)]
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        headers.append(("Retry-After", str(retry_after)))
    return _Answer(error.status_code, headers, body)


class GatewayApplication:
    """The ASGI callable (``ecity.exchange.gateway.lean.app:application``)."""

    def __init__(self, *, fallback: AsgiApp | None = None, access_seconds: float | None = None):
        self.fallback: AsgiApp = fallback or cast(AsgiApp, get_asgi_application())
        self.lookups = Lookups(seconds=access_seconds)
        self.log = group_commit_make()
        self.upstream = Upstream()
        self.instance = local_instance()

    async def aclose(self) -> None:
        self.upstream.close()
        await self.log.aclose()
        self.lookups.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            match = CALL_PATH.match(scope["path"])
            if match is not None:
                headers = {
                    k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
                }
                provider, service_code, path = match.group(1), match.group(2), match.group(3)
                if (
                    "x-road-envelope" not in headers  # from a federated city's gateway
                    and not (service_code in DISCOVERY_METHODS and not path)
                    and provider.split("/", 1)[0] == self.instance
                ):
                    await self._call(scope, receive, send, headers, provider, service_code, path)
                    return
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        await self.fallback(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _call(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[str, str],
        provider: str,
        service_code: str,
        path: str | None,
    ) -> None:
        started = time.perf_counter()
        call = _LeanCall(
            service_identifier=f"{provider}/{service_code}",
            path="/" + (path or ""),
            method=scope["method"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
        )
        with translation.override(_language(headers.get("accept-language", ""))):
            try:
                answer = await self._answer(call, receive)
            except _ToDjango:
                await self.fallback(scope, receive, send)
                return
            except ApplicationError as error:  # GatewayFault included
                call.fault_code = error.code
                answer = _fault(error)
            answer.headers += [
                ("X-Road-Id", call.message_id),
                ("X-Road-Service", call.service_identifier),
            ]
            if call.client is not None:
                answer.headers.append(("X-Road-Client", call.client.identifier))
                try:
                    await self._record(call, answer)
                except Exception:  # an answer that cannot be logged is not given
                    logger.exception("gateway call %s could not be recorded", call.message_id)
                    answer = _fault(
                        ApplicationError(
                            _("Something went wrong on our side. Please try again later."),
                            code=CoreErrorCode.SERVER_ERROR,
                        )
                    )
                    answer.status = 500
                    answer.headers.append(("X-Road-Id", call.message_id))
        service_label = call.service_identifier if call.service is not None else "unknown"
        metrics.GATEWAY_CALLS.labels(service_label, str(answer.status), call.fault_code).inc()
        metrics.GATEWAY_LATENCY.labels(service_label).observe(time.perf_counter() - started)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [
                    (k.encode("latin-1"), v.encode("latin-1"))
                    for k, v in [*answer.headers, ("Content-Length", str(len(answer.body)))]
                ],
            }
        )
        await send({"type": "http.response.body", "body": answer.body})

    async def _answer(self, call: _LeanCall, receive: Receive) -> _Answer:
        token = bearer_token(call.headers.get("authorization", ""))
        client = await self.lookups.client(
            token=token, claimed=call.headers.get("x-road-client", "")
        )
        call.client = client
        access = await self.lookups.access(
            client=client, service_identifier=call.service_identifier
        )
        call.service = access.service
        decision = call_decide(
            client=client,
            access=access,
            service_identifier=call.service_identifier,
            method=call.method,
            path=call.path,
            now=call.times.client_request_at,
        )
        service = decision.service
        if service.kind == Service.Kind.SOAP:
            raise _ToDjango  # the view answers through the SOAP adapter (nothing read yet)
        call.endpoint = str(decision.endpoint) if decision.endpoint else ""
        if service.rate_limit_per_minute:
            await self.lookups.run(lambda: call_rate_check(client=client, service=service))
        call.body = await _read_body(receive)
        return await self._forward(call, client, service)

    async def _forward(self, call: _LeanCall, client: Subsystem, service: Service) -> _Answer:
        payload = request_payload(call.method, call.path, call.query, call.body)
        call.request = LoggedMessage(
            envelope=gateway_seal(
                sender=client.identifier,
                payload=payload,
                service=service.identifier,
                message_id=call.message_id,
                user_id=call.headers.get("x-road-userid", "")[:255],
                purpose=call.headers.get("x-road-issue", "")[:255],
                key=await self.lookups.key(client.identifier),
            ),
            payload=payload,
        )
        forwarded = [
            (name.encode("ascii"), call.headers[name].encode("latin-1"))
            for name in PASSED_REQUEST_HEADERS
            if name in call.headers
        ]
        forwarded += [
            (b"X-Road-Id", call.message_id.encode("ascii")),
            (b"X-Road-Client", client.identifier.encode("utf-8")),
            (b"X-Road-Service", call.service_identifier.encode("utf-8")),
        ]
        url = (
            service.base_url + call_path_check(call.path) + (f"?{call.query}" if call.query else "")
        )
        call.times.provider_request_at = timezone.now()
        try:
            response = await self.upstream.request(
                method=call.method,
                url=url,
                headers=forwarded,
                body=call.body,
                timeout=timeout_seconds(),
            )
        except (TimeoutError, ProviderUnreachable) as error:
            raise provider_fault(error) from error
        call.times.provider_response_at = timezone.now()
        answered = response_payload(response.status, response.body)
        provider_key = await self.lookups.key(service.provider.identifier)
        call.response = LoggedMessage(
            envelope=gateway_seal(
                sender=service.provider.identifier,
                payload=answered,
                service=service.identifier,
                message_id=_message_id(),
                correlation_id=call.message_id,
                key=provider_key,
            ),
            payload=answered,
        )
        return _Answer(response.status, kept_headers(response.headers), response.body)

    async def _record(self, call: _LeanCall, answer: _Answer) -> None:
        assert call.client is not None
        call.times.client_response_at = timezone.now()
        await self.log.record(
            GatewayCall(
                client=call.client,
                service_identifier=call.service_identifier,
                service=call.service,
                endpoint=call.endpoint,
                message_id=call.message_id,
                times=call.times,
                request_size=len(call.body),
                response_size=len(answer.body),
                status_code=answer.status,
                fault_code=call.fault_code,
                request=call.request,
                response=call.response,
            )
        )


def _message_id() -> str:
    return str(uuid.uuid4())


class _LeanCall:
    """One call's state on the lean path (as the view's ``_Call``)."""

    def __init__(
        self, *, service_identifier: str, path: str, method: str, query: str, headers: dict
    ) -> None:
        self.times = CallTimes(client_request_at=timezone.now())
        self.message_id = _message_id()
        self.service_identifier = service_identifier
        self.path = path
        self.method = method
        self.query = query
        self.headers: dict[str, str] = headers
        self.client: Subsystem | None = None
        self.service: Service | None = None
        self.endpoint = ""
        self.body = b""
        self.fault_code = ""
        self.request: LoggedMessage | None = None
        self.response: LoggedMessage | None = None


async def _read_body(receive: Receive) -> bytes:
    """The request body; a 413 fault beyond ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (as Django)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise GatewayFault(
                _("The request body is larger than allowed."),
                code=CoreErrorCode.PAYLOAD_TOO_LARGE,
                status=413,
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def application_make(**options: Any) -> GatewayApplication:
    """A gateway application (Django must be set up)."""
    return GatewayApplication(**options)
