"""API shapes for the audit trail. No business rules here."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from ecity.audit import labels
from ecity.audit.models import AuditEntry


class MyDataAccessOutput(serializers.ModelSerializer):
    """One access to the caller's data, as shown on "who looked at my data"."""

    who = serializers.CharField(source="actor_display")
    department = serializers.CharField(source="actor_department")
    acting_for = serializers.CharField(source="acting_for_name")
    action_label = serializers.SerializerMethodField()
    object_type_label = serializers.SerializerMethodField()
    field_labels = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "occurred_at",
            "who",
            "department",
            "acting_for",
            "action",
            "action_label",
            "object_type",
            "object_type_label",
            "fields",
            "field_labels",
            "reason",
        ]

    def get_action_label(self, entry: AuditEntry) -> str:
        return labels.action_label(entry.action)

    def get_object_type_label(self, entry: AuditEntry) -> str:
        return labels.object_type_label(entry.object_type)

    def get_field_labels(self, entry: AuditEntry) -> list[str]:
        return labels.field_labels(entry.object_type, entry.fields or [])


class AuditEntryOutput(serializers.ModelSerializer):
    """A full audit entry, for auditors."""

    class Meta:
        model = AuditEntry
        fields = [
            "sequence",
            "occurred_at",
            "action",
            "actor_username",
            "actor_display",
            "actor_department",
            "acting_for_uscc",
            "acting_for_name",
            "object_type",
            "object_id",
            "object_repr",
            "subject_username",
            "fields",
            "reason",
            "ip_address",
            "user_agent",
            "request_id",
            "data",
            "prev_hash",
            "entry_hash",
        ]


class AuditFilterInput(serializers.Serializer):
    actor = serializers.CharField(required=False, max_length=150)
    subject = serializers.CharField(required=False, max_length=150)
    action = serializers.CharField(required=False, max_length=64)
    object_type = serializers.CharField(required=False, max_length=100)
    object_id = serializers.CharField(required=False, max_length=64)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    ip_address = serializers.IPAddressField(required=False)

    def validate(self, attrs: dict) -> dict:
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": [_("The end date must not be before the start date.")]}
            )
        return attrs


class VerificationOutput(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    first_broken_sequence = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    problem = serializers.CharField()
    last_sequence = serializers.IntegerField()
    last_hash = serializers.CharField()
    checkpoints_checked = serializers.IntegerField(
        help_text="Signed checkpoints of the chain head that were checked against the chain."
    )
    checkpoint_sequence = serializers.IntegerField(
        allow_null=True, help_text="The checkpoint the chain contradicts (truncated, rewritten)."
    )
    checkpoint_at = serializers.DateTimeField(
        allow_null=True, help_text="When the contradicted checkpoint was signed."
    )
