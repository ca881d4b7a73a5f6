"""Notifications API: the caller's own in-app messages and notification settings.

Thin views over ``ecity.notify.selectors`` and ``services``; errors use the ecity envelope.
"""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA as ENVELOPE
from ecity.notify import selectors, services
from ecity.notify.api.serializers import (
    NotificationListFilter,
    NotificationOutput,
    NotificationPreferencesInput,
    NotificationPreferencesOutput,
)

NOTIFICATION_EXAMPLE = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "event": "case_accepted",
    "event_display": "申请已受理",
    "reference": "SF2025051700001",
    "case_number": "SF2025051700001",
    "subject": "办件 SF2025051700001 已受理",
    "body": "张三，您好：\n\n……",
    "link": "/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/",
    "is_read": False,
    "read_at": None,
    "created_at": "2025-05-17T09:30:00+08:00",
}
PREFERENCES_EXAMPLE = {
    "channels": [
        {
            "channel": "in_app",
            "label": "站内消息",
            "address": "",
            "has_address": True,
            "is_switchable": False,
            "groups": {"progress": True, "action_required": True, "result": True, "staff": True},
        },
        {
            "channel": "email",
            "label": "电子邮件",
            "address": "z***@example.cn",
            "has_address": True,
            "is_switchable": True,
            "groups": {"progress": False, "action_required": True, "result": True, "staff": True},
        },
    ]
}


@extend_schema(
    tags=["notifications"],
    summary="My in-app messages (unread first)",
    parameters=[
        OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread messages"),
    ],
    responses={200: NotificationOutput(many=True), 400: ENVELOPE, 403: ENVELOPE},
    examples=[OpenApiExample("Message", value=NOTIFICATION_EXAMPLE, response_only=True)],
)
class NotificationListApi(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationOutput
    filter_backends: list = []

    def get_queryset(self):
        query = NotificationListFilter(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.notification_list_for(
            user=self.request.user,  # type: ignore[arg-type]
            unread_only=query.validated_data["unread"],
        )


@extend_schema(
    tags=["notifications"],
    summary="Mark one of my messages as read",
    request=None,
    responses={200: NotificationOutput, 403: ENVELOPE, 404: ENVELOPE},
)
class NotificationReadApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request: Request, public_id: uuid.UUID) -> Response:
        notification = selectors.notification_get_for(
            user=request.user,  # type: ignore[arg-type]
            public_id=public_id,
        )
        notification = services.notification_mark_read(
            user=request.user,  # type: ignore[arg-type]
            notification=notification,
        )
        return Response(NotificationOutput(notification).data)


def _preferences(request: Request) -> dict:
    channels = selectors.preferences_for(user=request.user)  # type: ignore[arg-type]
    return NotificationPreferencesOutput({"channels": channels}).data


class PreferencesApi(APIView):
    """Which notifications I get by e-mail and SMS."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["notifications"],
        summary="My notification settings",
        responses={200: NotificationPreferencesOutput, 403: ENVELOPE},
        examples=[OpenApiExample("Settings", value=PREFERENCES_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request) -> Response:
        return Response(_preferences(request))

    @extend_schema(
        tags=["notifications"],
        summary="Change my notification settings",
        description=(
            "Send the channels to change with `{group: enabled}`; `all` applies to every group "
            "of the channel. In-app messages cannot be switched off; a channel needs an address "
            "on the account to be switched on."
        ),
        request=NotificationPreferencesInput,
        responses={200: NotificationPreferencesOutput, 400: ENVELOPE, 403: ENVELOPE},
        examples=[
            OpenApiExample(
                "No e-mail except results",
                value={
                    "channels": [{"channel": "email", "groups": {"all": False, "result": True}}]
                },
                request_only=True,
            ),
            OpenApiExample(
                "Field errors",
                value={
                    "code": "validation_failed",
                    "message": "Some fields are not valid. Please correct them and try again.",
                    "fields": {"in_app": ["In-app messages cannot be switched off."]},
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def put(self, request: Request) -> Response:
        serializer = NotificationPreferencesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes: dict[str, dict[str, bool]] = {}
        for item in serializer.validated_data["channels"]:
            changes.setdefault(item["channel"], {}).update(item["groups"])
        services.preferences_update(user=request.user, preferences=changes)  # type: ignore[arg-type]
        return Response(_preferences(request))
