"""Registry API (read-only, public): data elements, code lists, subject terms, and the published
information resource catalogue (also as DCAT-AP 3).

Thin views over ``registry.selectors``; lists are paginated (``?page=&page_size=``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.errors import ValidationFailed
from ecity.registry.api import serializers as s
from ecity.registry.models import (
    CodeList,
    CodeValue,
    DataElement,
    OpenType,
    Resource,
    ResourceFormat,
    ShareType,
    SubjectTerm,
    UpdateCycle,
)
from ecity.registry.selectors import metadata as selectors
from ecity.registry.selectors import resources as resource_selectors
from ecity.registry.selectors.resources import FACET_CHOICES, CatalogueFilters
from ecity.registry.selectors.thesaurus import subject_term_list

TAGS = ["registry"]
ERROR_404 = OpenApiResponse(description="No such data element, code list or published resource.")

Q_PARAMETER = OpenApiParameter(
    "q", OpenApiTypes.STR, description="Identifier (exact) or part of the Chinese or English name."
)


@extend_schema(
    tags=TAGS,
    summary="List data elements (数据元)",
    description="Elements in force and withdrawn; metadata maintainers also see drafts. "
    "`status` filters by status.",
    parameters=[
        Q_PARAMETER,
        OpenApiParameter("status", OpenApiTypes.STR, enum=DataElement.Status.values),
    ],
    examples=[
        OpenApiExample(
            "One element",
            response_only=True,
            value={
                "count": 1,
                "next": None,
                "previous": None,
                "results": [
                    {
                        "identifier": "DE0001",
                        "name": "公民身份号码",
                        "name_en": "Resident ID number",
                        "definition": "公安机关按照GB 11643为公民编制的18位身份识别代码。",
                        "data_type": "string",
                        "format": "an18",
                        "pattern": "\\d{17}[\\dX]",
                        "code_list": None,
                        "check_rule": "id_number",
                        "unit": "",
                        "authority": {
                            "code": "GAJ",
                            "name_zh": "示范市公安局",
                            "name_en": "Shifan Public Security Bureau",
                        },
                        "synonyms": ["身份证号码"],
                        "version": 1,
                        "status": "in_force",
                        "updated_at": "2025-01-02T09:00:00+08:00",
                    }
                ],
            },
        )
    ],
)
class DataElementListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.DataElementSerializer

    def get_queryset(self) -> QuerySet[DataElement]:
        user = self.request.user if self.request.user.is_authenticated else None
        elements = selectors.data_element_list(
            actor=user, query=self.request.query_params.get("q", "").strip()
        )
        status = self.request.query_params.get("status", "")
        if status:
            if status not in DataElement.Status.values:
                raise ValidationFailed(fields={"status": [_("Unknown status.")]})
            elements = elements.filter(status=status)
        return elements


@extend_schema(
    tags=TAGS,
    summary="Show a data element",
    responses={200: s.DataElementSerializer, 404: ERROR_404},
)
class DataElementDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.DataElementSerializer

    def get_object(self) -> DataElement:
        user = self.request.user if self.request.user.is_authenticated else None
        return selectors.data_element_visible_get(actor=user, identifier=self.kwargs["identifier"])


@extend_schema(tags=TAGS, summary="List code lists (代码表) with their number of codes")
class CodeListListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.CodeListSerializer

    def get_queryset(self) -> QuerySet[CodeList]:
        return selectors.code_list_list()


@extend_schema(
    tags=TAGS,
    summary="List the codes of a code list",
    description="In the list's order; `valid_on` (YYYY-MM-DD) keeps the codes valid that day.",
    parameters=[OpenApiParameter("valid_on", OpenApiTypes.DATE)],
    responses={200: s.CodeValueSerializer(many=True), 404: ERROR_404},
)
class CodeValueListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.CodeValueSerializer
    queryset = CodeValue.objects.none()  # for the schema: get_queryset needs the URL's list

    def get_queryset(self) -> QuerySet[CodeValue]:
        code_list = selectors.code_list_get(identifier=self.kwargs["identifier"])
        valid_on_text = self.request.query_params.get("valid_on", "")
        valid_on = None
        if valid_on_text:
            try:
                valid_on = dt.date.fromisoformat(valid_on_text)
            except ValueError:
                raise ValidationFailed(
                    fields={"valid_on": [_("Enter a date as YYYY-MM-DD.")]}
                ) from None
        return selectors.code_value_list(code_list=code_list, valid_on=valid_on)


@extend_schema(
    tags=TAGS,
    summary="List subject terms (主题词)",
    description="`q` matches part of a term or synonym (or of the English term).",
    parameters=[OpenApiParameter("q", OpenApiTypes.STR)],
)
class SubjectTermListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.SubjectTermSerializer

    def get_queryset(self) -> QuerySet[SubjectTerm]:
        return subject_term_list(query=self.request.query_params.get("q", ""))


RESOURCE_FILTERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Part of the Chinese or English name, or the code."
    ),
    OpenApiParameter(
        "department", OpenApiTypes.STR, description="Provider department code (sub-units too)."
    ),
    OpenApiParameter("subject", OpenApiTypes.STR, description="A subject term (主题词)."),
    OpenApiParameter("share_type", OpenApiTypes.STR, enum=ShareType.values),
    OpenApiParameter("open_type", OpenApiTypes.STR, enum=OpenType.values),
    OpenApiParameter(
        "resource_format",
        OpenApiTypes.STR,
        enum=ResourceFormat.values,
        description="The resource's format (the field `format`).",
    ),
    OpenApiParameter("update_cycle", OpenApiTypes.STR, enum=UpdateCycle.values),
]
RESOURCE_EXAMPLE = {
    "code": "330100-GA-0001",
    "name": "人口基础信息",
    "name_en": "Population base information",
    "provider": {"code": "GAJ", "name_zh": "示范市公安局", "name_en": "Shifan Public Security"},
    "summary": "本市户籍人口的公民身份号码、姓名、性别、民族、出生日期和住址。",
    "summary_en": "",
    "category": "base",
    "format": "database",
    "format_detail": "",
    "share_type": "conditional",
    "share_condition": "用于政务服务办理和行政执法，按最小必要原则共享。",
    "share_method": "platform_api",
    "open_type": "not_open",
    "open_condition": "",
    "update_cycle": "daily",
    "published_on": "2026-12-01",
    "version": 1,
    "subjects": ["人口"],
    "code_list": None,
}


@extend_schema(
    tags=TAGS,
    summary="List the published information resource catalogue (政务信息资源目录)",
    description="Published resources only; the filters are the catalogue page's facets. "
    "An unknown choice value is a 400 with the field named.",
    parameters=RESOURCE_FILTERS,
    examples=[
        OpenApiExample(
            "One resource",
            response_only=True,
            value={"count": 1, "next": None, "previous": None, "results": [RESOURCE_EXAMPLE]},
        )
    ],
)
class ResourceListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ResourceSerializer

    def get_queryset(self) -> QuerySet[Resource]:
        params = self.request.query_params
        filters = CatalogueFilters(
            query=params.get("q", "").strip(),
            **{name: params.get(name, "").strip() for name in FACET_CHOICES},
        )
        errors = filters.invalid_fields()
        if errors:
            raise ValidationFailed(fields=errors)
        return resource_selectors.resource_catalogue(filters=filters)


@extend_schema(
    tags=TAGS,
    summary="Show a published resource with its information items",
    responses={200: s.ResourceDetailSerializer, 404: ERROR_404},
)
class ResourceDetailApi(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ResourceDetailSerializer

    def get_object(self) -> Resource:
        return resource_selectors.resource_published_get(code=self.kwargs["code"])


class _TextRenderer(BaseRenderer):
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return str(data).encode(self.charset)


class JsonLdRenderer(_TextRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class TurtleRenderer(_TextRenderer):
    media_type = "text/turtle"
    format = "ttl"


@extend_schema(
    tags=TAGS,
    summary="The published catalogue as DCAT-AP 3 (JSON-LD)",
    description="A dcat:Catalog with one dcat:Dataset per published resource (see docs/registry.md "
    "for the mapping); it conforms to the SHACL shapes in registry/shapes/.",
    responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
)
class CatalogueJsonLdApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JsonLdRenderer]

    def get(self, request: Request) -> Response:
        from ecity.registry import dcat  # imported here: only the DCAT exports need rdflib

        resources = resource_selectors.resource_export_list()
        return Response(dcat.catalogue_jsonld(resources), content_type=JsonLdRenderer.media_type)


@extend_schema(
    tags=TAGS,
    summary="The published catalogue as DCAT-AP 3 (Turtle)",
    description="The same graph as catalogue.jsonld, in Turtle.",
    responses={(200, "text/turtle"): OpenApiTypes.STR},
)
class CatalogueTurtleApi(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [TurtleRenderer]

    def get(self, request: Request) -> Response:
        from ecity.registry import dcat  # imported here: only the DCAT exports need rdflib

        resources = resource_selectors.resource_export_list()
        return Response(dcat.catalogue_turtle(resources), content_type=TurtleRenderer.media_type)
