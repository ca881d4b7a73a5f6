"""Background jobs of the notify app (discovered by ecity.core.jobs)."""

from __future__ import annotations

from ecity.core.jobs import register_job
from ecity.notify.delivery import deliver_due_notifications
from ecity.notify.subscriptions import subscription_digests_send, topic_items_fan_out

register_job("notify.deliver", deliver_due_notifications, every_seconds=5)
register_job("notify.topics_fan_out", topic_items_fan_out, every_seconds=30)
register_job("notify.subscription_digests", subscription_digests_send, every_seconds=15 * 60)
