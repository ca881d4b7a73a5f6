"""``listClients``: the subsystems of the exchange, for department systems."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from ecity.core.api import ERROR_ENVELOPE_SCHEMA
from ecity.exchange.models import Subsystem
from ecity.exchange.selectors.catalogue import client_list
from ecity.sso.authentication import ClientCredentialsAuthentication, IsDepartmentSystem

TAGS = ["exchange"]


class ClientSerializer(serializers.ModelSerializer):
    instance = serializers.CharField(source="member.instance")
    member_class = serializers.CharField(source="member.member_class")
    member_code = serializers.CharField(source="member.code")
    member_name = serializers.CharField(source="member.name")
    subsystem_code = serializers.CharField(source="code")

    class Meta:
        model = Subsystem
        fields = [
            "identifier",
            "instance",
            "member_class",
            "member_code",
            "member_name",
            "subsystem_code",
            "name",
        ]


@extend_schema(
    tags=TAGS,
    summary="List the exchange's clients (listClients)",
    description="Enabled subsystems, local and federated; `instance` keeps one city.",
    parameters=[OpenApiParameter("instance", OpenApiTypes.STR)],
    responses={200: ClientSerializer(many=True), 401: ERROR_ENVELOPE_SCHEMA},
    examples=[
        OpenApiExample(
            "A client",
            response_only=True,
            value={
                "identifier": "CN-WH/GOV/GAJ/population",
                "instance": "CN-WH",
                "member_class": "GOV",
                "member_code": "GAJ",
                "member_name": "公安局",
                "subsystem_code": "population",
                "name": "人口信息系统",
            },
        )
    ],
)
class ClientListApi(generics.ListAPIView):
    authentication_classes = [ClientCredentialsAuthentication]
    permission_classes = [IsDepartmentSystem]
    serializer_class = ClientSerializer

    def get_queryset(self) -> QuerySet[Subsystem]:
        return client_list(instance=self.request.query_params.get("instance", "").strip())
