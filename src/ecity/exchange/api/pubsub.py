"""The publish/subscribe API for department systems, mounted at /api/v1/exchange/.

Department systems authenticate with an OAuth 2.0 client-credentials token
(``ecity.sso.authentication``); the token's application is their exchange subsystem. Thin views:
input serializer, service or selector, output. A publication is answered 202 only after its
transaction (log record, publication, deliveries) committed.
"""

from __future__ import annotations

from typing import Any

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
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.core.errors import ValidationFailed
from ecity.exchange.models import Delivery, Subsystem, Topic
from ecity.exchange.selectors import pubsub as selectors
from ecity.exchange.services.delivery import dead_letters_requeue, messages_ack, messages_pull
from ecity.exchange.services.publish import (
    BATCH_LIMIT,
    PublishItem,
    message_publish,
    message_publish_batch,
)
from ecity.exchange.services.subscriptions import subscription_replay, subscription_request
from ecity.exchange.services.topics import topic_save, topic_schema_add
from ecity.sso.authentication import (
    ClientCredentialsAuthentication,
    IsDepartmentSystem,
    SystemClientRateThrottle,
)
from ecity.sso.selectors import SystemClient

TAGS = ["exchange publish/subscribe"]

ENVELOPE_EXAMPLE = {
    "message_id": "6f1c2b9e-8d1a-4c55-9a53-0d2f7f1f8a10",
    "sender": "CN-DEMO/GOV/GAJ/hukou",
    "created_at": "2026-12-06T10:15:00+08:00",
    "payload_hash": "sha256:5b1e…",
    "alg": "Ed25519",
    "kid": "3f0a9c1d2e4b5a69",
    "receiver": "",
    "topic": "registry.person.changed",
    "event_type": "registry.person.changed",
    "service": "",
    "correlation_id": "",
    "key": "0b5e4d0c-2f7e-4a0c-9d55-3c1c8c1f2a77",
    "user_id": "",
    "purpose": "",
    "version": "ecity-envelope/1",
    "signature": "kM3…",
}
PAYLOAD_EXAMPLE = {
    "person": "0b5e4d0c-2f7e-4a0c-9d55-3c1c8c1f2a77",
    "version": 3,
    "attributes": ["address"],
    "changed_at": "2026-12-06T10:15:00+08:00",
}
ERRORS = {
    400: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="Field errors."),
    401: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="No valid client-credentials token."),
    403: OpenApiResponse(
        ERROR_ENVELOPE_SCHEMA, description="Not an exchange subsystem, or not yours to do."
    ),
    404: OpenApiResponse(ERROR_ENVELOPE_SCHEMA, description="Unknown topic or subscription."),
}
SUBSCRIPTION_ID = OpenApiParameter(
    "subscription_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The subscription."
)


def _subsystem(request: Request) -> Subsystem:
    assert isinstance(request.auth, SystemClient)
    return selectors.calling_subsystem(client=request.auth)


class _SystemApi(APIView):
    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsDepartmentSystem]
    throttle_classes = [SystemClientRateThrottle]


class _EnvelopeOut(serializers.Serializer):
    message_id = serializers.CharField()
    envelope = serializers.DictField()
    payload = serializers.JSONField()


def _message(delivery: Delivery) -> dict[str, Any]:
    publication = delivery.publication
    return {
        "message_id": publication.message_id,
        "envelope": publication.envelope,
        "payload": publication.payload,
    }


