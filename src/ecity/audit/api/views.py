"""Audit API: my data accesses for everyone; search and chain verification for auditors.

Auditor calls are recorded in the trail like the pages (``audit.searched``, ``audit.verified``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.audit import selectors, services
from ecity.audit.api.serializers import (
    AuditEntryOutput,
    AuditFilterInput,
    MyDataAccessOutput,
    VerificationOutput,
)
from ecity.audit.checkpoints import trail_verify
from ecity.core.api import ERROR_ENVELOPE_SCHEMA as ENVELOPE
from ecity.core.errors import PermissionDenied


@extend_schema(
    tags=["audit"],
    summary="Who else read or changed my personal data",
    responses={200: MyDataAccessOutput(many=True), 403: ENVELOPE},
    examples=[
        OpenApiExample(
            "A reviewer read my ID number",
            value={
                "occurred_at": "2025-11-21T10:15:02+08:00",
                "who": "王芳",
                "department": "市市场监督管理局",
                "acting_for": "",
                "action": "personal_data.read",
                "action_label": "Personal data read",
                "object_type": "identity.user",
                "object_type_label": "account",
                "fields": ["id_number"],
                "field_labels": ["resident ID number"],
                "reason": "Reviewing case 2025-000123",
            },
            response_only=True,
        )
    ],
)
class MyDataAccessListApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MyDataAccessOutput
    filter_backends: list = []

    def get_queryset(self):
        return selectors.my_data_access_list(user=self.request.user)


_FILTER_PARAMETERS = [
    OpenApiParameter("actor", OpenApiTypes.STR, description="Username or name of the actor"),
    OpenApiParameter("subject", OpenApiTypes.STR, description="ID number or username"),
    OpenApiParameter("action", OpenApiTypes.STR, description='Action, or a prefix ending "."'),
    OpenApiParameter("object_type", OpenApiTypes.STR, description='"app_label.model"'),
    OpenApiParameter("object_id", OpenApiTypes.STR),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
    OpenApiParameter("ip_address", OpenApiTypes.STR),
]


@extend_schema(
    tags=["audit"],
    summary="Search the audit trail (auditors)",
    parameters=_FILTER_PARAMETERS,
    responses={200: AuditEntryOutput(many=True), 400: ENVELOPE, 403: ENVELOPE},
)
class AuditEntryListApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AuditEntryOutput
    filter_backends: list = []

    def get_queryset(self):
        serializer = AuditFilterInput(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        filters = selectors.AuditFilters(**serializer.validated_data)
        entries = selectors.audit_entry_search(actor=self.request.user, filters=filters)
        services.audit_record(
            actor=self.request.user,
            action="audit.searched",
            request=self.request,
            data={"filters": filters.used(), "api": True},
        )
        return entries


class ChainVerifyApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["audit"],
        summary="Verify the hash chain and its signed checkpoints (auditors)",
        request=None,
        responses={200: VerificationOutput, 403: ENVELOPE},
    )
    def post(self, request: Request) -> Response:
        if not selectors.is_auditor(user=request.user):
            raise PermissionDenied()
        result = trail_verify()
        services.audit_record(
            actor=request.user,
            action="audit.verified",
            request=request,
            data={
                "ok": result.ok,
                "checked": result.checked,
                "checkpoints": result.checkpoints_checked,
                "api": True,
            },
        )
        return Response(VerificationOutput(result).data)
