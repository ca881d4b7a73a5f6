"""Registry metadata API (read-only, public): data elements, code lists, subject terms.

Thin views over ``registry.selectors``; lists are paginated (``?page=&page_size=``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny

from ecity.core.errors import ValidationFailed
from ecity.registry.api import serializers as s
from ecity.registry.models import CodeList, CodeValue, DataElement, SubjectTerm
from ecity.registry.selectors import metadata as selectors
from ecity.registry.selectors.thesaurus import subject_term_list

TAGS = ["registry"]
ERROR_404 = OpenApiResponse(description="No such data element or code list.")

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
