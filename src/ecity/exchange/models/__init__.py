"""Models of the data exchange, one module per concept."""

from ecity.exchange.models.catalogue import AccessRight, CallRecord, Endpoint, Service
from ecity.exchange.models.connectors import Connector, ConnectorRun, SourceKind
from ecity.exchange.models.federation import RemoteInstance
from ecity.exchange.models.log import LogPartition, MessageLogRecord, Refusal, SeenMessage
from ecity.exchange.models.parties import Member, MemberClass, Subsystem
from ecity.exchange.models.pubsub import (
    Delivery,
    InboxEntry,
    Publication,
    Subscription,
    Topic,
    TopicSchema,
)
from ecity.exchange.models.transport import RelayCursor

__all__ = [
    "AccessRight",
    "CallRecord",
    "Connector",
    "ConnectorRun",
    "Delivery",
    "Endpoint",
    "InboxEntry",
    "LogPartition",
    "Member",
    "MemberClass",
    "MessageLogRecord",
    "Publication",
    "Refusal",
    "RelayCursor",
    "RemoteInstance",
    "SeenMessage",
    "SeenMessage",
    "Service",
    "SourceKind",
    "Subscription",
    "Subsystem",
    "Topic",
    "TopicSchema",
]
