"""Discovery in X-Road's spirit: ``listMethods``, ``allowedMethods``, ``getOpenAPI``/``getWsdl``.

Called as ``/r1/{provider subsystem}/{method}`` by an authenticated client system; the answer is
JSON (``getOpenAPI`` answers the registered document, ``getWsdl`` the WSDL text or URL).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from ecity.core.api import error_body
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import Endpoint, Service, Subsystem
from ecity.exchange.selectors.catalogue import allowed_methods, provider_services

DISCOVERY_METHODS = ("listMethods", "allowedMethods", "getOpenAPI", "getWsdl")


def service_description(service: Service, endpoints: list[Endpoint]) -> dict[str, Any]:
    """One service as discovery lists it."""
    instance, member_class, member, subsystem = service.provider.identifier.split("/")
    return {
        "xRoadInstance": instance,
        "memberClass": member_class,
        "memberCode": member,
        "subsystemCode": subsystem,
        "serviceCode": service.code,
        "serviceVersion": service.version,
        "serviceType": "WSDL" if service.kind == Service.Kind.SOAP else "OPENAPI",
        "title": service.title_zh,
        "endpoints": [
            {"method": e.method, "path": e.path, "summary": e.summary} for e in endpoints
        ],
    }


def _not_found(message: str) -> JsonResponse:
    response = JsonResponse(
        error_body(ExchangeErrorCode.UNKNOWN_SERVICE, message),
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
    response["X-Road-Error"] = ExchangeErrorCode.UNKNOWN_SERVICE
    return response


def discovery_answer(
    request: HttpRequest, *, client: Subsystem, provider: str, method: str
) -> HttpResponse:
    """Answer one discovery method for ``provider`` (its identifier) to ``client``."""
    if method == "listMethods":
        services = [
            service_description(s, list(s.endpoints.all()))
            for s in provider_services(provider_identifier=provider)
        ]
        return JsonResponse({"service": services}, json_dumps_params={"ensure_ascii": False})
    if method == "allowedMethods":
        allowed = allowed_methods(client=client, provider_identifier=provider)
        services = [service_description(s, e) for s, e in allowed]
        return JsonResponse({"service": services}, json_dumps_params={"ensure_ascii": False})
    code = request.GET.get("serviceCode", "")
    service = provider_services(provider_identifier=provider).filter(code=code).first()
    if service is None:
        return _not_found(_("The provider has no service “%(code)s”.") % {"code": code})
    if method == "getOpenAPI":
        if service.kind != Service.Kind.REST or not service.openapi:
            return _not_found(_("The service has no OpenAPI document."))
        content_type = (
            "application/json" if service.openapi.lstrip().startswith("{") else "application/yaml"
        )
        return HttpResponse(service.openapi, content_type=f"{content_type}; charset=utf-8")
    if service.kind != Service.Kind.SOAP or not service.wsdl:
        return _not_found(_("The service has no WSDL."))
    return HttpResponse(service.wsdl, content_type="text/xml; charset=utf-8")
