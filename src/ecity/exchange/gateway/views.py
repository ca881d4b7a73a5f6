"""The gateway view: authenticate the client system, check its right, forward, sign and log.

The hot path makes one query for the service and the client's rights (``call_access_resolve``),
reuses cached signing keys and a pooled HTTP client, and writes the two log records and the
call record in one transaction after the provider answered.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ecity.core.api import error_body
from ecity.core.errors import ApplicationError, CoreErrorCode
from ecity.exchange import metrics
from ecity.exchange.canonical import Envelope
from ecity.exchange.errors import ExchangeErrorCode, GatewayFault
from ecity.exchange.gateway import federation
from ecity.exchange.gateway.decisions import (
    bearer_token,
    call_decide,
    call_path_check,
    call_rate_check,
    client_authenticate,
    request_payload,
    response_payload,
)
from ecity.exchange.gateway.discovery import DISCOVERY_METHODS, discovery_answer
from ecity.exchange.gateway.forwarding import (
    PASSED_REQUEST_HEADERS,
    ProviderAnswer,
    forward_http,
    forward_soap,
    remote_gateway_url,
)
from ecity.exchange.gateway.sealing import gateway_seal
from ecity.exchange.identifiers import local_instance, subsystem_id_parse
from ecity.exchange.models import Endpoint, Service, Subsystem
from ecity.exchange.selectors.access import call_access_resolve, endpoint_for_call
from ecity.exchange.services.monitoring import CallTimes, LoggedMessage, gateway_call_record

logger = logging.getLogger("ecity.exchange.gateway")


def fault_response(
    code: str, message: str, status: int, fields: dict | None = None
) -> JsonResponse:
    """A gateway fault: the platform's JSON error envelope plus the ``X-Road-Error`` header."""
    response = JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["X-Road-Error"] = code
    return response


def _fault_of(error: ApplicationError) -> JsonResponse:
    response = fault_response(error.code, error.message, error.status_code, error.fields)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def authenticated_client(request: HttpRequest) -> Subsystem:
    """The subsystem calling: bearer token (client credentials) and a matching ``X-Road-Client``.

    See ``decisions.client_authenticate`` for the faults.
    """
    return client_authenticate(
        token=bearer_token(request.META.get("HTTP_AUTHORIZATION", "")),
        claimed=request.META.get("HTTP_X_ROAD_CLIENT", ""),
    )


class _Call:
    """One call's state: who, what, the four timestamps and what to log."""

    def __init__(self, request: HttpRequest, service_identifier: str, path: str) -> None:
        self.request = request
        self.started = time.perf_counter()
        self.times = CallTimes(client_request_at=timezone.now())
        self.message_id = str(uuid.uuid4())
        self.service_identifier = service_identifier
        self.path = "/" + path if not path.startswith("/") else path
        self.client: Subsystem | None = None
        self.service: Service | None = None
        self.endpoint: Endpoint | None = None
        self.request_size = 0
        self.request_message: LoggedMessage | None = None
        self.response_message: LoggedMessage | None = None
        # The envelope of a call forwarded by a federated city's gateway (already opened).
        self.received: Envelope | None = None

    def finish(self, response: HttpResponse, *, fault_code: str = "") -> HttpResponse:
        response["X-Road-Id"] = self.message_id
        response["X-Road-Service"] = self.service_identifier
        status = response.status_code
        service_label = self.service_identifier if self.service is not None else "unknown"
        metrics.GATEWAY_CALLS.labels(service_label, str(status), fault_code).inc()
        if self.client is not None:
            response["X-Road-Client"] = self.client.identifier
            self.times.client_response_at = timezone.now()
            try:
                gateway_call_record(
                    client=self.client,
                    service_identifier=self.service_identifier,
                    service=self.service,
                    endpoint=str(self.endpoint) if self.endpoint else "",
                    message_id=self.message_id,
                    times=self.times,
                    request_size=self.request_size,
                    response_size=len(response.content),
                    status_code=status,
                    fault_code=fault_code,
                    request=self.request_message,
                    response=self.response_message,
                )
            except Exception:  # an answer that cannot be logged is not given
                logger.exception("gateway call %s could not be recorded", self.message_id)
                response = fault_response(
                    CoreErrorCode.SERVER_ERROR,
                    _("Something went wrong on our side. Please try again later."),
                    500,
                )
                response["X-Road-Id"] = self.message_id
        metrics.GATEWAY_LATENCY.labels(service_label).observe(time.perf_counter() - self.started)
        return response


@csrf_exempt
def gateway(request: HttpRequest, provider: str, service_code: str, path: str = "") -> HttpResponse:
    """``/r1/{provider subsystem}/{service}/{path}``: a call, or a discovery method."""
    service_identifier = f"{provider}/{service_code}"
    call = _Call(request, service_identifier, path)
    try:
        if federation.is_federated_call(request):
            call.client, call.received = federation.federated_client(
                request,
                payload=_request_payload(
                    request.method or "GET",
                    call.path,
                    request.META.get("QUERY_STRING", ""),
                    request.body,
                ),
                service_identifier=service_identifier,
            )
            call.message_id = call.received.message_id
        else:
            call.client = authenticated_client(request)
        if service_code in DISCOVERY_METHODS and not path:
            return discovery_answer(
                request, client=call.client, provider=provider, method=service_code
            )
        call.request_size = len(request.body)
        answer = _call(call)
    except RequestDataTooBig:
        fault = GatewayFault(
            _("The request body is larger than allowed."),
            code=CoreErrorCode.PAYLOAD_TOO_LARGE,
            status=413,
        )
        return call.finish(_fault_of(fault), fault_code=fault.code)
    except GatewayFault as fault:
        return call.finish(_fault_of(fault), fault_code=fault.code)
    except ApplicationError as error:
        return call.finish(_fault_of(error), fault_code=error.code)
    response = HttpResponse(answer.body, status=answer.status)
    for name, value in answer.headers:
        response[name] = value
    if call.received is not None and call.response_message is not None:
        federation.answer_sealed(response, call.response_message.envelope)
    return call.finish(response)


