"""Joint application API (一件事一次办): submit once, list mine, read one's progress and results.

Thin views over ``cases.services.joint`` and ``cases.selectors.joint``; errors use the platform
envelope. The combined form (shared fields, each service's fields, material slots) is read from
``GET /api/v1/catalogue/joint-services/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.cases.api.submission import (
    ERROR_409,
    STATUS_HELP,
    CaseSerializer,
    DepartmentStepSerializer,
)
from ecity.cases.api.submission.inputs import form_json as _form_json
from ecity.cases.api.submission.inputs import material_uploads as _files
from ecity.cases.models import Case, JointApplication
from ecity.cases.selectors import joint as selectors
from ecity.cases.selectors.drafts import joint_draft_for
from ecity.cases.services.joint import joint_application_submit
from ecity.catalogue.joint.selectors import joint_service_get_published
from ecity.catalogue.models import JointServiceVersion
from ecity.core.api import Pagination
from ecity.core.errors import ValidationFailed
from ecity.core.idempotency import idempotency_key_of
from ecity.identity.selectors import acting_identity

TAGS = ["cases"]

CASE = {
    "number": "2026-SCJ-000123",
    "query_code": "K7M4Q9TX",
    "status": "submitted",
    "status_label": "已提交，待受理",
    "service": {"code": "SCJ-XK-001", "name_zh": "食品经营许可", "name_en": "Food licence"},
    "department": {"code": "SCJ", "name_zh": "市市场监督管理局", "name_en": "Market Regulation"},
    "channel": "api",
    "submitted_at": "2026-11-23T09:30:00+08:00",
    "acceptance_due_on": "2026-11-30",
    "committed_due_on": None,
    "decided_at": None,
    "deadline_state": "normal",
}
APPLICATION_EXAMPLE = {
    "number": "YJS-2026-000007",
    "query_code": "Q2W3E4R5",
    "joint_service": {"code": "open-restaurant", "name_zh": "开办餐馆“一件事”", "name_en": ""},
    "version": 1,
    "submitted_at": "2026-11-23T09:30:00+08:00",
    "cases": [CASE],
}
ERROR_400 = OpenApiResponse(
    description="Validation failed: every error of every service at once, under the combined "
    "form's names (shared.<key>, services.<code>.<field>, material:<id>).",
    examples=[
        OpenApiExample(
            "Errors",
            value={
                "code": "validation_failed",
                "message": "部分字段无效，请更正后重试。",
                "fields": {
                    "shared.premises_address": ["该字段是必填项。"],
                    "services.XFJ-XK-001.occupancy": ["确保该值大于或等于1。"],
                    "material:7b0c1c9e-2f7e-4c38-9a55-0f1d3c1b2a11": ["请上传此材料。"],
                },
            },
        )
    ],
)
ERROR_404 = OpenApiResponse(description="No such joint application (among yours).")


class JointRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class JointApplicationSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField()
    joint_service = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="joint_version.number")
    submitted_at = serializers.DateTimeField()
    cases = serializers.SerializerMethodField()

    @extend_schema_field(JointRefSerializer)
    def get_joint_service(self, application: JointApplication) -> dict[str, str]:
        version = application.joint_version
        return {
            "code": version.service.code,
            "name_zh": version.name_zh,
            "name_en": version.name_en,
        }

    @extend_schema_field(CaseSerializer(many=True))
    def get_cases(self, application: JointApplication) -> Any:
        return CaseSerializer([link.case for link in application.links.all()], many=True).data


class MemberResultSerializer(serializers.Serializer):
    decision_document = serializers.CharField(allow_null=True, help_text="Its number.")
    decision_url = serializers.CharField(allow_null=True)
    certificate = serializers.CharField(allow_null=True, help_text="Its identifier.")
    certificate_name = serializers.CharField(allow_null=True)
    certificate_url = serializers.CharField(allow_null=True)


class MemberProgressSerializer(serializers.Serializer):
    number = serializers.CharField(source="case.number")
    status = serializers.CharField(source="case.status", help_text=STATUS_HELP)
    status_label = serializers.CharField(source="case.get_status_display")
    service = serializers.SerializerMethodField()
    department = serializers.CharField(source="case.department.name")
    due_on = serializers.DateField(allow_null=True)
    steps = DepartmentStepSerializer(
        many=True, help_text="Each involved department's step, as in the case's own progress."
    )
    result = serializers.SerializerMethodField()

    @extend_schema_field(JointRefSerializer)
    def get_service(self, member: selectors.MemberProgress) -> dict[str, str]:
        version = member.case.service_version
        return {"code": version.item.code, "name_zh": version.name_zh, "name_en": version.name_en}

    @extend_schema_field(MemberResultSerializer)
    def get_result(self, member: selectors.MemberProgress) -> dict[str, Any]:
        document, certificate = member.decision_document, member.certificate
        return {
            "decision_document": document.number if document else None,
            "decision_url": reverse("cases:decision_pdf", args=[document.public_id])
            if document
            else None,
            "certificate": certificate.identifier if certificate else None,
            "certificate_name": certificate.type_name if certificate else None,
            "certificate_url": reverse("certificates:pdf", args=[certificate.identifier])
            if certificate
            else None,
        }


class JointProgressSerializer(serializers.Serializer):
    number = serializers.CharField(source="application.number")
    query_code = serializers.CharField(source="application.query_code")
    name_zh = serializers.CharField(source="application.joint_version.name_zh")
    name_en = serializers.CharField(source="application.joint_version.name_en")
    submitted_at = serializers.DateTimeField(source="application.submitted_at")
    closed_count = serializers.IntegerField(help_text="Member cases closed so far.")
    is_closed = serializers.BooleanField()
    results_url = serializers.SerializerMethodField()
    cases = MemberProgressSerializer(source="members", many=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_results_url(self, progress: selectors.JointProgress) -> str | None:
        if not progress.has_results:
            return None
        return reverse("cases:joint_results", args=[progress.application.number])


class JointSubmitInput(serializers.Serializer):
    joint_service = serializers.CharField(help_text="The joint application's code.")
    form = serializers.CharField(
        help_text='The answers as a JSON object string: {"shared": {key: value}, "services": '
        "{service code: {field: value}}}."
    )
    files = serializers.FileField(
        required=False,
        help_text="One part per material slot, named material:<id> (see the catalogue's "
        "joint-services API). This entry only documents the format.",
    )
    use_draft = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: the files kept on your draft of this joint application fill the slots "
        "without a file part (see the drafts API); submitting then removes the draft.",
    )


def _identity(request: Request) -> Any:
    return acting_identity(user=request.user, session=request.session)


def joint_version_of(code: str) -> JointServiceVersion:
    """The current version of the published joint application ``code`` (NotFound, or a 400
    without a code)."""
    if not code:
        raise ValidationFailed(fields={"joint_service": ["This field is required."]})
    return joint_service_get_published(code=code).current_version


def use_draft_of(request: Request) -> bool:
    """Whether the request asks to use the caller's draft (``use_draft`` true)."""
    data = request.data if isinstance(request.data, Mapping) else {}
    return str(data.get("use_draft") or "").lower() in ("1", "true", "yes", "on")


