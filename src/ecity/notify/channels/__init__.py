"""Pluggable delivery channels: in-app (stored only), e-mail (Django mail) and SMS gateways."""

from __future__ import annotations

from django.conf import settings

from ecity.notify.channels.base import ChannelBackend, DeliveryFailed
from ecity.notify.channels.email import EmailChannel
from ecity.notify.channels.in_app import InAppChannel
from ecity.notify.channels.sms import LOCMEM_OUTBOX, sms_backend_for_url

__all__ = ["LOCMEM_OUTBOX", "ChannelBackend", "DeliveryFailed", "channel_backend"]


def channel_backend(channel: str) -> ChannelBackend:
    """The backend for a channel name, built from the current settings."""
    if channel == "email":
        return EmailChannel()
    if channel == "sms":
        return sms_backend_for_url(settings.ECITY_SMS_URL)
    if channel == "in_app":
        return InAppChannel()
    raise ValueError(f"unknown channel {channel!r}")
