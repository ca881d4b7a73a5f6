"""SSO API: the caller's linked applications (federations); unlinking one revokes its tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.sso import selectors, services
from ecity.sso.api.serializers import FederationOutput

FEDERATION_EXAMPLE = OpenApiExample(
    "A linked application",
    value={
        "id": "6f0c1d2e-9a43-4b8e-8f6a-2f3e4d5c6b7a",
        "application": "企业开办一窗通",
        "client_id": "k3JZ0m…",
        "department": "市场监督管理局",
        "linked_at": "2025-03-01T09:30:00+08:00",
        "last_sign_in_at": "2025-03-05T14:02:11+08:00",
        "consented_claims": ["profile", "enterprise"],
    },
    response_only=True,
)


class FederationListApi(generics.ListAPIView):
    """The applications the caller has linked their identity to (active links only)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = FederationOutput
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.federation_list(user=self.request.user)

    @extend_schema(operation_id="sso_federation_list", examples=[FEDERATION_EXAMPLE])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class FederationDeleteApi(APIView):
    """Unlink one application: the link ends and all its tokens for the caller are revoked."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="sso_federation_unlink", request=None, responses={204: None})
    def delete(self, request: Request, public_id: Any) -> Response:
        federation = selectors.federation_get(user=request.user, public_id=public_id)
        services.federation_unlink(
            actor=request.user,  # type: ignore[arg-type]
            federation=federation,
            request=request._request,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
