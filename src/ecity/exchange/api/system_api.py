"""How a department system calls the exchange API, mounted at /api/v1/exchange/.

Department systems authenticate with an OAuth 2.0 client-credentials token
(``ecity.sso.authentication``); the token's application is their exchange subsystem. The
base view, the calling subsystem, the shared error answers and examples of the API modules
(``publications``, ``topics``, ``subscriptions``, ``keys``, ``federation``). Thin views: input
serializer, service or selector, output.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.exchange.models import Delivery, Subsystem
from ecity.exchange.selectors import pubsub as selectors
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


def calling_subsystem_of(request: Request) -> Subsystem:
    assert isinstance(request.auth, SystemClient)
    return selectors.calling_subsystem(client=request.auth)


class SystemApi(APIView):
    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsDepartmentSystem]
    throttle_classes = [SystemClientRateThrottle]


class EnvelopeOut(serializers.Serializer):
    message_id = serializers.CharField()
    envelope = serializers.DictField()
    payload = serializers.JSONField()


def message_out(delivery: Delivery) -> dict[str, Any]:
    publication = delivery.publication
    return {
        "message_id": publication.message_id,
        "envelope": publication.envelope,
        "payload": publication.payload,
    }
