"""The lean gateway: ``/r1/`` calls served by an ASGI process outside Django's request stack.

Same decisions (``gateway.decisions``), seals, identifiers, faults and log chain as the Django
view; the access lookups are cached for ``ECITY_EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS`` and the
log records of concurrent calls are committed together (group commit). See docs/exchange.md.
"""
