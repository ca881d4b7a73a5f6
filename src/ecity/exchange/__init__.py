"""Resource integration (城市信息资源整合): signed data exchange, service registry and gateway.

Parties have identifiers in the X-Road shape (instance / member class / member / subsystem /
service); every message travels as a signed envelope (``envelope``) and is recorded in a
hash-chained message log (``message_log``) before anyone is told it was received.
"""
