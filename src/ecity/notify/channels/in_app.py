"""In-app channel: the inbox is the delivery, so there is nothing to send."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecity.notify.models import Notification


class InAppChannel:
    """Stored rows are visible in the recipient's inbox once their transaction commits."""

    def send(self, notification: Notification) -> None:
        return None
