"""Register services of subsystems (服务注册): REST with an OpenAPI document, SOAP with a WSDL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.exchange.errors import ExchangeErrorCode
from ecity.exchange.models import Endpoint, Service, Subsystem
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import StaffRole
from ecity.registry.models import Resource

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class EndpointInput:
    """An endpoint entered by hand (SOAP operations, or REST without an OpenAPI document)."""

    method: str
    path: str
    summary: str = ""
    soap_operation: str = ""
    soap_mapping: dict[str, Any] = field(default_factory=dict)


def can_administer_provider(*, actor: User, provider: Subsystem) -> bool:
    """Whether ``actor`` administers the provider's department (or the platform)."""
    department = provider.member.department
    if department is None:  # a federated member: only the platform's administrators
        return org_selectors.is_platform_admin(user=actor)
    return org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )


def openapi_parse(text: str) -> dict[str, Any]:
    """Read an OpenAPI 3 document (JSON or YAML); raise ``ValidationFailed`` on ``openapi``.

    The minimum accepted: an object with ``openapi: 3.x`` and a ``paths`` object whose keys
    start with ``/``.
    """
    problems: list[str] = []
    try:
        document = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        document = None
        problems.append(_("The document is neither valid JSON nor valid YAML."))
    if document is not None and not isinstance(document, dict):
        problems.append(_("The document must be a JSON or YAML object."))
    elif isinstance(document, dict):
        if not str(document.get("openapi", "")).startswith("3."):
            problems.append(_("The document must declare “openapi: 3.x”."))
        paths = document.get("paths")
        if not isinstance(paths, dict) or not paths:
            problems.append(_("The document must have a non-empty “paths” object."))
        elif any(not str(p).startswith("/") for p in paths):
            problems.append(_("Every path must start with “/”."))
    if problems:
        raise ValidationFailed(
            code=ExchangeErrorCode.BAD_SERVICE_DESCRIPTION, fields={"openapi": problems}
        )
    assert isinstance(document, dict)
    return document


def endpoints_from_openapi(document: dict[str, Any]) -> list[EndpointInput]:
    """The endpoints (method + path pattern + summary) an OpenAPI document declares."""
    found: list[EndpointInput] = []
    for path, operations in document["paths"].items():
        if not isinstance(operations, dict):
            continue
        for method in HTTP_METHODS:
            operation = operations.get(method)
            if isinstance(operation, dict):
                summary = str(operation.get("summary") or operation.get("operationId") or "")
                found.append(EndpointInput(method.upper(), str(path), summary[:300]))
    return found


def _check_endpoints(endpoints: Sequence[EndpointInput], *, kind: str) -> None:
    problems: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for index, endpoint in enumerate(endpoints):
        name = f"endpoints.{index}"
        if endpoint.method not in Endpoint.Method.values:
            problems[f"{name}.method"] = [_("Use GET, POST, PUT, PATCH or DELETE.")]
        if not endpoint.path.startswith("/"):
            problems[f"{name}.path"] = [_("The path must start with “/”.")]
        if (endpoint.method, endpoint.path) in seen:
            problems[f"{name}.path"] = [_("This method and path are listed twice.")]
        seen.add((endpoint.method, endpoint.path))
        if kind == Service.Kind.SOAP and not endpoint.soap_operation:
            problems[f"{name}.soap_operation"] = [_("Name the SOAP operation of this endpoint.")]
    if problems:
        raise ValidationFailed(fields=problems)


