"""The data exchange's periodic jobs (discovered by ``ecity.core.jobs``)."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.exchange.log_retention import log_retention_run, seen_messages_purge

# Message log retention (ECITY_EXCHANGE_LOG_RETENTION_DAYS; 0 keeps everything).
register_job("exchange.log_retention", log_retention_run, every_seconds=3600)
# Replay protection only needs message IDs younger than the accepted clock skew.
register_job("exchange.seen_purge", seen_messages_purge, every_seconds=600)
