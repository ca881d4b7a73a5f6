"""Mailbox API: list the open mailboxes; a signed-in citizen sends a letter to one.

Both operations call the same selectors and services as the pages; domain errors come back in
the platform's JSON envelope ``{"code", "message", "fields"}``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.participation.models import Letter, Mailbox
from ecity.participation.selectors import mailboxes as selectors
from ecity.participation.services import mailboxes as services


class MailboxOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    department = serializers.CharField(source="department.name_zh", read_only=True)

    class Meta:
        model = Mailbox
        fields = ["id", "code", "kind", "name_zh", "name_en", "department", "reply_limit_days"]


@extend_schema(tags=["participation"], summary="List the open mailboxes (领导信箱)")
class MailboxListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = MailboxOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.mailbox_list().order_by("kind", "code")


class LetterInput(serializers.Serializer):
    subject = serializers.CharField(max_length=services.SUBJECT_MAX, allow_blank=True)
    body = serializers.CharField(max_length=services.BODY_MAX, allow_blank=True)
    consent_to_publish = serializers.BooleanField(default=False)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class LetterOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Letter
        fields = ["id", "number", "query_code", "status", "subject", "received_on", "due_on"]


@extend_schema(
    tags=["participation"],
    summary="Send a letter to a mailbox (signed-in citizens)",
    request={"application/json": LetterInput, "multipart/form-data": LetterInput},
    responses={201: LetterOutput},
    examples=[
        OpenApiExample(
            "Letter",
            value={
                "subject": "小区门口路灯不亮",
                "body": "幸福路12号小区门口的路灯已经坏了两周。",
                "consent_to_publish": True,
            },
            request_only=True,
        )
    ],
)
class LetterSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request, mailbox_id: str) -> Response:
        mailbox = get_object_or_404(selectors.mailbox_list(), public_id=mailbox_id)
        data = {key: request.data.get(key) for key in request.data}
        data["attachments"] = request.FILES.getlist("attachments")
        given = LetterInput(data=data)
        given.is_valid(raise_exception=True)
        letter = services.letter_submit(
            writer=request.user,  # type: ignore[arg-type]
            mailbox=mailbox,
            subject=given.validated_data["subject"],
            body=given.validated_data["body"],
            consent_to_publish=given.validated_data["consent_to_publish"],
            attachments=given.validated_data["attachments"],
        )
        return Response(LetterOutput(letter).data, status=status.HTTP_201_CREATED)
