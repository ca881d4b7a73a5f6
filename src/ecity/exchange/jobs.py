"""The exchange's periodic jobs (discovered by ``ecity.core.jobs``)."""

from __future__ import annotations

from django.conf import settings

from ecity.core.jobs import register_job
from ecity.exchange.services.connectors import connectors_run_due

# --- H4: data connectors due by their schedule (each claimed, one process per connector) ---
register_job(
    "exchange.connectors",
    connectors_run_due,
    every_seconds=settings.ECITY_CONNECTORS_EVERY_SECONDS,
)
