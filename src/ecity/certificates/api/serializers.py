"""Input and output shapes of the certificates API."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecity.certificates.models import Certificate
from ecity.certificates.verification import VerificationStatus


class CertificatePublicOutput(serializers.Serializer):
    identifier = serializers.CharField()
    type_code = serializers.CharField()
    type_name = serializers.CharField()
    holder_name = serializers.CharField(help_text="Masked for natural persons.")
    holder_identifier = serializers.CharField(help_text="Masked: first 4 and last 4 characters.")
    issuer_name = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["active", "revoked"])
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField(allow_blank=True)


class CertificateVerificationOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(VerificationStatus.ALL))
    message = serializers.CharField()
    certificate = CertificatePublicOutput(allow_null=True, source="public")


class CertificateVerifyQueryInput(serializers.Serializer):
    id = serializers.CharField(max_length=200, label=_("certificate number"))
    sig = serializers.CharField(max_length=100, required=False, allow_blank=True)


class CertificateVerifyInput(serializers.Serializer):
    payload = serializers.CharField(
        max_length=600,
        required=False,
        help_text="The scanned QR text (the verification URL) or a certificate number.",
    )
    signature = serializers.CharField(max_length=200, required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        # "data" cannot be a class attribute: it would hide Serializer.data.
        fields = super().get_fields()
        fields["data"] = serializers.JSONField(
            required=False, help_text="The certificate's signed content including key_id."
        )
        return fields

    def validate(self, attrs: dict) -> dict:
        has_payload = bool(attrs.get("payload"))
        has_data = attrs.get("data") is not None
        if has_payload == has_data:
            raise serializers.ValidationError(
                {"payload": [_("Send either the QR payload or the data with its signature.")]}
            )
        if has_data and not attrs.get("signature"):
            raise serializers.ValidationError(
                {"signature": [_("The signature is required with the data.")]}
            )
        if has_data and not isinstance(attrs["data"], dict):
            raise serializers.ValidationError({"data": [_("The data must be a JSON object.")]})
        return attrs


class CertificateRevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, allow_blank=True, required=False, default="")


class CertificateWalletOutput(serializers.Serializer):
    """One certificate of "my e-licences", as its holder sees it."""

    identifier = serializers.CharField()
    type_code = serializers.CharField()
    type_name = serializers.CharField()
    holder_name = serializers.CharField()
    issuer_name = serializers.CharField()
    issuer_uscc = serializers.CharField()
    origin = serializers.ChoiceField(
        choices=["issued", "imported"],
        help_text="issued: by ecity (signed by ecity); imported: recorded from another issuer.",
    )
    verification = serializers.ChoiceField(
        choices=["signature", "issuer_registry", "unverified"],
        help_text="How the certificate was verified.",
    )
    verification_label = serializers.CharField(source="get_verification_display")
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(
        choices=["valid", "expired", "revoked"], help_text="Today: valid, expired or revoked."
    )
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, certificate: Certificate) -> str:
        return reverse("certificates:pdf", kwargs={"identifier": certificate.identifier})
