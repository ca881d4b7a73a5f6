"""Models of the data exchange, one module per concept."""

from ecity.exchange.models.log import LogPartition, MessageLogRecord, SeenMessage
from ecity.exchange.models.parties import Member, MemberClass, Subsystem
from ecity.exchange.models.pubsub import (
    Delivery,
    InboxEntry,
    Publication,
    Subscription,
    Topic,
    TopicSchema,
)

__all__ = [
    "Delivery",
    "InboxEntry",
    "LogPartition",
    "Member",
    "MemberClass",
    "MessageLogRecord",
    "Publication",
    "SeenMessage",
    "Subscription",
    "Subsystem",
    "Topic",
    "TopicSchema",
]
