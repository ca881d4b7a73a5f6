"""Register services and grant or revoke access rights (department administrators, signed in)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.core.errors import NotFound, ValidationFailed
from ecity.core.idempotency import idempotent_api
from ecity.exchange.models import AccessRight, Endpoint, Service, Subsystem
from ecity.exchange.services.access import access_right_grant, access_right_revoke
from ecity.exchange.services.registry import EndpointInput, service_register
from ecity.registry.models import Resource, SharingGrant

TAGS = ["exchange"]
ERRORS = {
    400: ERROR_ENVELOPE_SCHEMA,
    403: ERROR_ENVELOPE_SCHEMA,
    404: ERROR_ENVELOPE_SCHEMA,
    409: ERROR_ENVELOPE_SCHEMA,
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A unique key per logical request: a retry with the same key and payload gets "
    "the first answer again and writes nothing.",
)


class EndpointSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=Endpoint.Method.choices)
    path = serializers.CharField(max_length=300)
    summary = serializers.CharField(max_length=300, required=False, default="")
    soap_operation = serializers.CharField(max_length=120, required=False, default="")
    soap_mapping = serializers.JSONField(required=False, default=dict)


class ServiceRegisterInput(serializers.Serializer):
    provider = serializers.CharField(help_text="The provider subsystem's identifier.")
    code = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=Service.Kind.choices)
    base_url = serializers.URLField(max_length=500)
    title_zh = serializers.CharField(max_length=200)
    owner_contact = serializers.CharField(max_length=200)
    openapi = serializers.CharField(required=False, default="", allow_blank=True)
    wsdl = serializers.CharField(required=False, default="", allow_blank=True)
    endpoints = EndpointSerializer(many=True, required=False, default=list)
    title_en = serializers.CharField(max_length=200, required=False, default="")
    description = serializers.CharField(required=False, default="", allow_blank=True)
    version = serializers.CharField(max_length=32, required=False, default="")
    health_path = serializers.CharField(max_length=200, required=False, default="")
    sla_max_latency_ms = serializers.IntegerField(min_value=1, required=False, default=1000)
    sla_availability = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
        default=Decimal("99"),
    )
    legal_basis = serializers.CharField(required=False, default="", allow_blank=True)
    rate_limit_per_minute = serializers.IntegerField(min_value=0, required=False, default=600)
    resources = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Resource codes."
    )


class ServiceOutput(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.identifier")
    endpoints = EndpointSerializer(many=True)

    class Meta:
        model = Service
        fields = ["identifier", "provider", "code", "kind", "title_zh", "is_enabled", "endpoints"]


def _subsystem(identifier: str, field: str) -> Subsystem:
    subsystem = Subsystem.objects.select_related("member").filter(identifier=identifier).first()
    if subsystem is None:
        raise ValidationFailed(fields={field: [_("No subsystem has this identifier.")]})
    return subsystem


class ServiceRegisterApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_service_register",
        summary="Register (or re-register) a service of a subsystem",
        description="REST: the endpoints come from the OpenAPI document. SOAP: the WSDL and the "
        "endpoints with their SOAP operation. The provider department's administrator only.",
        parameters=[IDEMPOTENCY_KEY],
        request=ServiceRegisterInput,
        responses={201: ServiceOutput, **ERRORS},
        examples=[
            OpenApiExample(
                "A REST service",
                request_only=True,
                value={
                    "provider": "CN-WH/GOV/GAJ/population",
                    "code": "persons",
                    "kind": "rest",
                    "base_url": "https://population.gaj.wuhan.gov.cn/api",
                    "title_zh": "人口信息查询",
                    "owner_contact": "公安局数据科 027-12345678",
                    "openapi": '{"openapi": "3.0.3", "paths": {"/persons/{id}": {"get": {}}}}',
                    "resources": ["GAJ-RK-0001"],
                },
            )
        ],
    )
    @idempotent_api(scope="exchange_service_register")
    def post(self, request: Request) -> Response:
        data = ServiceRegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = dict(data.validated_data)
        provider = _subsystem(values.pop("provider"), "provider")
        codes = values.pop("resources")
        resources = list(Resource.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {r.code for r in resources})
        if unknown:
            raise ValidationFailed(
                fields={
                    "resources": [_("Unknown resource: %(codes)s") % {"codes": ", ".join(unknown)}]
                }
            )
        endpoints = [EndpointInput(**e) for e in values.pop("endpoints")]
        service = service_register(
            actor=request.user,  # type: ignore[arg-type]
            provider=provider,
            resources=resources,
            endpoints=endpoints,
            **values,
        )
        return Response(ServiceOutput(service).data, status=status.HTTP_201_CREATED)


class AccessRightGrantInput(serializers.Serializer):
    client = serializers.CharField(help_text="The client subsystem's identifier.")
    service = serializers.CharField(help_text="The service's identifier.")
    endpoint = EndpointSerializer(required=False, allow_null=True, default=None)
    valid_from = serializers.DateTimeField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    sharing_grant = serializers.UUIDField(required=False, allow_null=True, default=None)


class AccessRightOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    client = serializers.CharField(source="client.identifier")
    service = serializers.CharField(source="service.identifier")
    endpoint = serializers.CharField(allow_null=True)

    class Meta:
        model = AccessRight
        fields = ["id", "client", "service", "endpoint", "valid_from", "valid_until", "revoked_at"]


class AccessRightGrantApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_access_right_grant",
        summary="Grant a client subsystem the right to call a service (or one endpoint)",
        parameters=[IDEMPOTENCY_KEY],
        request=AccessRightGrantInput,
        responses={201: AccessRightOutput, **ERRORS},
        examples=[
            OpenApiExample(
                "One endpoint for a year",
                request_only=True,
                value={
                    "client": "CN-WH/GOV/RSJ/social",
                    "service": "CN-WH/GOV/GAJ/population/persons",
                    "endpoint": {"method": "GET", "path": "/persons/{id}"},
                    "valid_until": "2027-12-31T23:59:59+08:00",
                },
            )
        ],
    )
    @idempotent_api(scope="exchange_access_right_grant")
    def post(self, request: Request) -> Response:
        data = AccessRightGrantInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        client = _subsystem(values["client"], "client")
        service = (
            Service.objects.select_related("provider__member")
            .filter(identifier=values["service"])
            .first()
        )
        if service is None:
            raise ValidationFailed(fields={"service": [_("No service has this identifier.")]})
        endpoint = None
        if values["endpoint"]:
            endpoint = service.endpoints.filter(
                method=values["endpoint"]["method"], path=values["endpoint"]["path"]
            ).first()
            if endpoint is None:
                raise ValidationFailed(
                    fields={"endpoint": [_("The service has no such endpoint.")]}
                )
        grant = None
        if values["sharing_grant"]:
            grant = SharingGrant.objects.filter(public_id=values["sharing_grant"]).first()
            if grant is None:
                raise ValidationFailed(fields={"sharing_grant": [_("No such sharing grant.")]})
        right = access_right_grant(
            actor=request.user,  # type: ignore[arg-type]
            client=client,
            service=service,
            endpoint=endpoint,
            valid_from=values["valid_from"],
            valid_until=values["valid_until"],
            sharing_grant=grant,
        )
        return Response(AccessRightOutput(right).data, status=status.HTTP_201_CREATED)


class AccessRightRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_access_right_revoke",
        summary="Revoke an access right now",
        request=None,
        responses={200: AccessRightOutput, **ERRORS},
    )
    def post(self, request: Request, public_id: str) -> Response:
        right = (
            AccessRight.objects.select_related("client", "service__provider__member", "endpoint")
            .filter(public_id=public_id)
            .first()
        )
        if right is None:
            raise NotFound()
        right = access_right_revoke(actor=request.user, right=right)  # type: ignore[arg-type]
        return Response(AccessRightOutput(right).data)