@transaction.atomic
def service_register(
    *,
    actor: User,
    provider: Subsystem,
    code: str,
    kind: str,
    base_url: str,
    title_zh: str,
    owner_contact: str,
    openapi: str = "",
    wsdl: str = "",
    endpoints: Sequence[EndpointInput] = (),
    title_en: str = "",
    description: str = "",
    version: str = "",
    health_path: str = "",
    sla_max_latency_ms: int = 1000,
    sla_availability: Decimal = Decimal("99"),
    legal_basis: str = "",
    rate_limit_per_minute: int = 600,
    resources: Iterable[Resource] = (),
) -> Service:
    """Register (or re-register) the service ``code`` of ``provider``; return it.

    A REST service brings an OpenAPI 3 document: its endpoints are derived from the document's
    paths (``endpoints`` entered by hand are used when no document is given). A SOAP service
    brings a WSDL (URL or text) and its endpoints, each naming its SOAP operation. Registering
    again replaces the endpoints; access rights to endpoints that no longer exist go with them.
    Permission: the department administrator of the provider's department. Audited
    (``exchange.service_registered``). Raises ``PermissionDenied`` and ``ValidationFailed`` with
    field messages (nothing is written then).
    """
    if not can_administer_provider(actor=actor, provider=provider):
        raise PermissionDenied(_("Only the provider department's administrator may do this."))
    problems: dict[str, list[str]] = {}
    if kind not in Service.Kind.values:
        problems["kind"] = [_("Use “rest” or “soap”.")]
    if kind == Service.Kind.SOAP and not wsdl.strip():
        problems["wsdl"] = [_("A SOAP service needs its WSDL (URL or text).")]
    if kind == Service.Kind.REST and not openapi.strip() and not endpoints:
        problems["openapi"] = [_("A REST service needs its OpenAPI document.")]
    if problems:
        raise ValidationFailed(fields=problems)
    if kind == Service.Kind.REST and openapi.strip():
        endpoints = endpoints_from_openapi(openapi_parse(openapi))
    _check_endpoints(endpoints, kind=kind)

    service = Service.objects.filter(provider=provider, code=code).first() or Service(
        provider=provider, code=code
    )
    values: dict[str, Any] = {
        "kind": kind,
        "version": version,
        "identifier": f"{provider.identifier}/{code}",
        "base_url": base_url.rstrip("/"),
        "health_path": health_path,
        "openapi": openapi,
        "wsdl": wsdl,
        "title_zh": title_zh,
        "title_en": title_en,
        "description": description,
        "owner_contact": owner_contact,
        "sla_max_latency_ms": sla_max_latency_ms,
        "sla_availability": sla_availability,
        "legal_basis": legal_basis,
        "rate_limit_per_minute": rate_limit_per_minute,
    }
    for name, value in values.items():
        setattr(service, name, value)
    try:
        service.full_clean(exclude=["provider"], validate_unique=False)
    except DjangoValidationError as error:
        raise ValidationFailed(
            fields={k: [str(m) for m in v] for k, v in error.message_dict.items()}
        ) from error
    service.save()
    service.resources.set(list(resources))

    wanted = {(e.method, e.path): e for e in endpoints}
    existing = {(e.method, e.path): e for e in service.endpoints.all()}
    service.endpoints.filter(pk__in=[e.pk for k, e in existing.items() if k not in wanted]).delete()
    for key, given in wanted.items():
        endpoint = existing.get(key) or Endpoint(service=service, method=key[0], path=key[1])
        endpoint.summary = given.summary
        endpoint.soap_operation = given.soap_operation
        endpoint.soap_mapping = given.soap_mapping
        endpoint.save()

    audit_record(
        actor=actor,
        action="exchange.service_registered",
        obj=service,
        data={"service": service.identifier, "kind": kind, "endpoints": len(wanted)},
    )
    return service


@transaction.atomic
def service_enabled_set(*, actor: User, service: Service, is_enabled: bool) -> Service:
    """Enable or disable ``service`` (a disabled service answers every call with a fault).

    Permission: the provider department's administrator. Audited.
    """
    if not can_administer_provider(actor=actor, provider=service.provider):
        raise PermissionDenied(_("Only the provider department's administrator may do this."))
    service.is_enabled = is_enabled
    service.save(update_fields=["is_enabled", "updated_at"])
    audit_record(
        actor=actor,
        action="exchange.service_enabled_set",
        obj=service,
        data={"service": service.identifier, "is_enabled": is_enabled},
    )
    return service
