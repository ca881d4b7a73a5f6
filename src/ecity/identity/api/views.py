"""Identity API: public organisation data, the caller's account and acting identity, registration.

Thin views: input is parsed by serializers, rules live in services and selectors, and errors
become the ecity envelope through ``ecity.core.api.exception_handler``.
"""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.api import ERROR_ENVELOPE_SCHEMA as ENVELOPE
from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.ratelimit import ratelimit, setting_rate
from ecity.identity import selectors, services
from ecity.identity.api.serializers import (
    ActingIdentityOutput,
    ActingIdentitySwitchInput,
    DepartmentOutput,
    MeOutput,
    MeUpdateInput,
    RegionOutput,
    RegistrationInput,
)
from ecity.org import selectors as org_selectors
from ecity.org.models import Region

ERROR_EXAMPLE = OpenApiExample(
    "Field errors",
    value={
        "code": "validation_failed",
        "message": "Some fields are not valid. Please correct them and try again.",
        "fields": {"phone": ["An account with this phone number is already registered."]},
    },
    response_only=True,
    status_codes=["400"],
)


class _RegionFilter(serializers.Serializer):
    parent = serializers.CharField(required=False, max_length=12)
    level = serializers.ChoiceField(choices=Region.Level.choices, required=False)
    q = serializers.CharField(required=False, max_length=100)


class _DepartmentFilter(serializers.Serializer):
    parent = serializers.CharField(required=False, max_length=32)
    region = serializers.CharField(required=False, max_length=12)
    q = serializers.CharField(required=False, max_length=100)


def _filters(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema(
    tags=["organisations"],
    summary="List regions",
    parameters=[
        OpenApiParameter("parent", OpenApiTypes.STR, description="Code of the parent region"),
        OpenApiParameter("level", OpenApiTypes.STR, enum=Region.Level.values),
        OpenApiParameter("q", OpenApiTypes.STR, description="Code prefix or part of the name"),
    ],
    responses={200: RegionOutput(many=True), 400: ENVELOPE},
)
class RegionListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = RegionOutput
    filter_backends: list = []

    def get_queryset(self):
        f = _filters(_RegionFilter, self.request)
        return org_selectors.region_list(
            parent_code=f.get("parent"), level=f.get("level"), q=f.get("q")
        )


@extend_schema(
    tags=["organisations"],
    summary="One region",
    responses={200: RegionOutput, 404: ENVELOPE},
)
class RegionDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request, code: str) -> Response:
        return Response(RegionOutput(org_selectors.region_get(code=code)).data)


@extend_schema(
    tags=["organisations"],
    summary="List active departments",
    parameters=[
        OpenApiParameter("parent", OpenApiTypes.STR, description="Code of the parent department"),
        OpenApiParameter("region", OpenApiTypes.STR, description="Region code"),
        OpenApiParameter("q", OpenApiTypes.STR, description="Code prefix or part of the name"),
    ],
    responses={200: DepartmentOutput(many=True), 400: ENVELOPE},
)
class DepartmentListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = DepartmentOutput
    filter_backends: list = []

    def get_queryset(self):
        f = _filters(_DepartmentFilter, self.request)
        return org_selectors.department_list(
            parent_code=f.get("parent"), region_code=f.get("region"), q=f.get("q")
        )


@extend_schema(
    tags=["organisations"],
    summary="One department",
    responses={200: DepartmentOutput, 404: ENVELOPE},
)
class DepartmentDetailApi(APIView):
    permission_classes = [permissions.AllowAny]

    def get(self, request: Request, code: str) -> Response:
        return Response(DepartmentOutput(org_selectors.department_get(code=code)).data)


def _me(request: Request) -> dict:
    roles = org_selectors.user_roles(user=request.user)
    return MeOutput(request.user, context={"roles": roles}).data


