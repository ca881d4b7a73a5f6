"""Models of the data exchange, one module per concept."""

from ecity.exchange.models.catalogue import AccessRight, CallRecord, Endpoint, Service
from ecity.exchange.models.log import LogPartition, MessageLogRecord, SeenMessage
from ecity.exchange.models.parties import Member, MemberClass, Subsystem

__all__ = [
    "AccessRight",
    "CallRecord",
    "Endpoint",
    "LogPartition",
    "Member",
    "MemberClass",
    "MessageLogRecord",
    "SeenMessage",
    "Service",
    "Subsystem",
]
