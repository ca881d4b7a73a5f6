"""The base registries' sharing API for department systems (GovStack Digital Registries shape).

``/api/v1/registry/data/{registry}/{version}/read|exists|list``, authenticated as a department
system with an OAuth 2.0 client-credentials token (``ecity.sso.authentication``); deny by
default; each answer filtered field by field by the system's access
(``registry.selectors.sharing``); every read audited with its purpose
(``registry.selectors.shared_data``). Thin views: parameters in, selector, JSON out.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.errors import ValidationFailed
from ecity.registry.selectors import shared_data
from ecity.registry.selectors.sharing import SHARED_REGISTRIES, SharedRegistry, shared_registry_get
from ecity.sso.authentication import (
    ClientCredentialsAuthentication,
    IsDepartmentSystem,
    SystemClientRateThrottle,
)
from ecity.sso.selectors import SystemClient

TAGS = ["registry sharing"]
#: Query parameters that are not ``list`` filters.
RESERVED = frozenset({"purpose", "fields", "page", "page_size", "format"})

REGISTRY_PARAMETER = OpenApiParameter(
    "registry",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=sorted(SHARED_REGISTRIES),
    description="`persons` (人口库, key `id_number`), `legal-entities` (法人库, key `uscc`) or "
    "`addresses` (地名地址库, key `code`).",
)
VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The registry's API version: `1.0`.",
)
PURPOSE_PARAMETERS = [
    OpenApiParameter(
        "X-Purpose",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="Why the data is read (required here or as `purpose`; percent-encode "
        "non-ASCII text). Recorded and shown to the person.",
    ),
    OpenApiParameter("purpose", OpenApiTypes.STR, description="The purpose, if not in X-Purpose."),
]
KEY_PARAMETERS = [
    OpenApiParameter("id_number", OpenApiTypes.STR, description="persons: resident ID number."),
    OpenApiParameter("uscc", OpenApiTypes.STR, description="legal-entities: the USCC."),
    OpenApiParameter("code", OpenApiTypes.STR, description="addresses: the address code."),
]
FIELDS_PARAMETER = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description="Comma-separated fields to return (default: every field the system may read). "
    "A field the system may not read is an error, never silently dropped.",
)
ERRORS = {
    400: OpenApiResponse(
        description="Missing purpose, malformed key, unknown field or filter.",
        examples=[
            OpenApiExample(
                "Missing purpose",
                value={
                    "code": "validation_failed",
                    "message": "Some fields are not valid. Please correct them and try again.",
                    "fields": {"purpose": ["Say why you read this data (…)."]},
                },
            )
        ],
    ),
    401: OpenApiResponse(description="No valid client-credentials token."),
    403: OpenApiResponse(
        description="A field is not shared, needs a grant, or the grant expired or was revoked.",
        examples=[
            OpenApiExample(
                "Revoked grant",
                value={
                    "code": "permission_denied",
                    "message": "Your system may not read some of the fields asked for.",
                    "fields": {"fields": ["Your grant for “address” was revoked: 用途已结束"]},
                },
            )
        ],
    ),
    404: OpenApiResponse(description="Unknown registry or version, or no record with the key."),
}


def _client(request: Request) -> SystemClient:
    assert isinstance(request.auth, SystemClient)
    return request.auth


def _purpose(request: Request) -> str:
    header = request.headers.get("X-Purpose", "")
    return unquote(header) if header else request.query_params.get("purpose", "")


def _fields(request: Request) -> list[str] | None:
    raw = request.query_params.get("fields", "")
    names = [name.strip() for name in raw.split(",") if name.strip()]
    return names or None


def _key(request: Request, registry: SharedRegistry) -> str:
    return request.query_params.get(registry.key.name, "")


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(fields={name: [_("Enter a whole number.")]}) from None


class _SharingApi(APIView):
    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsDepartmentSystem]
    throttle_classes = [SystemClientRateThrottle]


READ_EXAMPLE = OpenApiExample(
    "A person, fields of an unconditional item and a grant",
    response_only=True,
    value={
        "registry": "persons",
        "version": "1.0",
        "fields": ["id_number", "name", "sex", "birth_on"],
        "record": {
            "id_number": "110101199003071234",
            "name": "张三",
            "sex": "1",
            "birth_on": "1990-03-07",
        },
    },
)


class SharedRecordReadApi(_SharingApi):
    @extend_schema(
        tags=TAGS,
        operation_id="registry_data_read",
        summary="Read one record by its key (ID number / USCC / address code)",
        parameters=[
            REGISTRY_PARAMETER,
            VERSION_PARAMETER,
            *KEY_PARAMETERS,
            FIELDS_PARAMETER,
            *PURPOSE_PARAMETERS,
        ],
        responses={
            200: inline_serializer(
                "SharedRecordRead",
                {
                    "registry": serializers.CharField(),
                    "version": serializers.CharField(),
                    "fields": serializers.ListField(child=serializers.CharField()),
                    "record": serializers.DictField(child=serializers.CharField()),
                },
            ),
            **ERRORS,
        },
        examples=[READ_EXAMPLE],
    )
    def get(self, request: Request, registry: str, version: str) -> Response:
        shared = shared_registry_get(name=registry, version=version)
        record = shared_data.shared_record_read(
            client=_client(request),
            registry=shared,
            key=_key(request, shared),
            purpose=_purpose(request),
            fields=_fields(request),
            request=request._request,
        )
        return Response(
            {
                "registry": shared.name,
                "version": shared.version,
                "fields": list(record),
                "record": record,
            }
        )


class SharedRecordExistsApi(_SharingApi):
    @extend_schema(
        tags=TAGS,
        operation_id="registry_data_exists",
        summary="Whether a record with the key exists (yes or no, no data)",
        parameters=[REGISTRY_PARAMETER, VERSION_PARAMETER, *KEY_PARAMETERS, *PURPOSE_PARAMETERS],
        responses={
            200: inline_serializer("SharedRecordExists", {"exists": serializers.BooleanField()}),
            **ERRORS,
        },
        examples=[OpenApiExample("Exists", response_only=True, value={"exists": True})],
    )
    def get(self, request: Request, registry: str, version: str) -> Response:
        shared = shared_registry_get(name=registry, version=version)
        exists = shared_data.shared_record_exists(
            client=_client(request),
            registry=shared,
            key=_key(request, shared),
            purpose=_purpose(request),
            request=request._request,
        )
        return Response({"exists": exists})


class SharedRecordListApi(_SharingApi):
    @extend_schema(
        tags=TAGS,
        operation_id="registry_data_list",
        summary="List records matching filters (exact values), paged",
        description="Every query parameter other than purpose, fields, page and page_size is a "
        "filter: persons `sex`, `ethnic_group`, `region_code`, `birth_on`; legal-entities "
        "`entity_type`, `industry_code`, `status`, `established_on`; addresses `region_code` "
        "(the region and its parts), `street`, `postal_code`, `status` and `text` (words of the "
        "standard address). A filter must be a field the system may read. At least one filter; "
        "at most 50 records a page.",
        parameters=[
            REGISTRY_PARAMETER,
            VERSION_PARAMETER,
            FIELDS_PARAMETER,
            *PURPOSE_PARAMETERS,
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1 to 50, default 20."),
            OpenApiParameter("region_code", OpenApiTypes.STR, description="Example of a filter."),
        ],
        responses={
            200: inline_serializer(
                "SharedRecordList",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "page_size": serializers.IntegerField(),
                    "fields": serializers.ListField(child=serializers.CharField()),
                    "results": serializers.ListField(
                        child=serializers.DictField(child=serializers.CharField())
                    ),
                },
            ),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Persons of a district",
                response_only=True,
                value={
                    "count": 1,
                    "page": 1,
                    "page_size": 20,
                    "fields": ["name", "region_code"],
                    "results": [{"name": "张三", "region_code": "330102"}],
                },
            )
        ],
    )
    def get(self, request: Request, registry: str, version: str) -> Response:
        shared = shared_registry_get(name=registry, version=version)
        filters: dict[str, Any] = {
            name: value for name, value in request.query_params.items() if name not in RESERVED
        }
        page = _int(request, "page", 1)
        page_size = _int(request, "page_size", 20)
        result = shared_data.shared_record_list(
            client=_client(request),
            registry=shared,
            filters=filters,
            purpose=_purpose(request),
            fields=_fields(request),
            page=page,
            page_size=page_size,
            request=request._request,
        )
        return Response(
            {
                "count": result.count,
                "page": page,
                "page_size": page_size,
                "fields": result.fields,
                "results": result.results,
            }
        )
