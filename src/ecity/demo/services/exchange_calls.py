"""The demo city's gateway traffic: 社保业务系统 calls 人口信息核验 through the real gateway.

The calls go through the gateway's own view and forwarding code, with a bearer token the system
obtained at the token endpoint with its client credentials, so their call records and message
log records are the ones any call leaves. No network server is needed: the calls are made with
Django's test ``Client`` against this process, and the gateway's provider request to the
service's backend (this platform's own registry sharing API, ``ECITY_SITE_URL`` +
``/api/v1/registry/data/persons/1.0``) is run in process by ``provider_transport`` (the
forwarding module's seam for the demo).

The gateway never passes the client's token on to the provider. The sharing API, standing in
for 公安局's backend, authenticates department systems by bearer token, so the demo's backend
adapter presents 社保业务系统's own token to it: the registry then filters each answer by the
sharing grant the access right is tied to and records the read with its purpose, as a direct
read would be.

Besides the successful verifications (``data.POPULATION_CALLS``), the system tries the legacy
户籍 SOAP service it has no right to (refused, 403) and a service code that is not registered
(404).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from ecity.demo.data import accounts
from ecity.demo.data import exchange as data
from ecity.exchange.gateway.forwarding import WsgiApp, provider_transport
from ecity.exchange.models import CallRecord, Service, Subsystem

logger = logging.getLogger("ecity.demo")


def demo_gateway_calls_ensure(*, client: Subsystem, client_secret: str) -> int:
    """Make 社保业务系统's demo calls through the gateway unless it made calls already.

    ``client`` is the demo's subsystem bound to 社保业务系统 and ``client_secret`` its secret,
    known only on the load that registered the system: without it (a reload) nothing is done.
    Returns the number of calls made (each leaves a call record and its message log records).
    A call that is not answered as expected is logged as a warning, not raised: the demo city
    is still usable without its traffic.
    """
    application = client.application
    population = Service.objects.filter(
        provider__member__department__code="GAJ", code=data.POPULATION_SERVICE_CODE
    ).first()
    legacy = Service.objects.filter(
        provider__member__department__code="GAJ", code=data.HOUSEHOLD_SERVICE_CODE
    ).first()
    if not client_secret or application is None or population is None or legacy is None:
        return 0
    if CallRecord.objects.filter(client=client.identifier).exists():
        return 0
    site = urlsplit(population.base_url)
    browser = Client(HTTP_HOST=site.netloc, raise_request_exception=False)
    secure = site.scheme == "https"
    token = _access_token(
        browser, client_id=str(application.client_id), secret=client_secret, secure=secure
    )
    if not token:
        return 0
    headers: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_X_ROAD_CLIENT": client.identifier,
        "secure": secure,
    }
    id_numbers = {a.username: a.id_number for a in accounts.CITIZENS}
    made = 0
    with provider_transport(base_url=population.base_url, app=_population_backend(token)):
        for call in data.POPULATION_CALLS:
            query = {"id_number": id_numbers[call.citizen], "purpose": call.purpose}
            if call.fields:
                query["fields"] = call.fields
            extra = dict(headers)
            if call.issue:  # percent-encoded, as the gateway passes it on
                extra["HTTP_X_ROAD_ISSUE"] = quote(call.issue)
            response = browser.get(f"/r1/{population.identifier}/read", query, **extra)
            made += _expect(response, 200, call.purpose)
        # No right to the legacy household service (new clients use 人口信息核验).
        response = browser.post(
            f"/r1/{legacy.identifier}/household",
            {"id_number": id_numbers["zhangwei"]},
            content_type="application/json",
            **headers,
        )
        made += _expect(response, 403, "legacy household service")
        response = browser.get(
            f"/r1/{population.provider.identifier}/{data.UNKNOWN_SERVICE_CODE}/read",
            {"id_number": id_numbers["lina"], "purpose": "参保登记身份核验"},
            **headers,
        )
        made += _expect(response, 404, "unknown service")
    return made


def _access_token(browser: Client, *, client_id: str, secret: str, secure: bool) -> str:
    """The system's access token from the token endpoint (client credentials), or ""."""
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = browser.post(
        "/o/token/",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
        secure=secure,
    )
    if response.status_code != 200:
        logger.warning("demo exchange: no access token (%s)", response.status_code)
        return ""
    return str(response.json()["access_token"])


def _population_backend(token: str) -> WsgiApp:
    """This platform as 人口信息核验's backend, called with 社保业务系统's token (see above)."""
    platform = WSGIHandler()

    def backend(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return platform({**environ, "HTTP_AUTHORIZATION": f"Bearer {token}"}, start_response)

    return backend


def _expect(response: Any, status: int, what: str) -> int:
    if response.status_code != status:
        logger.warning(
            "demo exchange call (%s) answered %s, expected %s: %s",
            what,
            response.status_code,
            status,
            response.content[:200],
        )
    return 1
