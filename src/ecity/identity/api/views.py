"""Identity API: public organisation data, the caller's account and acting identity, registration.

Thin views: input is parsed by serializers, rules live in services and selectors, and errors
become the ecity envelope through ``ecity.core.api.exception_handler``.
"""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
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
    EmailConfirmInput,
    MeOutput,
    MeUpdateInput,
    PasswordChangeInput,
    PhoneConfirmInput,
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
    pending = selectors.contact_changes_pending(user=request.user)
    return MeOutput(request.user, context={"roles": roles, "pending": pending}).data


REAUTH_EXAMPLE = OpenApiExample(
    "Password needed",
    value={
        "code": "reauthentication_required",
        "message": "Enter your current password to confirm it is you.",
        "fields": {"current_password": ["Enter your current password to confirm it is you."]},
    },
    response_only=True,
    status_codes=["403"],
)


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
        description=(
            "Address and language change at once. A new e-mail address or mobile number needs "
            "`current_password` (unless this session confirmed the password within the last "
            "minutes) and only starts a change: it counts once confirmed from the new address "
            "or number (`pending_email` / `pending_phone` show it meanwhile). The old address "
            "and phone are told."
        ),
        request=MeUpdateInput,
        responses={200: MeOutput, 400: ENVELOPE, 403: ENVELOPE, 429: ENVELOPE},
        examples=[
            OpenApiExample(
                "New address", value={"address": "示范市东城区长安街1号"}, request_only=True
            ),
            OpenApiExample(
                "New e-mail address",
                value={"email": "zhangsan@example.cn", "current_password": "my-Current-pass"},
                request_only=True,
            ),
            ERROR_EXAMPLE,
            REAUTH_EXAMPLE,
        ],
    )
    def patch(self, request: Request) -> Response:
        serializer = MeUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.account_update(
            user=request.user,  # type: ignore[arg-type]
            session=request.session,
            request=request._request,
            **serializer.validated_data,
        )
        return Response(_me(request))


@extend_schema(
    tags=["account"],
    summary="Confirm my new e-mail address",
    description=(
        "Posts the token of the link sent to the new address (the link's page does the same). "
        "Needs no login: the token names the account. It works once and expires."
    ),
    request=EmailConfirmInput,
    responses={200: MeOutput, 400: ENVELOPE},
)
class EmailChangeConfirmApi(APIView):
    permission_classes = [permissions.AllowAny]

    def post(self, request: Request) -> Response:
        serializer = EmailConfirmInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.email_change_confirm(
            token=serializer.validated_data["token"], request=request._request
        )
        roles = org_selectors.user_roles(user=user)
        pending = selectors.contact_changes_pending(user=user)
        return Response(MeOutput(user, context={"roles": roles, "pending": pending}).data)


@extend_schema(
    tags=["account"],
    summary="Confirm my new mobile number with the code sent to it",
    request=PhoneConfirmInput,
    responses={200: MeOutput, 400: ENVELOPE, 403: ENVELOPE, 429: ENVELOPE},
)
class PhoneChangeConfirmApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request: Request) -> Response:
        serializer = PhoneConfirmInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.phone_change_confirm(
            user=request.user,  # type: ignore[arg-type]
            code=serializer.validated_data["code"],
            request=request._request,
        )
        return Response(_me(request))


@extend_schema(
    tags=["account"],
    summary="Change my password",
    description=(
        "Needs the current password. Every other session of the account ends; pending e-mail "
        "and phone changes are cancelled; the e-mail address and phone are told."
    ),
    request=PasswordChangeInput,
    responses={204: None, 400: ENVELOPE, 403: ENVELOPE, 429: ENVELOPE},
)
class PasswordChangeApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request: Request) -> Response:
        serializer = PasswordChangeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.password_change(
            user=request.user,  # type: ignore[arg-type]
            session=request.session,
            request=request._request,
            **serializer.validated_data,
        )
        # This session stays logged in; every other one ends with the old password's hash.
        update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
