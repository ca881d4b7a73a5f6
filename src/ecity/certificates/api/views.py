"""Certificates API: my e-licences, public verification and staff revocation (thin views)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.certificates import selectors, services
from ecity.certificates.api.serializers import (
    CertificateRevokeInput,
    CertificateVerificationOutput,
    CertificateVerifyInput,
    CertificateVerifyQueryInput,
    CertificateWalletOutput,
)
from ecity.certificates.models import Certificate
from ecity.certificates.verification import public_info
from ecity.core.api import ERROR_ENVELOPE_SCHEMA as ENVELOPE
from ecity.core.api import Pagination
from ecity.identity.selectors import CASE_DATA, acting_identity, identity_level_check

VALID_EXAMPLE = OpenApiExample(
    "Valid certificate",
    value={
        "status": "valid",
        "message": "This certificate is valid: it was issued by 示范市市场监督管理局 and has not "
        "been altered.",
        "certificate": {
            "identifier": "1.2.156.3005.2.11100000000013338W011.11430000006122244L."
            "20230000403.001.U",
            "type_code": "11100000000013338W011",
            "type_name": "食品经营许可证",
            "holder_name": "示范餐饮有限公司",
            "holder_identifier": "9111**********001X",
            "issuer_name": "示范市市场监督管理局",
            "issued_on": "2025-06-01",
            "valid_until": "2030-05-31",
            "version": 1,
            "status": "active",
            "revoked_at": None,
            "revocation_reason": "",
        },
    },
    response_only=True,
)


class CertificateVerifyApi(APIView):
    """Anyone may verify; no session, so no CSRF token is needed for POST."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["certificates"],
        summary="Verify a certificate by its number",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.STR, required=True, description="Identifier"),
            OpenApiParameter(
                "sig", OpenApiTypes.STR, description="The signature prefix from the QR code"
            ),
        ],
        responses={200: CertificateVerificationOutput, 400: ENVELOPE},
        examples=[VALID_EXAMPLE],
    )
    def get(self, request: Request) -> Response:
        query = CertificateVerifyQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = services.certificate_verify(
            identifier=query.validated_data["id"],
            signature=query.validated_data.get("sig") or None,
        )
        return Response(CertificateVerificationOutput(result).data)

    @extend_schema(
        tags=["certificates"],
        summary="Verify a scanned QR payload, or presented data with its signature",
        request=CertificateVerifyInput,
        responses={200: CertificateVerificationOutput, 400: ENVELOPE},
        examples=[
            OpenApiExample(
                "QR payload",
                value={
                    "payload": "https://ecity.example.cn/certificates/verify/?id=1.2.156.3005.2."
                    "11100000000013338W011.11430000006122244L.20230000403.001.U&sig=3q2-7w"
                    "AAAAAAAAAAAA"
                },
                request_only=True,
            ),
            VALID_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        body = CertificateVerifyInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("payload"):
            result = services.certificate_verify(payload=data["payload"])
        else:
            result = services.certificate_verify(data=data["data"], signature=data["signature"])
        return Response(CertificateVerificationOutput(result).data)


class CertificateRevokeApi(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["certificates"],
        summary="Revoke a certificate (approvers of the issuing department)",
        request=CertificateRevokeInput,
        responses={200: CertificateVerificationOutput, 400: ENVELOPE, 403: ENVELOPE, 404: ENVELOPE},
        examples=[
            OpenApiExample(
                "Reason", value={"reason": "经营场所已变更，未办理变更手续。"}, request_only=True
            )
        ],
    )
    def post(self, request: Request, identifier: str) -> Response:
        body = CertificateRevokeInput(data=request.data)
        body.is_valid(raise_exception=True)
        certificate = selectors.certificate_get(identifier=identifier)
        certificate = services.certificate_revoke(
            actor=request.user,  # type: ignore[arg-type]
            certificate=certificate,
            reason=body.validated_data["reason"],
            request=request,
        )
        result = services.certificate_verify(identifier=certificate.identifier)
        return Response(
            CertificateVerificationOutput(
                {
                    "status": result.status,
                    "message": result.message,
                    "public": public_info(certificate),
                }
            ).data
        )


@extend_schema(
    tags=["certificates"],
    summary="My e-licences (我的证照)",
    description="The certificates held by the identity the user acts as (themselves, or the "
    "enterprise chosen as acting identity): issued by ecity and imported from other issuers, "
    "newest first, with their verification and validity. Needs a real-name verified account.",
    responses={200: CertificateWalletOutput(many=True), 403: ENVELOPE},
    examples=[
        OpenApiExample(
            "One certificate",
            value={
                "identifier": "1.2.156.3005.2.11100000000013338W011.11430000006122244L."
                "20230000403.001.U",
                "type_code": "11100000000013338W011",
                "type_name": "食品经营许可证",
                "holder_name": "示范餐饮有限公司",
                "issuer_name": "示范市市场监督管理局",
                "issuer_uscc": "11430000006122244L",
                "origin": "issued",
                "verification": "signature",
                "verification_label": "已验证签名",
                "issued_on": "2025-06-01",
                "valid_until": "2030-05-31",
                "state": "valid",
                "download_url": "/certificates/1.2.156.3005.2.11100000000013338W011."
                "11430000006122244L.20230000403.001.U/pdf",
            },
            response_only=True,
        )
    ],
)
class CertificateWalletApi(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = Pagination
    serializer_class = CertificateWalletOutput
    queryset = Certificate.objects.none()  # the rows come from the selector (schema only)

    def get(self, request: Request) -> Response:
        identity_level_check(user=request.user, purpose=CASE_DATA)
        certificates = selectors.certificate_wallet(
            user=request.user,
            identity=acting_identity(user=request.user, session=request.session),
        )
        page = self.paginate_queryset(certificates)
        return self.get_paginated_response(CertificateWalletOutput(page, many=True).data)
