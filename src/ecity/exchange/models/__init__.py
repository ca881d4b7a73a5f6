"""Models of the data exchange, one module per concept."""

from ecity.exchange.models.connectors import Connector, ConnectorRun, SourceKind
from ecity.exchange.models.federation import RemoteInstance
from ecity.exchange.models.log import LogPartition, MessageLogRecord, Refusal, SeenMessage
from ecity.exchange.models.parties import Member, MemberClass, Subsystem

__all__ = [
    "Connector",
    "ConnectorRun",
    "LogPartition",
    "Member",
    "MemberClass",
    "MessageLogRecord",
    "Refusal",
    "RemoteInstance",
    "SeenMessage",
    "SourceKind",
    "Subsystem",
]