class MessagePublishApi(_SystemApi):
    class MessagePublishInput(serializers.Serializer):
        event_type = serializers.CharField(max_length=128)
        payload = serializers.JSONField()
        key = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        message_id = serializers.CharField(max_length=64, required=False, allow_blank=True)
        user_id = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )
        purpose = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_message_publish",
        summary="Publish a message on one of your topics",
        description="Validated against the event type's JSON Schema; answered 202 after the "
        "publication is in the message log. A repeat with the same `message_id` (or "
        "`Idempotency-Key` header) returns the original message ID and publishes nothing.",
        parameters=[
            OpenApiParameter("topic", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        request=MessagePublishInput,
        responses={
            202: inline_serializer("MessagePublished", {"message_id": serializers.CharField()}),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "A person's address changed",
                request_only=True,
                value={
                    "event_type": "registry.person.changed",
                    "payload": PAYLOAD_EXAMPLE,
                    "key": PAYLOAD_EXAMPLE["person"],
                },
            ),
            OpenApiExample(
                "Accepted",
                response_only=True,
                status_codes=["202"],
                value={"message_id": ENVELOPE_EXAMPLE["message_id"]},
            ),
            OpenApiExample(
                "Schema violation",
                response_only=True,
                status_codes=["400"],
                value={
                    "code": "exchange_schema_violation",
                    "message": "The payload does not match the schema of …",
                    "fields": {"$.version": ["'three' is not of type 'integer'"]},
                },
            ),
        ],
    )
    def post(self, request: Request, topic: str) -> Response:
        publisher = _subsystem(request)
        topic_obj = selectors.topic_get(name=topic)
        data = self.MessagePublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        envelope = message_publish(
            publisher=publisher,
            topic=topic_obj,
            event_type=values["event_type"],
            payload=values["payload"],
            key=values["key"],
            user_id=values["user_id"],
            purpose=values["purpose"],
            message_id=values.get("message_id") or request.headers.get("Idempotency-Key") or None,
        )
        return Response({"message_id": envelope.message_id}, status=status.HTTP_202_ACCEPTED)


