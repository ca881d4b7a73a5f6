"""Applicant and public case API: submit, my cases, correction, rating, lookup, results.

Thin views over ``cases.services`` and ``cases.selectors``; errors use the platform envelope.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from ecity.cases.models import Case, Rating
from ecity.cases.selectors import applicant as applicant_selectors
from ecity.cases.selectors import public as public_selectors
from ecity.cases.selectors.materials import MATERIAL_PREFIX
from ecity.cases.services.ratings import rating_submit
from ecity.cases.services.submission import case_submit, correction_submit
from ecity.catalogue.api.serializers import FormAnswerSerializer
from ecity.catalogue.form_answers import form_answers
from ecity.core.api import ERROR_ENVELOPE_SCHEMA, Pagination
from ecity.core.errors import NotFound, ValidationFailed
from ecity.core.idempotency import idempotency_key_of
from ecity.core.middleware import response_private
from ecity.core.parsers import JSONRejected, json_loads_limited
from ecity.core.ratelimit import client_ip
from ecity.identity.selectors import acting_identity

TAGS = ["cases"]
# Plain strings in the schema: the case status enum is shared with the workbench API.
STATUS_HELP = "One of: " + ", ".join(Case.Status.values)

ERROR_400 = OpenApiResponse(
    description="Validation failed: every form field and material error at once.",
    examples=[
        OpenApiExample(
            "Form and material errors",
            value={
                "code": "validation_failed",
                "message": "部分字段无效，请更正后重试。",
                "fields": {
                    "id_number": ["请输入有效的公民身份号码。"],
                    "shop_name": ["这个字段是必填项。"],
                    "material:7b0c1c9e-2f7e-4c38-9a55-0f1d3c1b2a11": ["请上传此材料。"],
                },
            },
        )
    ],
)
ERROR_403 = OpenApiResponse(
    ERROR_ENVELOPE_SCHEMA,
    description="Not allowed: `identity_level_required` while the account's real-name level is "
    "too low (the message says how to get verified), `enterprise_not_verified` when acting for "
    "an enterprise that is not verified, `permission_denied` otherwise.",
    examples=[
        OpenApiExample(
            "Identity not verified",
            value={
                "code": "identity_level_required",
                "message": "申请办理事项，须先完成身份核验（实名认证）。"
                "请在线或持身份证到服务窗口办理：/accounts/verify/",
                "fields": {},
            },
        )
    ],
)
ERROR_404 = OpenApiResponse(description="No such case among yours (or no such service).")
ERROR_409 = OpenApiResponse(
    description="The Idempotency-Key was used before with a different payload, or the case is "
    "not in a state that allows this.",
    examples=[
        OpenApiExample(
            "Key reused",
            value={
                "code": "idempotency_conflict",
                "message": "此请求标识已用于另一份申请。",
                "fields": {},
            },
        )
    ],
)
ERROR_429 = OpenApiResponse(
    description="Too many lookups: 10 per minute per client address, or 5 wrong query codes "
    "for one case number within 15 minutes.",
    examples=[
        OpenApiExample(
            "Throttled",
            value={"code": "throttled", "message": "请求已被限制。", "fields": {}},
        )
    ],
)
CASE_EXAMPLE = {
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


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.SerializerMethodField()
    department = CodeNameSerializer()
    channel = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    acceptance_due_on = serializers.DateField(allow_null=True)
    committed_due_on = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    deadline_state = serializers.CharField()

    @extend_schema_field(CodeNameSerializer)
    def get_service(self, case: Case) -> dict[str, str]:
        version = case.service_version
        return {"code": version.item.code, "name_zh": version.name_zh, "name_en": version.name_en}


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField(source="get_action_display")  # type: ignore[assignment]
    at = serializers.DateTimeField(source="created_at")
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    note = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    material_id = serializers.UUIDField(source="material.public_id")
    material = serializers.CharField(source="material.name")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField(source="created_at")
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, attachment: Any) -> str:
        return reverse(
            "cases:attachment_download", args=[attachment.case.number, attachment.public_id]
        )


class CorrectionSerializer(serializers.Serializer):
    note = serializers.CharField()
    items = serializers.JSONField()
    requested_at = serializers.DateTimeField(source="created_at")


class RatingSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Rating.Level.choices)
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class CaseDetailSerializer(CaseSerializer):
    form_data = serializers.JSONField()
    form_answers = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()

    @extend_schema_field(FormAnswerSerializer(many=True))
    def get_form_answers(self, case: Case) -> Any:
        """The answers as people read them: field labels, option labels, 是/否."""
        answers = form_answers(case.service_version.form_schema, case.form_data)
        return FormAnswerSerializer(answers, many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: Case) -> Any:
        events = applicant_selectors.case_timeline(case=case, audience="applicant")
        return EventSerializer(events, many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, case: Case) -> Any:
        return AttachmentSerializer(applicant_selectors.case_attachments(case=case), many=True).data

    @extend_schema_field(CorrectionSerializer(allow_null=True))
    def get_correction(self, case: Case) -> dict[str, Any] | None:
        open_request = applicant_selectors.correction_open_get(case=case)
        return CorrectionSerializer(open_request).data if open_request else None

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, case: Case) -> dict[str, Any] | None:
        rating = Rating.objects.filter(case=case).first()
        return RatingSerializer(rating).data if rating else None


def _form_json(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if raw in (None, ""):
        return {}
    try:
        value = json_loads_limited(raw)
    except JSONRejected as exc:
        raise ValidationFailed(fields={"form": [exc.message]}) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(fields={"form": [_("The form must be a JSON object.")]})
    return value


def _files(request: Request) -> dict[str, Any]:
    return {
        key: upload
        for key, upload in request.FILES.items()
        if key.startswith(MATERIAL_PREFIX) or len(key) == 36
    }


def _own(request: Request, number: str) -> Case:
    return applicant_selectors.case_get_for_applicant(
        user=request.user,
        identity=acting_identity(user=request.user, session=request.session),
        number=number,
    )


class SubmitInput(serializers.Serializer):
    service = serializers.CharField(help_text="The service item code.")
    form = serializers.CharField(
        help_text='The form answers as a JSON object string, e.g. {"applicant_name": "王小明"}.'
    )
    files = serializers.FileField(
        required=False,
        help_text="One part per material, named material:<material id> (see the catalogue API "
        "for the ids, accepted types and size limits). This entry only documents the format.",
    )


@extend_schema(
    tags=TAGS,
    summary="Submit an application",
    description="Multipart form: `service` (item code), `form` (JSON object string) and one file "
    "part per material named `material:<material id>`. Form and material errors are reported "
    "together. Send an `Idempotency-Key` header (8-100 characters): a retry with the same key and "
    "payload returns the same case (200) instead of a new one; the same key with another payload "
    "is a 409. The application is acknowledged only after it is committed.",
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            str,
            OpenApiParameter.HEADER,
            required=False,
            description="A unique key per logical submission (e.g. a UUID).",
        )
    ],
    request={"multipart/form-data": SubmitInput},
    responses={
        201: CaseSerializer,
        200: OpenApiResponse(CaseSerializer, description="A retry: the case created before."),
        400: ERROR_400,
        403: ERROR_403,
        404: ERROR_404,
        409: ERROR_409,
    },
    examples=[OpenApiExample("Submitted", value=CASE_EXAMPLE, response_only=True)],
)
class ApplicationSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        code = str(request.data.get("service") or "")
        if not code:
            raise ValidationFailed(fields={"service": ["This field is required."]})
        case = case_submit(
            actor=request.user,
            session_identity=acting_identity(user=request.user, session=request.session),
            service_version=applicant_selectors.service_version_for_submission(code=code),
            form_data=_form_json(request.data.get("form")),
            attachments=_files(request),
            idempotency_key=idempotency_key_of(request),
            channel=Case.Channel.API,
        )
        replay = getattr(case, "is_replay", False)
        return Response(
            CaseSerializer(case).data,
            status=status.HTTP_200_OK if replay else status.HTTP_201_CREATED,
        )


@extend_schema(
    tags=TAGS,
    summary="List my cases",
    description="Cases of the identity the user acts as (themselves, or the enterprise chosen "
    "in the session). Filter with `status`.",
    parameters=[OpenApiParameter("status", str, enum=Case.Status.values, required=False)],
    responses={200: CaseSerializer(many=True), 403: ERROR_403},
)
class MyCaseListApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = CaseSerializer
    queryset = Case.objects.none()  # the rows come from applicant_selectors (for the schema only)

    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status")
        cases = applicant_selectors.case_list_for_applicant(
            user=request.user,
            identity=acting_identity(user=request.user, session=request.session),
            status=status_filter if status_filter in Case.Status.values else None,
        )
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)


@extend_schema(
    tags=TAGS,
    summary="One of my cases, with its timeline, answers and files",
    responses={200: CaseDetailSerializer, 403: ERROR_403, 404: ERROR_404},
)
class MyCaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request, number: str) -> Response:
        return Response(CaseDetailSerializer(_own(request, number)).data)


class CorrectionInput(serializers.Serializer):
    form = serializers.CharField(help_text="The complete, corrected form as a JSON object string.")
    files = serializers.FileField(
        required=False, help_text="New files, one part per material named material:<id>."
    )


@extend_schema(
    tags=TAGS,
    summary="Send the correction a department asked for (补正)",
    description="Only while the case awaits correction. The form is validated again as a "
    "whole; new files are added (earlier ones stay on record).",
    request={"multipart/form-data": CorrectionInput},
    responses={
        200: CaseDetailSerializer,
        400: ERROR_400,
        403: ERROR_403,
        404: ERROR_404,
        409: ERROR_409,
    },
)
class MyCaseCorrectionApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, number: str) -> Response:
        case = correction_submit(
            actor=request.user,
            case=_own(request, number),
            form_data=_form_json(request.data.get("form")),
            attachments=_files(request),
        )
        return Response(CaseDetailSerializer(case).data)


@extend_schema(
    tags=TAGS,
    summary="Rate a decided case (好差评)",
    description="Levels: 5 very satisfied, 4 satisfied, 3 fairly satisfied, 2 dissatisfied, "
    "1 very dissatisfied. Once per case; 2 or less is flagged to the department's supervisors.",
    request=RatingSerializer,
    responses={
        201: RatingSerializer,
        400: ERROR_400,
        403: ERROR_403,
        404: ERROR_404,
        409: ERROR_409,
    },
    examples=[OpenApiExample("Rating", value={"level": 5, "comment": "办理很快"})],
)
class MyCaseRatingApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, number: str) -> Response:
        case = _own(request, number)
        data = RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = rating_submit(
            actor=request.user,
            case=case,
            level=int(data.validated_data["level"]),
            comment=data.validated_data.get("comment", ""),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class LookupThrottle(BaseThrottle):
    """The case lookup limits of ``cases.selectors.public`` (shared with the HTML page)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        number = str(request.query_params.get("number") or "").strip()
        if not public_selectors.lookup_ip_allow(client_ip(request)):
            return False
        return not (number and public_selectors.lookup_number_locked(number))

    def wait(self) -> float | None:
        return float(public_selectors.LOOKUP_IP_WINDOW)


class StepSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    on = serializers.DateField()
    department = serializers.CharField()


class LookupSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_label = serializers.CharField()
    service = serializers.CharField()
    department = serializers.CharField()
    submitted_on = serializers.DateField()
    acceptance_due_on = serializers.DateField(allow_null=True)
    committed_due_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    steps = StepSerializer(many=True)


@extend_schema(
    tags=TAGS,
    summary="Track a case with its number and query code (no login)",
    description="Shows the status and dated steps, never personal data. A wrong number or code "
    "gives the same 404. Rate-limited (429).",
    parameters=[
        OpenApiParameter("number", str, required=True, description="e.g. 2026-SCJ-000123"),
        OpenApiParameter("query_code", str, required=True, description="8 characters"),
    ],
    responses={200: LookupSerializer, 404: ERROR_404, 429: ERROR_429},
    auth=[],
)
class CaseLookupApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LookupThrottle]

    def get(self, request: Request) -> Response:
        number = str(request.query_params.get("number") or "").strip()
        try:
            result = public_selectors.case_lookup(
                number=number, query_code=str(request.query_params.get("query_code") or "")
            )
        except NotFound:
            public_selectors.lookup_failure_record(number)
            if number and public_selectors.lookup_number_locked(number):
                raise Throttled(wait=public_selectors.LOOKUP_NUMBER_WINDOW) from None
            raise
        return response_private(Response(LookupSerializer(result).data))


