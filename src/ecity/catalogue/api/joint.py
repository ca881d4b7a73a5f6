"""Catalogue API of joint applications (一件事一次办): the published ones, with their combined form.

Everything a client needs to submit one (``POST /api/v1/cases/joint-applications/``): the
member services, the shared fields (asked once) and each service's own fields as form schemas,
and the material slots (one file each, ``material:<id>``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.catalogue.api.serializers import DepartmentRefSerializer
from ecity.catalogue.joint.layout import JointLayout, joint_layout
from ecity.catalogue.joint.selectors import (
    joint_service_get_published,
    joint_service_list_published,
)
from ecity.catalogue.models import JointService

TAGS = ["catalogue"]

EXAMPLE = {
    "code": "open-restaurant",
    "name_zh": "开办餐馆“一件事”",
    "name_en": "Open a restaurant in one go",
    "summary_zh": "一次申请，四个部门并联办理。",
    "summary_en": "",
    "life_event": {"code": "open-restaurant", "name_zh": "开餐馆", "name_en": "Restaurant"},
    "department": {"code": "ZWB", "name_zh": "示范市政务服务管理办公室", "name_en": ""},
    "version": 1,
    "members": [
        {
            "code": "SCJ-DJ-002",
            "name_zh": "个体工商户登记（设立）",
            "name_en": "Registration of an individual business",
            "department": {"code": "SCJ", "name_zh": "示范市市场监督管理局", "name_en": ""},
            "version": 1,
            "waived_fields": [],
            "waiver_note": "",
            "form": {"type": "object", "properties": {"business_scope": {"type": "string"}}},
        }
    ],
    "shared_fields": [
        {
            "key": "premises_address",
            "title_zh": "经营场所地址",
            "title_en": "Address of the premises",
            "required": True,
            "targets": {"SCJ-DJ-002": "business_address", "XFJ-XK-001": "premises_address"},
        }
    ],
    "shared_form": {
        "type": "object",
        "properties": {"premises_address": {"type": "string", "title": "经营场所地址"}},
        "required": ["premises_address"],
    },
    "materials": [
        {
            "id": "7b0c1c9e-2f7e-4c38-9a55-0f1d3c1b2a11",
            "name_zh": "经营者身份证件",
            "name_en": "Identity document of the operator",
            "is_shared": True,
            "is_mandatory": True,
            "is_exempt": False,
            "services": ["SCJ-DJ-002", "SCJ-XK-001"],
        }
    ],
}


class LifeEventRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class JointMemberSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The service item code.")
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    department = DepartmentRefSerializer()
    version = serializers.IntegerField(help_text="The service version applied for.")
    waived_fields = serializers.ListField(
        child=serializers.CharField(), help_text="Fields of its form not asked here."
    )
    waiver_note = serializers.CharField()
    form = serializers.JSONField(
        help_text="The form schema of this service's own fields: answer them under "
        "services.<code> (empty when everything is asked in the shared fields)."
    )


class JointSharedFieldSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Answer it under shared.<key>.")
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    required = serializers.BooleanField()
    targets = serializers.DictField(
        child=serializers.CharField(), help_text="Service item code → its form's field name."
    )


class JointMaterialSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Upload the file as material:<id>.")
    name_zh = serializers.CharField()
    name_en = serializers.CharField()
    notes = serializers.CharField()
    is_shared = serializers.BooleanField(help_text="Filed with every service listed.")
    is_mandatory = serializers.BooleanField(help_text="The application is incomplete without it.")
    is_exempt = serializers.BooleanField(help_text="免提交: the departments obtain it themselves.")
    services = serializers.ListField(child=serializers.CharField())


class JointServiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField(source="current_version.name_zh")
    name_en = serializers.CharField(source="current_version.name_en")
    summary_zh = serializers.CharField(source="current_version.summary_zh")
    summary_en = serializers.CharField(source="current_version.summary_en")
    life_event = LifeEventRefSerializer()
    department = DepartmentRefSerializer(help_text="The lead department.")
    version = serializers.IntegerField(source="current_version.number")
    members = serializers.SerializerMethodField()
    shared_fields = serializers.SerializerMethodField()
    shared_form = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()

    def _layout(self, joint: JointService) -> JointLayout:
        cache = self.context.setdefault("layouts", {})
        if joint.pk not in cache:
            cache[joint.pk] = joint_layout(joint.current_version)
        return cache[joint.pk]

    @extend_schema_field(JointMemberSerializer(many=True))
    def get_members(self, joint: JointService) -> list[dict[str, Any]]:
        return [
            {
                "code": section.item_code,
                "name_zh": section.version.name_zh,
                "name_en": section.version.name_en,
                "department": DepartmentRefSerializer(section.department).data,
                "version": section.version.number,
                "waived_fields": list(section.waived_fields),
                "waiver_note": section.member.waiver_note,
                "form": section.own_schema,
            }
            for section in self._layout(joint).sections
        ]

    @extend_schema_field(JointSharedFieldSerializer(many=True))
    def get_shared_fields(self, joint: JointService) -> list[dict[str, Any]]:
        return [
            {
                "key": slot.key,
                "title_zh": slot.title_zh,
                "title_en": slot.title_en,
                "required": slot.required,
                "targets": {t.item_code: t.field for t in slot.targets},
            }
            for slot in self._layout(joint).shared
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_shared_form(self, joint: JointService) -> dict[str, Any]:
        return self._layout(joint).shared_schema

    @extend_schema_field(JointMaterialSerializer(many=True))
    def get_materials(self, joint: JointService) -> list[dict[str, Any]]:
        return [
            {
                "id": str(slot.public_id),
                "name_zh": slot.name_zh,
                "name_en": slot.name_en,
                "notes": slot.notes,
                "is_shared": slot.is_shared,
                "is_mandatory": slot.is_mandatory,
                "is_exempt": slot.is_exempt,
                "services": slot.item_codes,
            }
            for slot in self._layout(joint).materials
        ]


@extend_schema(
    tags=TAGS,
    summary="List joint applications (一件事一次办) with their combined forms",
    description="Published joint applications, each with its member services, the fields "
    "asked once (`shared_form`), each service's own fields (`members[].form`) and the "
    "material slots. Filter by `life_event` (code).",
    parameters=[OpenApiParameter("life_event", str, required=False, description="Life event")],
    examples=[
        OpenApiExample(
            "One joint application",
            response_only=True,
            value={"count": 1, "next": None, "previous": None, "results": [EXAMPLE]},
        )
    ],
)
class JointServiceListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = JointServiceSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[JointService]:
        life_event = self.request.query_params.get("life_event") or None
        return joint_service_list_published(life_event=life_event)


@extend_schema(
    tags=TAGS,
    summary="Read one joint application (一件事一次办) with its combined form",
    responses={
        200: JointServiceSerializer,
        404: OpenApiResponse(description="No published joint application has this code."),
    },
    examples=[OpenApiExample("Joint application", response_only=True, value=EXAMPLE)],
)
class JointServiceDetailApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, code: str) -> Response:
        joint = joint_service_get_published(code=code)
        return Response(JointServiceSerializer(joint, context={"request": request}).data)
