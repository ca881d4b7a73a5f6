"""Publish on one's topics: one message, or a batch all or nothing.

A publication is answered 202 only after its transaction (log record, publication,
deliveries) committed.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from ecity.core.errors import ValidationFailed
from ecity.exchange.api.system_api import (
    ENVELOPE_EXAMPLE,
    ERRORS,
    PAYLOAD_EXAMPLE,
    TAGS,
    SystemApi,
    calling_subsystem_of,
)
from ecity.exchange.selectors import pubsub as selectors
from ecity.exchange.services.publish import (
    BATCH_LIMIT,
    PublishItem,
    message_publish,
    message_publish_batch,
)


class MessagePublishApi(SystemApi):
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
        publisher = calling_subsystem_of(request)
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


class MessageBatchPublishApi(SystemApi):
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
        publisher = calling_subsystem_of(request)
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
