"""The channel interface: ``send(notification)`` succeeds or raises ``DeliveryFailed``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ecity.notify.models import Notification


class DeliveryFailed(Exception):
    """A channel could not deliver a message.

    ``retryable`` says whether trying again later may succeed (gateway down, timeout, 5xx) or
    not (address refused, request rejected with a 4xx): the delivery job gives up at once then.
    """

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class ChannelBackend(Protocol):
    """What every channel backend offers. The message is already rendered on the row."""

    def send(self, notification: Notification) -> None: ...
