"""Topics and their event-type schemas, for department systems."""

from __future__ import annotations

from typing import Any

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

from ecity.exchange.api.system_api import (
    ERRORS,
    TAGS,
    SystemApi,
    calling_subsystem_of,
)
from ecity.exchange.models import Topic
from ecity.exchange.selectors import pubsub as selectors
from ecity.exchange.services.topics import topic_save, topic_schema_add

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


class TopicListApi(SystemApi):
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
        topics = selectors.topic_list(subsystem=calling_subsystem_of(request)).prefetch_related(
            "schemas"
        )
        return Response({"topics": [_topic(t) for t in topics]})


class TopicSaveApi(SystemApi):
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
        owner = calling_subsystem_of(request)
        data = self.TopicSaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        saved = topic_save(actor=owner, owner=owner, name=topic, **data.validated_data)
        return Response(_topic(saved))


class TopicSchemaAddApi(SystemApi):
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
        owner = calling_subsystem_of(request)
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
