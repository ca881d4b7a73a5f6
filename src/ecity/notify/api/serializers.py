"""Input and output shapes of the notifications API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ecity.notify.models import Notification
from ecity.notify.registry import EventGroup


@extend_schema_serializer(deprecate_fields=["case_number"])
class NotificationOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    event = serializers.CharField(
        read_only=True, help_text="The event's name, as declared by the app that sends it."
    )
    event_display = serializers.CharField(source="event_label", read_only=True)
    reference = serializers.CharField(
        read_only=True, help_text="The number people know the subject by (a case number)."
    )
    case_number = serializers.CharField(
        source="reference",
        read_only=True,
        help_text="Deprecated: the same value as `reference`, kept for existing clients.",
    )
    link = serializers.CharField(source="link_path", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_display",
            "reference",
            "case_number",
            "subject",
            "body",
            "link",
            "is_read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields


class NotificationListFilter(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class NotificationChannelPreferencesOutput(serializers.Serializer):
    channel = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # stubs: Field.label
    address = serializers.CharField(source="address_masked", help_text="Masked address.")
    has_address = serializers.BooleanField()
    is_switchable = serializers.BooleanField(help_text="False for in-app messages.")
    groups = serializers.SerializerMethodField()

    def get_groups(self, obj: object) -> dict[str, bool]:
        return {group.group: group.is_enabled for group in obj.groups}  # type: ignore[attr-defined]


class NotificationPreferencesOutput(serializers.Serializer):
    channels = NotificationChannelPreferencesOutput(many=True)


class NotificationChannelPreferencesInput(serializers.Serializer):
    channel = serializers.CharField(max_length=16)
    groups = serializers.DictField(
        child=serializers.BooleanField(),
        allow_empty=False,
        help_text=(
            "Event group → enabled; 'all' sets every group of the channel. Groups: "
            + ", ".join(EventGroup.values)
            + "."
        ),
    )


class NotificationPreferencesInput(serializers.Serializer):
    channels = NotificationChannelPreferencesInput(many=True, allow_empty=False)
