"""Output shapes of the SSO API."""

from __future__ import annotations

from rest_framework import serializers

from ecity.sso.claims import ClaimGroup


class FederationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    application = serializers.CharField(source="application.name")
    client_id = serializers.CharField(source="application.client_id")
    department = serializers.SerializerMethodField()
    linked_at = serializers.DateTimeField()
    last_sign_in_at = serializers.DateTimeField(allow_null=True)
    consented_claims = serializers.ListField(
        child=serializers.ChoiceField(choices=ClaimGroup.choices)
    )

    def get_department(self, obj: object) -> str:
        policy = getattr(obj.application, "ecity_policy", None)  # type: ignore[attr-defined]
        return policy.department.name if policy is not None else ""
