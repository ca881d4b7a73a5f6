"""Admin pages of the data exchange, always through its services.

``connectors``: data connectors (run now, dry run) and their run history (read-only).
"""

from ecity.exchange.admin import connectors  # noqa: F401
