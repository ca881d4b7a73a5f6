"""The applicant's endpoints: submit an application, my cases, a case, its correction, rating."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.cases.api.submission.inputs import form_json, material_uploads
from ecity.cases.api.submission.schema import (
    CASE_EXAMPLE,
    ERROR_400,
    ERROR_403,
    ERROR_404,
    ERROR_409,
    TAGS,
)
from ecity.cases.api.submission.serializers import (
    CaseDetailSerializer,
    CaseSerializer,
    RatingSerializer,
)
from ecity.cases.models import Case
from ecity.cases.selectors import applicant as applicant_selectors
from ecity.cases.services.ratings import rating_submit
from ecity.cases.services.submission import case_submit, correction_submit
from ecity.core.api import Pagination
from ecity.core.errors import ValidationFailed
from ecity.core.idempotency import idempotency_key_of
from ecity.identity.selectors import acting_identity


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
            form_data=form_json(request.data.get("form")),
            attachments=material_uploads(request),
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
            form_data=form_json(request.data.get("form")),
            attachments=material_uploads(request),
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
