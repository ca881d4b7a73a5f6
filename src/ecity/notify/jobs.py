"""Background jobs of the notify app (discovered by ecity.core.jobs)."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.notify.delivery import deliver_due_notifications

register_job("notify.deliver", deliver_due_notifications, every_seconds=5)
