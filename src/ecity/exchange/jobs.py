"""The data exchange's periodic jobs (discovered by ``ecity.core.jobs``)."""

from __future__ import annotations

from django.conf import settings

from ecity.core.jobs import register_job
from ecity.exchange.log_retention import log_retention_run, seen_messages_purge
from ecity.exchange.services.connectors import connectors_run_due
from ecity.exchange.services.delivery import delivery_transport


def deliver_due_messages() -> str:
    """The job ``exchange.deliver``: push due deliveries through the configured transport."""
    return delivery_transport().deliver_due()


register_job(
    "exchange.deliver",
    deliver_due_messages,
    every_seconds=settings.ECITY_EXCHANGE_DELIVER_EVERY_SECONDS,
)
# Message log retention (ECITY_EXCHANGE_LOG_RETENTION_DAYS; 0 keeps everything).
register_job("exchange.log_retention", log_retention_run, every_seconds=3600)
# Replay protection only needs message IDs younger than the accepted clock skew.
register_job("exchange.seen_purge", seen_messages_purge, every_seconds=600)
# Data connectors due by their schedule (each claimed, one process per connector).
register_job(
    "exchange.connectors",
    connectors_run_due,
    every_seconds=settings.ECITY_CONNECTORS_EVERY_SECONDS,
)
