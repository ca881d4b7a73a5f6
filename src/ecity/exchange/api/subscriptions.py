"""Subscriptions of department systems: request, pull, acknowledge, replay, dead letters."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.core.errors import ValidationFailed
from ecity.exchange.api.system_api import (
    ENVELOPE_EXAMPLE,
    ERRORS,
    PAYLOAD_EXAMPLE,
    SUBSCRIPTION_ID,
    TAGS,
    EnvelopeOut,
    SystemApi,
    calling_subsystem_of,
    message_out,
)
from ecity.exchange.selectors import pubsub as selectors
from ecity.exchange.services.delivery import dead_letters_requeue, messages_ack, messages_pull
from ecity.exchange.services.subscriptions import subscription_replay, subscription_request


class SubscriptionRequestApi(SystemApi):
    class SubscriptionRequestInput(serializers.Serializer):
        topic = serializers.CharField(max_length=128)
        mode = serializers.ChoiceField(choices=["push", "pull"])
        push_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
        event_types = serializers.ListField(
            child=serializers.CharField(max_length=128), required=False, max_length=50
        )
        starts_at = serializers.DateTimeField(required=False, allow_null=True)
        purpose = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_subscription_request",
        summary="Ask a topic's owner for a subscription of your system",
        request=SubscriptionRequestInput,
        responses={
            201: inline_serializer(
                "SubscriptionRequested",
                {"id": serializers.UUIDField(), "status": serializers.CharField()},
            ),
            409: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="Already subscribed."),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Pull from a point in time",
                request_only=True,
                value={
                    "topic": "registry.person.changed",
                    "mode": "pull",
                    "starts_at": "2026-12-01T00:00:00+08:00",
                    "purpose": "同步参保人员住址变更",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        subscriber = calling_subsystem_of(request)
        data = self.SubscriptionRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        topic = selectors.topic_get(name=values["topic"])
        subscription = subscription_request(
            actor=subscriber,
            subscriber=subscriber,
            topic=topic,
            mode=values["mode"],
            push_url=values.get("push_url", ""),
            event_types=values.get("event_types", []),
            starts_at=values.get("starts_at"),
            purpose=values.get("purpose", ""),
        )
        return Response(
            {"id": str(subscription.public_id), "status": subscription.status},
            status=status.HTTP_201_CREATED,
        )


class MessagesPullApi(SystemApi):
    @extend_schema(
        tags=TAGS,
        operation_id="exchange_messages_pull",
        summary="Pull the next messages of your pull subscription",
        description="Messages come in publication order (one per ordering key until it is "
        "acknowledged). An unacknowledged message is handed out again after the visibility "
        "timeout.",
        parameters=[
            SUBSCRIPTION_ID,
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–100 (default 20)."),
        ],
        responses={
            200: inline_serializer("PulledMessages", {"messages": EnvelopeOut(many=True)}),
            409: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="Not an approved pull."),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "One message",
                response_only=True,
                value={
                    "messages": [
                        {
                            "message_id": ENVELOPE_EXAMPLE["message_id"],
                            "envelope": ENVELOPE_EXAMPLE,
                            "payload": PAYLOAD_EXAMPLE,
                        }
                    ]
                },
            )
        ],
    )
    def get(self, request: Request, subscription_id: str) -> Response:
        subscription = selectors.subscription_of_subscriber(
            subscriber=calling_subsystem_of(request), public_id=subscription_id
        )
        raw = request.query_params.get("limit", "20")
        try:
            limit = int(raw)
        except ValueError:
            raise ValidationFailed(fields={"limit": [_("Enter a whole number.")]}) from None
        handed = messages_pull(subscription=subscription, limit=limit)
        return Response({"messages": [message_out(d) for d in handed]})


class MessagesAckApi(SystemApi):
    class MessagesAckInput(serializers.Serializer):
        message_ids = serializers.ListField(
            child=serializers.CharField(max_length=64), min_length=1, max_length=500
        )

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_messages_ack",
        summary="Acknowledge pulled messages by message ID",
        parameters=[SUBSCRIPTION_ID],
        request=MessagesAckInput,
        responses={
            200: inline_serializer(
                "MessagesAcknowledged",
                {
                    "acknowledged": serializers.ListField(child=serializers.CharField()),
                    "unknown": serializers.ListField(child=serializers.CharField()),
                },
            ),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Acknowledged",
                response_only=True,
                value={"acknowledged": [ENVELOPE_EXAMPLE["message_id"]], "unknown": []},
            )
        ],
    )
    def post(self, request: Request, subscription_id: str) -> Response:
        subscription = selectors.subscription_of_subscriber(
            subscriber=calling_subsystem_of(request), public_id=subscription_id
        )
        data = self.MessagesAckInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = messages_ack(
            subscription=subscription, message_ids=data.validated_data["message_ids"]
        )
        return Response({"acknowledged": result.acknowledged, "unknown": result.unknown})


class SubscriptionReplayApi(SystemApi):
    class SubscriptionReplayInput(serializers.Serializer):
        since = serializers.DateTimeField()

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_subscription_replay",
        summary="Deliver again every message of the topic since a point in time",
        parameters=[SUBSCRIPTION_ID],
        request=SubscriptionReplayInput,
        responses={
            202: inline_serializer("Replayed", {"count": serializers.IntegerField()}),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Since the start of the month",
                request_only=True,
                value={"since": "2026-12-01T00:00:00+08:00"},
            )
        ],
    )
    def post(self, request: Request, subscription_id: str) -> Response:
        subscriber = calling_subsystem_of(request)
        subscription = selectors.subscription_of_subscriber(
            subscriber=subscriber, public_id=subscription_id
        )
        data = self.SubscriptionReplayInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = subscription_replay(
            actor=subscriber, subscription=subscription, since=data.validated_data["since"]
        )
        return Response({"count": count}, status=status.HTTP_202_ACCEPTED)


class DeadLetterListApi(SystemApi):
    @extend_schema(
        tags=TAGS,
        operation_id="exchange_dead_letter_list",
        summary="Dead letters of your subscriptions and of subscriptions to your topics",
        responses={
            200: inline_serializer(
                "DeadLetters",
                {
                    "dead_letters": inline_serializer(
                        "DeadLetter",
                        {
                            "subscription": serializers.UUIDField(),
                            "topic": serializers.CharField(),
                            "subscriber": serializers.CharField(),
                            "message_id": serializers.CharField(),
                            "key": serializers.CharField(),
                            "attempts": serializers.IntegerField(),
                            "last_error": serializers.CharField(),
                            "published_at": serializers.DateTimeField(),
                        },
                        many=True,
                    )
                },
            ),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "One dead letter",
                response_only=True,
                value={
                    "dead_letters": [
                        {
                            "subscription": "9d3c1c4e-5b2a-4c7e-8f7d-2a1b0c9d8e7f",
                            "topic": "registry.person.changed",
                            "subscriber": "CN-DEMO/GOV/RSJ/shebao",
                            "message_id": ENVELOPE_EXAMPLE["message_id"],
                            "key": PAYLOAD_EXAMPLE["person"],
                            "attempts": 10,
                            "last_error": "HTTP 503 Service Unavailable",
                            "published_at": "2026-12-06T10:15:00+08:00",
                        }
                    ]
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        dead = selectors.dead_letter_list(subsystem=calling_subsystem_of(request))[:500]
        return Response(
            {
                "dead_letters": [
                    {
                        "subscription": str(d.subscription.public_id),
                        "topic": d.subscription.topic.name,
                        "subscriber": d.subscription.subscriber.identifier,
                        "message_id": d.publication.message_id,
                        "key": d.key,
                        "attempts": d.attempts,
                        "last_error": d.last_error,
                        "published_at": d.publication.published_at.isoformat(),
                    }
                    for d in dead
                ]
            }
        )


class DeadLetterRequeueApi(SystemApi):
    class DeadLetterRequeueInput(serializers.Serializer):
        subscription = serializers.UUIDField()
        message_ids = serializers.ListField(
            child=serializers.CharField(max_length=64), min_length=1, max_length=500
        )

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_dead_letter_requeue",
        summary="Requeue dead letters (subscriber or topic owner)",
        request=DeadLetterRequeueInput,
        responses={
            200: inline_serializer("Requeued", {"count": serializers.IntegerField()}),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Requeue one",
                request_only=True,
                value={
                    "subscription": "9d3c1c4e-5b2a-4c7e-8f7d-2a1b0c9d8e7f",
                    "message_ids": [ENVELOPE_EXAMPLE["message_id"]],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        subsystem = calling_subsystem_of(request)
        data = self.DeadLetterRequeueInput(data=request.data)
        data.is_valid(raise_exception=True)
        dead = (
            selectors.dead_letter_list(subsystem=subsystem)
            .filter(subscription__public_id=data.validated_data["subscription"])
            .first()
        )
        if dead is None:
            return Response({"count": 0})
        count = dead_letters_requeue(
            actor=subsystem,
            subscription=dead.subscription,
            message_ids=data.validated_data["message_ids"],
        )
        return Response({"count": count})
