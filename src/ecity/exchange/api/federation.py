"""Exchange API between federated cities (node to node): no SSO token, signed envelopes instead.

- ``POST federation/subscriptions`` (on the topic's city): a subscription request of another
  city's subsystem, sealed by its key and its node (``X-Road-Node-Seal``).
- ``POST federation/inbox/{subscription}`` (on the subscriber's city): a push of the topic's
  city, a message signed by its publisher, received through the inbox (exactly one effect).
- ``POST federation/remote-subscriptions`` (a local system, client credentials): ask a federated
  city for a subscription to one of its topics.
"""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.exchange.api.system_api import (
    ENVELOPE_EXAMPLE,
    ERRORS,
    PAYLOAD_EXAMPLE,
    SystemApi,
    calling_subsystem_of,
)
from ecity.exchange.services.federated_subscriptions import (
    remote_delivery_receive,
    remote_subscription_receive,
    remote_subscription_request,
)

TAGS = ["exchange federation"]


class _SignedMessage(serializers.Serializer):
    envelope = serializers.DictField()
    payload = serializers.JSONField()


class _NodeApi(APIView):
    # Authenticated by the signed envelope (and node seal), checked by the service.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    # Not the anonymous per-address throttle: a federated city pushes its bursts from one
    # address, and every request is refused at the first signature check unless it is signed.
    throttle_classes: list[type] = []


class FederatedSubscriptionReceiveApi(_NodeApi):
    @extend_schema(
        tags=TAGS,
        operation_id="exchange_federation_subscription_receive",
        summary="Take another city's signed subscription request to a topic of this city",
        request=_SignedMessage,
        responses={
            201: inline_serializer(
                "FederatedSubscriptionRequested",
                {
                    "id": serializers.UUIDField(),
                    "status": serializers.CharField(),
                    "topic_owner": serializers.CharField(),
                },
            ),
            409: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="Already subscribed."),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "A subsystem of city A asks for a topic of city B",
                request_only=True,
                value={
                    "envelope": {**ENVELOPE_EXAMPLE, "sender": "CN-A/GOV/MZJ/shjz"},
                    "payload": {
                        "topic": "registry.person.changed",
                        "push_url": "https://exchange.a.example.cn/api/v1/exchange/federation/"
                        "inbox/6f1c2b9e-8d1a-4c55-9a53-0d2f7f1f8a10",
                        "event_types": [],
                        "purpose": "同步户籍变更",
                    },
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = _SignedMessage(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = remote_subscription_receive(
            envelope=data.validated_data["envelope"],
            payload=data.validated_data["payload"],
            seal=request.headers.get("X-Road-Node-Seal", ""),
        )
        return Response(
            {
                "id": str(subscription.public_id),
                "status": subscription.status,
                "topic_owner": subscription.topic.owner.identifier,
            },
            status=status.HTTP_201_CREATED,
        )


class FederatedInboxApi(_NodeApi):
    @extend_schema(
        tags=TAGS,
        operation_id="exchange_federation_inbox",
        summary="Receive a message pushed by a federated city (once per message ID)",
        request=_SignedMessage,
        responses={204: None, **ERRORS},
        examples=[
            OpenApiExample(
                "A push of city B",
                request_only=True,
                value={"envelope": ENVELOPE_EXAMPLE, "payload": PAYLOAD_EXAMPLE},
            )
        ],
    )
    def post(self, request: Request, subscription_id: uuid.UUID) -> Response:
        data = _SignedMessage(data=request.data)
        data.is_valid(raise_exception=True)
        remote_delivery_receive(
            subscription_id=subscription_id,
            envelope=data.validated_data["envelope"],
            payload=data.validated_data["payload"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RemoteSubscriptionRequestApi(SystemApi):
    class RemoteSubscriptionInput(serializers.Serializer):
        instance = serializers.CharField(max_length=64)
        topic = serializers.CharField(max_length=128)
        event_types = serializers.ListField(
            child=serializers.CharField(max_length=128), required=False, max_length=50
        )
        purpose = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_remote_subscription_request",
        summary="Ask a federated city for a subscription of your system to one of its topics",
        request=RemoteSubscriptionInput,
        responses={
            201: inline_serializer(
                "RemoteSubscriptionRequested",
                {"id": serializers.UUIDField(), "status": serializers.CharField()},
            ),
            409: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="Already subscribed."),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Subscribe to a topic of city B",
                request_only=True,
                value={"instance": "CN-B", "topic": "registry.person.changed", "purpose": "同步"},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        subscriber = calling_subsystem_of(request)
        data = self.RemoteSubscriptionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        subscription = remote_subscription_request(
            actor=subscriber,
            subscriber=subscriber,
            instance=values["instance"],
            topic=values["topic"],
            event_types=values.get("event_types", []),
            purpose=values.get("purpose", ""),
        )
        return Response(
            {"id": str(subscription.public_id), "status": subscription.status},
            status=status.HTTP_201_CREATED,
        )
