"""The public signing keys of the exchange, for receivers that verify pushes."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.exchange.api.system_api import (
    TAGS,
)
from ecity.exchange.selectors import pubsub as selectors


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