def _call(call: _Call) -> ProviderAnswer:
    request, client = call.request, call.client
    assert client is not None
    provider_id = subsystem_id_parse(call.service_identifier.rsplit("/", 1)[0], field="service")
    method = request.method or "GET"
    if provider_id.instance != local_instance():
        return _call_remote(call, instance=provider_id.instance)

    access = call_access_resolve(client=client, service_identifier=call.service_identifier)
    call.service = access.service
    decision = call_decide(
        client=client,
        access=access,
        service_identifier=call.service_identifier,
        method=method,
        path=call.path,
        now=call.times.client_request_at,
    )
    service, call.endpoint = decision.service, decision.endpoint
    call_rate_check(client=client, service=service)

    body = request.body
    query = request.META.get("QUERY_STRING", "")
    payload = _request_payload(method, call.path, query, body)
    call.request_message = LoggedMessage(
        # A federated call is logged with the envelope the client's city signed.
        envelope=call.received
        or gateway_seal(
            sender=client.identifier,
            payload=payload,
            service=service.identifier,
            message_id=call.message_id,
            user_id=request.META.get("HTTP_X_ROAD_USERID", "")[:255],
            purpose=request.META.get("HTTP_X_ROAD_ISSUE", "")[:255],
        ),
        payload=payload,
    )
    call.times.provider_request_at = timezone.now()
    if service.kind == Service.Kind.SOAP:
        call.endpoint = call.endpoint or endpoint_for_call(
            service=service, method=method, path=call.path
        )
        answer = forward_soap(service=service, endpoint=call.endpoint, arguments=_json_object(body))
    else:
        answer = forward_http(
            url=service.base_url + call_path_check(call.path),
            method=method,
            query=query,
            headers=_forward_headers(request, call, client),
            body=body,
        )
    call.times.provider_response_at = timezone.now()
    response_payload = _response_payload(answer)
    call.response_message = LoggedMessage(
        envelope=gateway_seal(
            sender=service.provider.identifier,
            payload=response_payload,
            service=service.identifier,
            correlation_id=call.message_id,
        ),
        payload=response_payload,
    )
    return answer


def _call_remote(call: _Call, *, instance: str) -> ProviderAnswer:
    """Forward to the federated instance's gateway, which checks the right and logs its side."""
    url = remote_gateway_url(instance)
    if url is None:
        raise GatewayFault(
            _("The instance %(instance)s is not a known federated city.") % {"instance": instance},
            code=ExchangeErrorCode.UNKNOWN_INSTANCE,
            status=404,
        )
    request, client = call.request, call.client
    assert client is not None
    method = request.method or "GET"
    forwarded_path = call_path_check(call.path)
    body, query = request.body, request.META.get("QUERY_STRING", "")
    payload = _request_payload(method, call.path, query, body)
    call.request_message = LoggedMessage(
        envelope=gateway_seal(
            sender=client.identifier,
            payload=payload,
            service=call.service_identifier,
            message_id=call.message_id,
        ),
        payload=payload,
    )
    # The client's token is this city's and is never passed on: the remote gateway trusts the
    # client's signed envelope sealed by this node (see ``gateway/federation.py``).
    headers = _forward_headers(request, call, client)
    headers.update(federation.sealed_headers(call.request_message.envelope))
    call.times.provider_request_at = timezone.now()
    answer = forward_http(
        url=f"{url}/r1/{call.service_identifier}{forwarded_path}",
        method=method,
        query=query,
        headers=headers,
        body=body,
    )
    call.times.provider_response_at = timezone.now()
    response_payload = _response_payload(answer)
    call.response_message = LoggedMessage(
        envelope=federation.answer_open(
            answer,
            payload=response_payload,
            call_id=call.message_id,
            service=call.service_identifier,
        ),
        payload=response_payload,
    )
    return answer


def _header_value(value: str) -> bytes:
    # WSGI hands over header bytes decoded as latin-1: encoding back gives the original bytes.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _forward_headers(request: HttpRequest, call: _Call, client: Subsystem) -> dict[str, Any]:
    headers: dict[str, Any] = {
        name: _header_value(request.headers[name])
        for name in PASSED_REQUEST_HEADERS
        if name in request.headers
    }
    headers["X-Road-Id"] = call.message_id
    headers["X-Road-Client"] = client.identifier
    headers["X-Road-Service"] = call.service_identifier
    return headers


def _request_payload(method: str, path: str, query: str, body: bytes) -> dict[str, Any]:
    return request_payload(method, path, query, body)


def _response_payload(answer: ProviderAnswer) -> dict[str, Any]:
    return response_payload(answer.status, answer.body)


def _json_object(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        value = json.loads(body)
    except ValueError as error:
        raise GatewayFault(
            _("The request body must be a JSON object."),
            code=CoreErrorCode.PARSE_ERROR,
            status=400,
        ) from error
    if not isinstance(value, dict):
        raise GatewayFault(
            _("The request body must be a JSON object."), code=CoreErrorCode.PARSE_ERROR, status=400
        )
    return value
