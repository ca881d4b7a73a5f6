"""Input and output shapes of the notifications API."""

from __future__ import annotations

from rest_framework import serializers

from ecity.notify.models import Event, EventGroup, Notification


class NotificationOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    event = serializers.ChoiceField(choices=Event.choices, read_only=True)
    event_display = serializers.CharField(source="get_event_display", read_only=True)
    link = serializers.CharField(source="link_path", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_display",
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
