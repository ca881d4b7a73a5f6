"""The service registry (服务注册): services of subsystems, their endpoints and access rights."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel
from ecity.exchange.models.parties import IDENTIFIER_PART, Subsystem


class Service(BaseModel):
    """A service a provider subsystem offers through the gateway (REST or SOAP).

    Identifier: ``{provider subsystem}/{code}``; a version, when given, is part of the code the
    clients call (``persons.v1``) so that two versions are two services with their own rights.
    """

    class Kind(models.TextChoices):
        REST = "rest", _("REST (OpenAPI)")
        SOAP = "soap", _("SOAP (WSDL)")

    provider = models.ForeignKey(
        Subsystem, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="services"
    )
    code = models.CharField(_("service code"), max_length=64, validators=[IDENTIFIER_PART])
    version = models.CharField(_("version"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.REST)
    # The full identifier, stored so that the gateway resolves a call by one index.
    identifier = models.CharField(_("identifier"), max_length=320, unique=True, editable=False)
    base_url = models.URLField(_("provider base URL"), max_length=500)
    health_path = models.CharField(_("health path"), max_length=200, blank=True)
    openapi = models.TextField(_("OpenAPI document"), blank=True)
    wsdl = models.TextField(_("WSDL (URL or text)"), blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner_contact = models.CharField(_("owner contact"), max_length=200)
    sla_max_latency_ms = models.PositiveIntegerField(_("SLA: maximum latency (ms)"), default=1000)
    sla_availability = models.DecimalField(
        _("SLA: availability (%)"), max_digits=5, decimal_places=2, default=99
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("rate limit per client (requests/minute)"),
        default=600,
        help_text=_("0 means no limit."),
    )
    resources = models.ManyToManyField(
        "registry.Resource",
        verbose_name=_("registry resources served"),
        blank=True,
        related_name="exchange_services",
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("exchange service")
        verbose_name_plural = _("exchange services")
        ordering = ["identifier"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="exchange_service_code"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.title_zh}"

    @property
    def instance(self) -> str:
        return self.identifier.split("/", 1)[0]


class Endpoint(BaseModel):
    """One operation of a service: an HTTP method and a path pattern (``/persons/{id}``).

    For a SOAP service the endpoint also names the SOAP operation and how JSON fields map to the
    operation's XML arguments (used by the SOAP adapter).
    """

    class Method(models.TextChoices):
        GET = "GET", "GET"
        POST = "POST", "POST"
        PUT = "PUT", "PUT"
        PATCH = "PATCH", "PATCH"
        DELETE = "DELETE", "DELETE"

    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="endpoints"
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    path = models.CharField(_("path pattern"), max_length=300)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    soap_operation = models.CharField(_("SOAP operation"), max_length=120, blank=True)
    soap_mapping = models.JSONField(
        _("JSON↔XML mapping"),
        default=dict,
        blank=True,
        help_text=_('{"request": {"json field": "xml element"}, "response": {…}}'),
    )

    class Meta:
        verbose_name = _("service endpoint")
        verbose_name_plural = _("service endpoints")
        ordering = ["service", "path", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "method", "path"], name="exchange_endpoint_method_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def path_regex(self) -> re.Pattern[str]:
        """The pattern as a regular expression: ``{name}`` matches one path segment."""
        parts = re.split(r"(\{[^/{}]+\})", self.path)
        body = "".join(
            "[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts
        )
        return re.compile(f"^{body}/?$")

    def matches(self, method: str, path: str) -> bool:
        return self.method == method and bool(self.path_regex().match(path))


class AccessRight(BaseModel):
    """A client subsystem may call a service (or one endpoint of it). Deny by default.

    Valid between ``valid_from`` and ``valid_until`` (open when empty) and while not revoked;
    when tied to a registry sharing grant, also only while that grant is in force.
    """

    client = models.ForeignKey(
        Subsystem,
        verbose_name=_("client subsystem"),
        on_delete=models.PROTECT,
        related_name="access_rights",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.CASCADE, related_name="access_rights"
    )
    endpoint = models.ForeignKey(
        Endpoint,
        verbose_name=_("endpoint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_rights",
        help_text=_("Empty: the whole service."),
    )
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    sharing_grant = models.ForeignKey(
        "registry.SharingGrant",
        verbose_name=_("sharing grant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_access_rights",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access right")
        verbose_name_plural = _("access rights")
        ordering = ["service", "client"]
        indexes = [
            models.Index(fields=["client", "service"], name="exchange_right_client_svc"),
        ]

    def __str__(self) -> str:
        target = str(self.endpoint) if self.endpoint_id else "*"
        return f"{self.client_id} → {self.service_id} {target}"


class CallRecord(models.Model):
    """Operational monitoring of one gateway call (X-Road's four timestamps, sizes, status)."""

    client = models.CharField(_("client"), max_length=255, db_index=True)
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    service_identifier = models.CharField(_("service"), max_length=320, db_index=True)
    endpoint = models.CharField(_("endpoint"), max_length=320, blank=True)
    message_id = models.CharField(_("message ID"), max_length=64, db_index=True)
    client_request_at = models.DateTimeField(_("client request received"), db_index=True)
    provider_request_at = models.DateTimeField(_("provider request sent"), null=True, blank=True)
    provider_response_at = models.DateTimeField(
        _("provider response received"), null=True, blank=True
    )
    client_response_at = models.DateTimeField(_("client response sent"))
    request_size = models.PositiveIntegerField(_("request size (bytes)"), default=0)
    response_size = models.PositiveIntegerField(_("response size (bytes)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    fault_code = models.CharField(_("fault code"), max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("gateway call")
        verbose_name_plural = _("gateway calls")
        ordering = ["-client_request_at"]
        indexes = [
            models.Index(
                fields=["service", "client_request_at"], name="exchange_call_service_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.service_identifier} {self.status_code}"
