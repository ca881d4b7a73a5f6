"""Ticket API: channel systems post tickets; the telephony system (CTI) reads a caller's history.

* ``POST /api/v1/hotline/tickets/`` — a system of the hotline centre (OAuth 2.0 client
  credentials) submits a ticket; field errors in the ecity error envelope.
* ``GET /api/v1/hotline/callers/<phone>/tickets/`` — a hotline agent (session) or a system of
  the hotline centre (the CTI screen pop) reads the caller's earlier tickets; every read is
  audited as an access to the caller's personal data.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied
from ecity.hotline.models import Channel, Ticket, TicketKind, Urgency
from ecity.hotline.selectors.tickets import caller_ticket_list, can_read_caller_history
from ecity.hotline.services.intake import TicketInput, hotline_centre_code, ticket_receive
from ecity.sso.authentication import ClientCredentialsAuthentication, SystemClientRateThrottle
from ecity.sso.selectors import SystemClient

TAGS = ["hotline tickets"]


class TicketCreateApi(APIView):
    """Submit a ticket from a channel system of the hotline centre."""

    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes: list[type[BasePermission]] = []
    throttle_classes = [SystemClientRateThrottle]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=TicketKind.choices)
        description = serializers.CharField(allow_blank=True)
        title = serializers.CharField(required=False, allow_blank=True, max_length=200)
        category = serializers.CharField(required=False, allow_blank=True, max_length=32)
        urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
        caller_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
        caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
        anonymous = serializers.BooleanField(required=False, default=False)
        confidential = serializers.BooleanField(required=False, default=False)
        address = serializers.CharField(required=False, allow_blank=True, max_length=300)
        region = serializers.CharField(required=False, allow_blank=True, max_length=12)
        latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
        longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False)
        public_consent = serializers.BooleanField(required=False, default=False)

    class TicketReceivedSerializer(serializers.Serializer):
        number = serializers.CharField()
        query_code = serializers.CharField()
        status = serializers.CharField()

    @extend_schema(
        tags=TAGS,
        operation_id="hotline_ticket_create",
        request=InputSerializer,
        responses={
            201: TicketReceivedSerializer,
            400: OpenApiResponse(
                description="Field errors (unknown category, place outside the city…)."
            ),
            403: OpenApiResponse(description="Not a system of the hotline centre."),
        },
        examples=[
            OpenApiExample(
                "Street light out",
                request_only=True,
                value={
                    "kind": "complaint",
                    "description": "小区门口路灯坏了一个月。",
                    "category": "ROADS",
                    "caller_phone": "13800138000",
                    "region": "420102001",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.auth, SystemClient):
            raise PermissionDenied()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        ticket = ticket_receive(
            actor=None,
            channel=Channel.API,
            system=request.auth,
            data=TicketInput(
                kind=data["kind"],
                description=data["description"],
                title=data.get("title", ""),
                category_code=data.get("category", ""),
                urgency=data.get("urgency") or Urgency.ORDINARY,
                caller_name=data.get("caller_name", ""),
                caller_phone=data.get("caller_phone", ""),
                anonymous=data["anonymous"],
                confidential=data["confidential"],
                address=data.get("address", ""),
                region_code=data.get("region", ""),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                public_consent=data["public_consent"],
            ),
        )
        output = self.TicketReceivedSerializer(
            {"number": ticket.number, "query_code": ticket.query_code, "status": ticket.status}
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


class CallerTicketsApi(APIView):
    """A caller's earlier tickets (the CTI screen pop when a call arrives)."""

    authentication_classes = [ClientCredentialsAuthentication, SessionAuthentication]
    permission_classes: list[type[BasePermission]] = []

    class CallerTicketSerializer(serializers.Serializer):
        number = serializers.CharField()
        kind = serializers.CharField()
        status = serializers.CharField()
        title = serializers.CharField()
        category = serializers.CharField(source="category.code", default="")
        department = serializers.CharField(source="department.code", default="")
        received_at = serializers.DateTimeField()
        closed_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        tags=TAGS,
        operation_id="hotline_caller_tickets",
        responses={
            200: CallerTicketSerializer(many=True),
            403: OpenApiResponse(
                description="Neither a hotline agent nor a hotline-centre system."
            ),
        },
    )
    def get(self, request: Request, phone: str) -> Response:
        system = request.auth if isinstance(request.auth, SystemClient) else None
        if system is not None:
            if system.department.code != hotline_centre_code():
                raise PermissionDenied()
        elif not can_read_caller_history(actor=request.user):
            raise PermissionDenied()
        tickets: list[Ticket] = list(caller_ticket_list(phone=phone))
        audit_record(
            actor=None if system else request.user,
            action="ticket_caller_history.read",
            fields=["caller_phone"],
            data={"tickets": len(tickets)},
            request=request._request,
            system=system.name if system else "",
            system_department=system.department.name_zh if system else "",
        )
        return Response(self.CallerTicketSerializer(tickets, many=True).data)
