"""The registry's periodic jobs (discovered by ``ecity.core.jobs``)."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.registry.services.import_jobs import import_jobs_run

# Imports queued from the admin (and resuming those whose process died).
register_job("registry.imports", import_jobs_run, every_seconds=10)