@extend_schema(
    tags=TAGS,
    summary="Submit a joint application (一件事一次办)",
    description="Multipart form: `joint_service` (code), `form` (JSON object string) and one file "
    "part per material slot named `material:<id>`. Creates one case per member service (each "
    "handled by its own department) and the joint application linking them, all or nothing. "
    "With `use_draft=true` the files kept on your draft fill the slots without a file part and "
    "the draft is removed (see the drafts API); check first with "
    "`POST /api/v1/cases/joint-applications/check/`. "
    "Send an `Idempotency-Key` header (8-100 characters): a retry with the same key and payload "
    "returns the same joint application (200) and creates nothing; the same key with another "
    "payload is a 409.",
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            str,
            OpenApiParameter.HEADER,
            required=False,
            description="A unique key per logical submission (e.g. a UUID).",
        )
    ],
    request={"multipart/form-data": JointSubmitInput},
    responses={
        201: JointApplicationSerializer,
        200: OpenApiResponse(
            JointApplicationSerializer, description="A retry: the joint application created before."
        ),
        400: ERROR_400,
        404: OpenApiResponse(description="No published joint application has this code."),
        409: ERROR_409,
    },
    examples=[OpenApiExample("Submitted", value=APPLICATION_EXAMPLE, response_only=True)],
)
class JointApplicationSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        if not isinstance(request.data, Mapping):
            raise ValidationFailed(fields={"form": ["The request must be a form or JSON object."]})
        version = joint_version_of(str(request.data.get("joint_service") or ""))
        identity = _identity(request)
        application = joint_application_submit(
            actor=request.user,
            session_identity=identity,
            joint_version=version,
            form_data=_form_json(request.data.get("form")),
            attachments=_files(request),
            idempotency_key=idempotency_key_of(request),
            channel=Case.Channel.API,
            draft=joint_draft_for(actor=request.user, identity=identity, joint_version=version)
            if use_draft_of(request)
            else None,
        )
        replay = getattr(application, "is_replay", False)
        return Response(
            JointApplicationSerializer(application).data,
            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=TAGS,
    summary="List my joint applications",
    description="Joint applications of the identity the user acts as, newest first, with "
    "their member cases.",
    responses={200: JointApplicationSerializer(many=True)},
)
class MyJointApplicationListApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = JointApplicationSerializer
    queryset = JointApplication.objects.none()  # the rows come from the selectors (schema only)

    def get(self, request: Request) -> Response:
        applications = selectors.joint_application_list_for_applicant(
            user=request.user, identity=_identity(request)
        )
        page = self.paginate_queryset(applications)
        return self.get_paginated_response(JointApplicationSerializer(page, many=True).data)


@extend_schema(
    tags=TAGS,
    summary="Progress and results of one of my joint applications",
    description="Each member case's status and deadline, each involved department's step "
    "(the same steps as the case's own progress in `GET /api/v1/cases/my/{number}/`), and its "
    "decision document and e-certificate once issued.",
    responses={200: JointProgressSerializer, 404: ERROR_404},
)
class MyJointApplicationProgressApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, number: str) -> Response:
        application = selectors.joint_application_get_for_applicant(
            user=request.user, identity=_identity(request), number=number
        )
        return Response(
            JointProgressSerializer(selectors.joint_progress(application=application)).data
        )
