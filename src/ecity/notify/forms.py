"""The notification settings form: one checkbox per switchable channel and event group."""

from __future__ import annotations

from typing import Any

from django import forms

from ecity.notify.selectors import ChannelPreferences


def field_name(channel: str, group: str) -> str:
    return f"{channel}__{group}"


class PreferencesForm(forms.Form):
    """Built from the user's current settings; channels without an address are disabled."""

    def __init__(self, *args: Any, channels: list[ChannelPreferences], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channels = channels
        for channel in channels:
            if not channel.is_switchable:
                continue
            for group in channel.groups:
                self.fields[field_name(channel.channel, group.group)] = forms.BooleanField(
                    label=group.label,
                    required=False,
                    initial=group.is_enabled,
                    disabled=not channel.has_address,
                )

    def fieldsets(self) -> list[dict[str, Any]]:
        """Channels with their bound fields, in display order, for the template."""
        result = []
        for channel in self.channels:
            result.append(
                {
                    "channel": channel,
                    "fields": [
                        self[field_name(channel.channel, group.group)]
                        for group in channel.groups
                        if channel.is_switchable
                    ],
                }
            )
        return result

    def preferences(self) -> dict[str, dict[str, bool]]:
        """The choices as ``preferences_update`` takes them (only channels with an address)."""
        result: dict[str, dict[str, bool]] = {}
        for channel in self.channels:
            if not channel.is_switchable or not channel.has_address:
                continue
            result[channel.channel] = {
                group.group: bool(self.cleaned_data[field_name(channel.channel, group.group)])
                for group in channel.groups
            }
        return result
