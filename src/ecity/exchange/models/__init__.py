"""Models of the data exchange, one module per concept."""

from ecity.exchange.models.log import LogPartition, MessageLogRecord, SeenMessage
from ecity.exchange.models.parties import Member, MemberClass, Subsystem
from ecity.exchange.models.transport import RelayCursor

__all__ = [
    "LogPartition",
    "Member",
    "MemberClass",
    "MessageLogRecord",
    "RelayCursor",
    "SeenMessage",
    "Subsystem",
]