class MeApi(APIView):
    """The caller's own account."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["account"],
        summary="My account (identifiers masked)",
        responses={200: MeOutput, 403: ENVELOPE},
        examples=[
            OpenApiExample(
                "Citizen",
                value={
                    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                    "username": "zhangsan",
                    "real_name": "张三",
                    "id_number": "1101**********002X",
                    "phone": "138****0001",
                    "email": "z***@example.cn",
                    "address": "",
                    "identity_level": 3,
                    "identity_method": "counter",
                    "identity_verified_at": "2026-03-02T09:15:00+08:00",
                    "is_real_name_verified": True,
                    "preferred_language": "zh-hans",
                    "staff_roles": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request: Request) -> Response:
        return Response(_me(request))

    @extend_schema(
        tags=["account"],
        summary="Change my contact details",
        request=MeUpdateInput,
        responses={200: MeOutput, 400: ENVELOPE, 403: ENVELOPE},
        examples=[
            OpenApiExample("New phone", value={"phone": "13900000001"}, request_only=True),
            ERROR_EXAMPLE,
        ],
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.profile_update(user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(_me(request))


@extend_schema(
    tags=["account"],
    summary="Identities I may act as (myself first, then my enterprises)",
    responses={200: ActingIdentityOutput(many=True), 403: ENVELOPE},
)
class MyIdentitiesApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def get(self, request: Request) -> Response:
        current = selectors.acting_identity(user=request.user, session=request.session)
        identities = selectors.acting_identities(user=request.user)  # type: ignore[arg-type]
        return Response(
            ActingIdentityOutput(identities, many=True, context={"current": current}).data
        )


class ActingIdentityApi(APIView):
    """Who the caller acts as in this session."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["account"],
        summary="My current acting identity",
        responses={200: ActingIdentityOutput, 403: ENVELOPE},
    )
    def get(self, request: Request) -> Response:
        current = selectors.acting_identity(user=request.user, session=request.session)
        return Response(ActingIdentityOutput(current, context={"current": current}).data)

    @extend_schema(
        tags=["account"],
        summary="Switch my acting identity",
        request=ActingIdentitySwitchInput,
        responses={200: ActingIdentityOutput, 400: ENVELOPE, 403: ENVELOPE},
        examples=[
            OpenApiExample(
                "Act for an enterprise",
                value={"legal_entity": "3fa85f64-5717-4562-b3fc-2c963f66afa6"},
                request_only=True,
            ),
            OpenApiExample("Act as myself", value={"legal_entity": None}, request_only=True),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = ActingIdentitySwitchInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = serializer.validated_data["legal_entity"]
        try:
            entity = selectors.legal_entity_get(user=request.user, public_id=key) if key else None
        except NotFound as exc:
            # Same answer for unknown and foreign enterprises: nothing to probe.
            raise PermissionDenied(
                _("You are not an authorised agent of this enterprise.")
            ) from exc
        identity = services.acting_identity_switch(
            user=request.user,  # type: ignore[arg-type]
            session=request.session,
            legal_entity=entity,
        )
        return Response(ActingIdentityOutput(identity, context={"current": identity}).data)


_register_limit, _register_window = setting_rate("register")


@extend_schema(
    tags=["account"],
    summary="Register a citizen account",
    request=RegistrationInput,
    responses={201: MeOutput, 400: ENVELOPE, 429: ENVELOPE},
    examples=[
        OpenApiExample(
            "Registration",
            value={
                "username": "zhangsan",
                "password": "a-Long-pass-phrase",
                "real_name": "张三",
                "id_number": "11010519900517002X",
                "phone": "13800000001",
                "email": "zhangsan@example.cn",
            },
            request_only=True,
        ),
        ERROR_EXAMPLE,
    ],
)
@method_decorator(
    # The same counter as the registration page: one budget per address.
    ratelimit(key="ip", limit=_register_limit, window=_register_window, scope="register"),
    name="post",
)
class RegistrationApi(APIView):
    permission_classes = [permissions.AllowAny]

    def post(self, request: Request) -> Response:
        serializer = RegistrationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.citizen_register(**serializer.validated_data)
        return Response(MeOutput(user, context={"roles": []}).data, status=status.HTTP_201_CREATED)