class ResultSerializer(serializers.Serializer):
    number = serializers.CharField()
    result = serializers.CharField(help_text=STATUS_HELP)
    result_label = serializers.CharField()
    service = serializers.CharField()
    service_code = serializers.CharField()
    department = serializers.CharField()
    department_code = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)


@extend_schema(
    tags=TAGS,
    summary="Published results of decided cases (办理结果公开)",
    description="Approved, not approved and not accepted cases, newest decision first, "
    "without any personal data.",
    parameters=[
        OpenApiParameter("department", str, required=False, description="Department code"),
        OpenApiParameter("service", str, required=False, description="Service item code"),
        OpenApiParameter("q", str, required=False, description="Case number or service name"),
    ],
    responses={200: ResultSerializer(many=True)},
    auth=[],
)
class ResultListApi(GenericAPIView):
    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = ResultSerializer
    queryset = Case.objects.none()  # the rows come from public_selectors (for the schema only)

    def get(self, request: Request) -> Response:
        params = request.query_params
        rows = public_selectors.published_results(
            department=params.get("department") or None,
            service=params.get("service") or None,
            q=params.get("q") or None,
        )
        page = self.paginate_queryset(rows)
        data = ResultSerializer(public_selectors.public_result_rows(page or []), many=True).data
        return self.get_paginated_response(data)