class MessageBatchPublishApi(_SystemApi):
    class MessageBatchItem(MessagePublishApi.MessagePublishInput):
        topic = serializers.CharField(max_length=200)

    class MessageBatchInput(serializers.Serializer):
        messages = serializers.ListField(min_length=1, max_length=BATCH_LIMIT)

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_message_publish_batch",
        summary="Publish up to 500 messages on your topics, all or nothing",
        description="Each message follows the rules of a single publication; one bad message "
        "refuses the whole batch (its fields are named `messages[index].…`) and nothing is "
        "published. Answered 202 with the message IDs, in order, after the batch is in the "
        "message log. A message whose `message_id` was published before is not published again.",
        request=inline_serializer(
            "MessageBatchPublishInput",
            {"messages": MessageBatchItem(many=True)},
        ),
        responses={
            202: inline_serializer(
                "MessagesPublished",
                {"message_ids": serializers.ListField(child=serializers.CharField())},
            ),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "Two address changes",
                request_only=True,
                value={
                    "messages": [
                        {
                            "topic": "registry.person.changed",
                            "event_type": "registry.person.changed",
                            "payload": PAYLOAD_EXAMPLE,
                            "key": PAYLOAD_EXAMPLE["person"],
                        }
                    ]
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        publisher = _subsystem(request)
        batch = self.MessageBatchInput(data=request.data)
        batch.is_valid(raise_exception=True)
        items: list[PublishItem] = []
        problems: dict[str, list[str]] = {}
        for index, raw in enumerate(batch.validated_data["messages"]):
            item = self.MessageBatchItem(data=raw)
            if not item.is_valid():
                for name, messages in item.errors.items():
                    problems[f"messages[{index}].{name}"] = [str(m) for m in messages]
                continue
            values = item.validated_data
            items.append(
                PublishItem(
                    topic=values["topic"],
                    event_type=values["event_type"],
                    payload=values["payload"],
                    key=values["key"],
                    user_id=values["user_id"],
                    purpose=values["purpose"],
                    message_id=values.get("message_id") or None,
                )
            )
        if problems:
            raise ValidationFailed(fields=problems)
        envelopes = message_publish_batch(publisher=publisher, items=items)
        return Response(
            {"message_ids": [e.message_id for e in envelopes]}, status=status.HTTP_202_ACCEPTED
        )


TOPIC_EXAMPLE = {
    "name": "gaj.person.changed",
    "owner": "CN-DEMO/GOV/GAJ/hukou",
    "description_zh": "户籍信息变更",
    "description_en": "Household registration changed",
    "is_public": True,
    "event_types": [{"event_type": "person.changed", "version": 1}],
}
_TopicOut = inline_serializer(
    "ExchangeTopic",
    {
        "name": serializers.CharField(),
        "owner": serializers.CharField(),
        "description_zh": serializers.CharField(),
        "description_en": serializers.CharField(),
        "is_public": serializers.BooleanField(),
        "event_types": inline_serializer(
            "ExchangeTopicEventType",
            {"event_type": serializers.CharField(), "version": serializers.IntegerField()},
            many=True,
        ),
    },
)


def _topic(topic: Topic) -> dict[str, Any]:
    newest: dict[str, int] = {}
    for schema in topic.schemas.all():
        newest[schema.event_type] = max(schema.version, newest.get(schema.event_type, 0))
    return {
        "name": topic.name,
        "owner": topic.owner.identifier,
        "description_zh": topic.description_zh,
        "description_en": topic.description_en,
        "is_public": topic.is_public,
        "event_types": [{"event_type": t, "version": v} for t, v in sorted(newest.items())],
    }


class TopicListApi(_SystemApi):
    @extend_schema(
        tags=TAGS,
        operation_id="exchange_topic_list",
        summary="List the public topics (and your own) with their event types",
        responses={200: inline_serializer("ExchangeTopics", {"topics": _TopicOut})},
        examples=[
            OpenApiExample("One topic", response_only=True, value={"topics": [TOPIC_EXAMPLE]})
        ],
    )
    def get(self, request: Request) -> Response:
        topics = selectors.topic_list(subsystem=_subsystem(request)).prefetch_related("schemas")
        return Response({"topics": [_topic(t) for t in topics]})


class TopicSaveApi(_SystemApi):
    class TopicSaveInput(serializers.Serializer):
        description_zh = serializers.CharField(required=False, allow_blank=True, default="")
        description_en = serializers.CharField(required=False, allow_blank=True, default="")
        is_public = serializers.BooleanField(required=False, default=True)

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_topic_save",
        summary="Create one of your topics, or change its descriptions and visibility",
        parameters=[OpenApiParameter("topic", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=TopicSaveInput,
        responses={200: _TopicOut, **ERRORS},
        examples=[
            OpenApiExample(
                "A topic",
                request_only=True,
                value={"description_zh": "户籍信息变更", "description_en": "Household changed"},
            ),
            OpenApiExample("Saved", response_only=True, value=TOPIC_EXAMPLE),
        ],
    )
    def put(self, request: Request, topic: str) -> Response:
        owner = _subsystem(request)
        data = self.TopicSaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        saved = topic_save(actor=owner, owner=owner, name=topic, **data.validated_data)
        return Response(_topic(saved))


class TopicSchemaAddApi(_SystemApi):
    class TopicSchemaInput(serializers.Serializer):
        event_type = serializers.CharField(max_length=128)
        schema = serializers.JSONField()

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_topic_schema_add",
        summary="Add the next version of an event type's JSON Schema (draft 2020-12)",
        parameters=[OpenApiParameter("topic", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=TopicSchemaInput,
        responses={
            201: inline_serializer(
                "ExchangeTopicSchema",
                {"event_type": serializers.CharField(), "version": serializers.IntegerField()},
            ),
            **ERRORS,
        },
        examples=[
            OpenApiExample(
                "A schema",
                request_only=True,
                value={
                    "event_type": "person.changed",
                    "schema": {
                        "$schema": "https://json-schema.org/draft/2020-12/schema",
                        "type": "object",
                        "required": ["person"],
                        "properties": {"person": {"type": "string"}},
                    },
                },
            ),
            OpenApiExample(
                "Added",
                response_only=True,
                status_codes=["201"],
                value={"event_type": "person.changed", "version": 2},
            ),
        ],
    )
    def post(self, request: Request, topic: str) -> Response:
        owner = _subsystem(request)
        topic_obj = selectors.topic_get(name=topic)
        data = self.TopicSchemaInput(data=request.data)
        data.is_valid(raise_exception=True)
        added = topic_schema_add(
            actor=owner,
            topic=topic_obj,
            event_type=data.validated_data["event_type"],
            schema=data.validated_data["schema"],
        )
        return Response(
            {"event_type": added.event_type, "version": added.version},
            status=status.HTTP_201_CREATED,
        )


class SubscriptionRequestApi(_SystemApi):
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
        subscriber = _subsystem(request)
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


class MessagesPullApi(_SystemApi):
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
            200: inline_serializer("PulledMessages", {"messages": _EnvelopeOut(many=True)}),
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
            subscriber=_subsystem(request), public_id=subscription_id
        )
        raw = request.query_params.get("limit", "20")
        try:
            limit = int(raw)
        except ValueError:
            raise ValidationFailed(fields={"limit": [_("Enter a whole number.")]}) from None
        handed = messages_pull(subscription=subscription, limit=limit)
        return Response({"messages": [_message(d) for d in handed]})


class MessagesAckApi(_SystemApi):
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
            subscriber=_subsystem(request), public_id=subscription_id
        )
        data = self.MessagesAckInput(data=request.data)
        data.is_valid(raise_exception=True)
        result = messages_ack(
            subscription=subscription, message_ids=data.validated_data["message_ids"]
        )
        return Response({"acknowledged": result.acknowledged, "unknown": result.unknown})


class SubscriptionReplayApi(_SystemApi):
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
        subscriber = _subsystem(request)
        subscription = selectors.subscription_of_subscriber(
            subscriber=subscriber, public_id=subscription_id
        )
        data = self.SubscriptionReplayInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = subscription_replay(
            actor=subscriber, subscription=subscription, since=data.validated_data["since"]
        )
        return Response({"count": count}, status=status.HTTP_202_ACCEPTED)


class DeadLetterListApi(_SystemApi):
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
        dead = selectors.dead_letter_list(subsystem=_subsystem(request))[:500]
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


class DeadLetterRequeueApi(_SystemApi):
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
        subsystem = _subsystem(request)
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


class ExchangeKeyListApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        operation_id="exchange_key_list",
        summary="Public signing keys of exchange subsystems (to verify envelopes)",
        parameters=[
            OpenApiParameter(
                "identifier", OpenApiTypes.STR, description="Only this subsystem's keys."
            )
        ],
        responses={
            200: inline_serializer(
                "ExchangeKeys",
                {
                    "keys": inline_serializer(
                        "ExchangeKey",
                        {
                            "identifier": serializers.CharField(),
                            "kid": serializers.CharField(),
                            "alg": serializers.CharField(),
                            "public_key": serializers.CharField(),
                            "status": serializers.CharField(),
                        },
                        many=True,
                    )
                },
            )
        },
        examples=[
            OpenApiExample(
                "One key",
                response_only=True,
                value={
                    "keys": [
                        {
                            "identifier": "CN-DEMO/GOV/PLATFORM/ecity",
                            "kid": "3f0a9c1d2e4b5a69",
                            "alg": "Ed25519",
                            "public_key": "q0m4…=",
                            "status": "current",
                        }
                    ]
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        keys = selectors.exchange_public_keys(identifier=request.query_params.get("identifier", ""))
        return Response(
            {
                "keys": [
                    {
                        "identifier": k.owner,
                        "kid": k.kid,
                        "alg": k.algorithm,
                        "public_key": k.public_key,
                        "status": k.status,
                    }
                    for k in keys
                ]
            }
        )
