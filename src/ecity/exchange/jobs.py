"""Periodic jobs of the data exchange (see ``ecity.core.jobs``)."""

from __future__ import annotations

from django.conf import settings

from ecity.core.jobs import register_job
from ecity.exchange.services.delivery import delivery_transport


def deliver_due_messages() -> str:
    """The job ``exchange.deliver``: push due deliveries through the configured transport."""
    return delivery_transport().deliver_due()


register_job(
    "exchange.deliver",
    deliver_due_messages,
    every_seconds=settings.ECITY_EXCHANGE_DELIVER_EVERY_SECONDS,
)
