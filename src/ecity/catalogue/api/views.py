"""Catalogue API: public read-only browsing and form validation; staff drafts and publishing.

Thin views: reads go through ``catalogue.selectors``, writes through ``catalogue.services``;
errors become the platform's JSON envelope (``ecity.core.api.exception_handler``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.catalogue import selectors, services
from ecity.catalogue.api import serializers as s
from ecity.catalogue.api.filters import ItemFilter, LifeEventFilter, ThemeFilter
from ecity.catalogue.errors import CatalogueErrorCode
from ecity.catalogue.form_schema import schema_validate_data
from ecity.catalogue.models import LifeEvent, ServiceItem, ServiceItemVersion, Theme
from ecity.core.errors import ValidationFailed

TAGS = ["catalogue"]

ERROR_400 = OpenApiResponse(
    description="Validation failed: the envelope lists messages by field.",
    examples=[
        OpenApiExample(
            "Field errors",
            value={
                "code": "validation_failed",
                "message": "部分字段无效，请更正后重试。",
                "fields": {"id_number": ["请输入有效的公民身份号码。"]},
            },
        )
    ],
)
ERROR_403 = OpenApiResponse(
    description="Not allowed.",
    examples=[
        OpenApiExample(
            "Denied",
            value={"code": "permission_denied", "message": "您无权执行此操作。", "fields": {}},
        )
    ],
)
ERROR_404 = OpenApiResponse(description="No such service or version.")
ERROR_409 = OpenApiResponse(
    description="The version is published (immutable), or a draft already exists.",
    examples=[
        OpenApiExample(
            "Immutable",
            value={
                "code": "version_immutable",
                "message": "已发布的版本不能修改，请新建草稿。",
                "fields": {},
            },
        )
    ],
)


@extend_schema(tags=TAGS, summary="List themes with their number of published services")
class ThemeListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ThemeSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ThemeFilter

    def get_queryset(self) -> QuerySet[Theme]:
        return selectors.theme_list()


@extend_schema(tags=TAGS, summary="List life events with their number of published services")
class LifeEventListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.LifeEventSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LifeEventFilter

    def get_queryset(self) -> QuerySet[LifeEvent]:
        return selectors.life_event_list()


@extend_schema(
    tags=TAGS,
    summary="List published services",
    description="Filter by theme, life event, department, audience, kind and free text; "
    "order by `code`, `name`, `published_at` or `committed_days` (prefix `-` to reverse).",
    examples=[
        OpenApiExample(
            "One service",
            response_only=True,
            value={
                "count": 1,
                "next": None,
                "previous": None,
                "results": [
                    {
                        "code": "QY-001",
                        "name_zh": "企业设立登记",
                        "name_en": "Company registration",
                        "summary_zh": "新办企业的设立登记。",
                        "summary_en": "",
                        "kind": "licensing",
                        "audiences": ["g2b"],
                        "department": {"code": "SCJ", "name_zh": "市场监督管理局", "name_en": ""},
                        "version": 2,
                        "committed_days": 3,
                    }
                ],
            },
        )
    ],
)
class ItemListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.ItemListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ItemFilter

    def get_queryset(self) -> QuerySet[ServiceItem]:
        return selectors.published_item_list()


@extend_schema(
    tags=TAGS,
    summary="Read a service guide (current published version)",
    responses={200: s.ItemDetailSerializer, 404: ERROR_404},
)
class ItemDetailApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, code: str) -> Response:
        item = selectors.item_get_published(code=code)
        return Response(s.ItemDetailSerializer(item, context={"request": request}).data)


@extend_schema(tags=TAGS, summary="List the public versions of a service, newest first")
class VersionListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = s.VersionSummarySerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[ServiceItemVersion]:
        item = selectors.item_get_published(code=self.kwargs["code"])
        return selectors.version_list(item=item)


@extend_schema(
    tags=TAGS,
    summary="Read one public (published or superseded) version of a service guide",
    responses={200: s.VersionDetailSerializer, 404: ERROR_404},
)
class VersionDetailApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, code: str, number: int) -> Response:
        item = selectors.item_get_published(code=code)
        version = selectors.version_get_public(item=item, number=number)
        return Response(s.VersionDetailSerializer(version, context={"request": request}).data)


@extend_schema(
    tags=TAGS,
    summary="Validate application form data against the service's form schema",
    description="Server-side validation used by the portal and the case system. Nothing is "
    "stored. Field names and rules come from `current_version.form_schema`.",
    request=s.FormDataSerializer,
    responses={200: s.FormValidResultSerializer, 400: ERROR_400, 404: ERROR_404},
    examples=[
        OpenApiExample(
            "Form data",
            request_only=True,
            value={"applicant_name": "王小明", "id_number": "11010519900517001X"},
        ),
        OpenApiExample(
            "Valid",
            response_only=True,
            status_codes=["200"],
            value={
                "valid": True,
                "data": {"applicant_name": "王小明", "id_number": "11010519900517001X"},
            },
        ),
    ],
)
class FormValidateApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request, code: str) -> Response:
        item = selectors.item_get_published(code=code)
        schema = item.current_version.form_schema
        if not schema:
            raise ValidationFailed(
                fields={"__all__": [_("This service cannot be applied for online.")]},
                code=CatalogueErrorCode.NO_ONLINE_FORM,
            )
        cleaned, errors = schema_validate_data(schema, request.data)
        if errors:
            raise ValidationFailed(fields=errors)
        return Response({"valid": True, "data": cleaned})


@extend_schema(
    tags=TAGS,
    summary="Start a new draft of a service (staff)",
    description="Copies the current version with its materials, locations, FAQ, themes and "
    "life events. Platform administrators and the department's administrators only.",
    request=None,
    responses={201: s.VersionDetailSerializer, 403: ERROR_403, 404: ERROR_404, 409: ERROR_409},
)
class DraftCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, code: str) -> Response:
        item = selectors.item_get(code=code)
        draft = services.version_draft_create(actor=request.user, item=item)
        draft = selectors.version_get_for_editing(user=request.user, public_id=draft.public_id)
        data = s.VersionDetailSerializer(draft, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class VersionEditApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Read any version, drafts included (staff who may edit the service)",
        responses={200: s.VersionDetailSerializer, 404: ERROR_404},
    )
    def get(self, request: Request, public_id: str) -> Response:
        version = selectors.version_get_for_editing(user=request.user, public_id=public_id)
        return Response(s.VersionDetailSerializer(version, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a draft (staff); published versions are immutable",
        request=s.DraftUpdateSerializer,
        responses={
            200: s.VersionDetailSerializer,
            400: ERROR_400,
            403: ERROR_403,
            404: ERROR_404,
            409: ERROR_409,
        },
        examples=[
            OpenApiExample(
                "Shorter committed time limit",
                request_only=True,
                value={"committed_days": 2, "change_note": "承诺时限缩短为2个工作日"},
            )
        ],
    )
    def patch(self, request: Request, public_id: str) -> Response:
        version = selectors.version_get(public_id=public_id)
        serializer = s.DraftUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.version_draft_update(
            actor=request.user, version=version, **serializer.validated_data
        )
        version = selectors.version_get_for_editing(user=request.user, public_id=public_id)
        return Response(s.VersionDetailSerializer(version, context={"request": request}).data)


@extend_schema(
    tags=TAGS,
    summary="Publish a draft (staff): it becomes the current version",
    request=None,
    responses={
        200: s.VersionDetailSerializer,
        400: ERROR_400,
        403: ERROR_403,
        404: ERROR_404,
        409: ERROR_409,
    },
)
class VersionPublishApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, public_id: str) -> Response:
        version = selectors.version_get(public_id=public_id)
        services.version_publish(actor=request.user, version=version)
        version = selectors.version_get_for_editing(user=request.user, public_id=public_id)
        return Response(s.VersionDetailSerializer(version, context={"request": request}).data)
