"""Prometheus metrics of the exchange, in one registry that ``/metrics`` exposes.

Other parts of the exchange (deliveries, connectors) add their collectors to ``REGISTRY``.
Under several gunicorn workers set ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess
mode) so that ``/metrics`` sums all workers.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REGISTRY = CollectorRegistry(auto_describe=True)

GATEWAY_CALLS = Counter(
    "ecity_exchange_gateway_calls",
    "Gateway calls by service, HTTP status and fault code.",
    ["service", "status", "fault"],
    registry=REGISTRY,
)
GATEWAY_LATENCY = Histogram(
    "ecity_exchange_gateway_call_seconds",
    "Gateway call duration (client request received to client response sent).",
    ["service"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)


def metrics_text() -> bytes:
    """The exposition text of every exchange metric (all workers in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
