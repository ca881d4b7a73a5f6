"""Celery application for production background work (Redis broker).

    celery -A ecity.conf.celery worker --loglevel=info
    celery -A ecity.conf.celery beat --loglevel=info

Every job registered with ``ecity.core.jobs.register_job`` is scheduled by beat as the
``ecity.run_job`` task. The embedded mode does not need Celery (see ``ecity worker``).
"""

from __future__ import annotations

import os

import django
from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecity.conf.production")
django.setup()

from django.conf import settings  # noqa: E402

from ecity.core.jobs import registered_jobs, run_job  # noqa: E402

app = Celery("ecity")
app.conf.update(
    broker_url=settings.ECITY_BROKER_URL,
    task_acks_late=True,  # a job interrupted by a crash is delivered again
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    timezone=settings.TIME_ZONE,
    beat_schedule={
        job.name: {
            "task": "ecity.run_job",
            "schedule": float(job.every_seconds),
            "args": [job.name],
        }
        for job in registered_jobs().values()
    },
)


@app.task(name="ecity.run_job", ignore_result=True)
def run_job_task(name: str) -> None:
    run_job(name)
