"""The public endpoints (no login): track a case with its query code, published results."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from ecity.cases.api.submission.schema import ERROR_404, ERROR_429, STATUS_HELP, TAGS
from ecity.cases.models import Case
from ecity.cases.selectors import public as public_selectors
from ecity.core.api import Pagination
from ecity.core.errors import NotFound
from ecity.core.middleware import response_private
from ecity.core.ratelimit import client_ip


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
