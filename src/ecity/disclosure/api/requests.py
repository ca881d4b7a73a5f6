"""Disclosure request API: file a request (citizens and enterprises), read its status by number
and query code, list one's own requests. Same services and selectors as the pages; domain
errors come back in the platform's JSON envelope ``{"code", "message", "fields"}``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.core.errors import ValidationFailed
from ecity.disclosure.models import ApplicantType, Delivery, DisclosureRequest, Medium
from ecity.disclosure.selectors import requests as selectors
from ecity.disclosure.services import requests as services
from ecity.org.models import Department


class RequestInputSerializer(serializers.Serializer):
    department = serializers.CharField(max_length=32, help_text="Department code")
    applicant_type = serializers.ChoiceField(choices=ApplicantType.choices)
    name = serializers.CharField(max_length=200, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=18, allow_blank=True, default="")
    uscc = serializers.CharField(max_length=18, allow_blank=True, default="")
    legal_representative = serializers.CharField(max_length=100, allow_blank=True, default="")
    contact_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, default="")
    purpose = serializers.CharField(allow_blank=True, default="")
    medium = serializers.ChoiceField(choices=Medium.choices)
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class RequestOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    reply_type = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureRequest
        fields = [
            "id",
            "number",
            "department",
            "status",
            "received_on",
            "due_on",
            "extension_days",
            "deadline_state",
            "reply_type",
        ]

    def get_reply_type(self, obj: DisclosureRequest) -> str | None:
        return obj.reply.reply_type if hasattr(obj, "reply") else None


class CreatedOutput(RequestOutput):
    class Meta(RequestOutput.Meta):
        fields = [*RequestOutput.Meta.fields, "query_code"]


@extend_schema(
    tags=["disclosure"],
    summary="File a request for government information (依申请公开)",
    request=RequestInputSerializer,
    responses={201: CreatedOutput},
    examples=[
        OpenApiExample(
            "Citizen",
            value={
                "department": "ENV",
                "applicant_type": "person",
                "name": "王小明",
                "id_number": "110105199005170076",
                "phone": "13912345678",
                "description": "2025年幸福路拓宽工程的环境影响评价报告全文。",
                "medium": "electronic",
                "delivery": "online",
            },
            request_only=True,
        )
    ],
)
class RequestSubmitApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        given = RequestInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        department = Department.objects.filter(code=data.pop("department"), is_active=True).first()
        if department is None:
            raise ValidationFailed(fields={"department": [_("Choose the department you ask.")]})
        created = services.request_submit(
            applicant=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
            department=department,
            data=services.RequestInput(**data),
        )
        return Response(CreatedOutput(created).data, status=status.HTTP_201_CREATED)


class StatusInput(serializers.Serializer):
    number = serializers.CharField(max_length=60)
    query_code = serializers.CharField(max_length=16)


@extend_schema(
    tags=["disclosure"],
    summary="Read a request's status by its number and query code",
    request=StatusInput,
    responses={
        200: RequestOutput,
        404: OpenApiResponse(
            ERROR_ENVELOPE_SCHEMA,
            description="No request has this number and query code (the same answer for both).",
        ),
    },
)
class RequestStatusApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request: Request) -> Response:
        given = StatusInput(data=request.data)
        given.is_valid(raise_exception=True)
        found = selectors.request_by_query_code(**given.validated_data)
        return Response(RequestOutput(found).data)


@extend_schema(tags=["disclosure"], summary="List my disclosure requests")
class MyRequestsApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RequestOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.requests_of_applicant(applicant=self.request.user).select_related("reply")
