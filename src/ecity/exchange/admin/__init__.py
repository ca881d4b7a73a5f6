"""Admin pages of the data exchange, always through its services.

``trust``: members, subsystems (key rotation), the message log and its refusals (read-only),
federated cities. ``connectors``: data connectors (run now, dry run) and their run history
(read-only).
"""

from ecity.exchange.admin import connectors, trust  # noqa: F401
