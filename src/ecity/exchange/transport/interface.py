"""How deliveries leave the node: the ``Transport`` interface and the embedded database transport.

The database (``Publication`` and ``Delivery`` rows, the message log) is always the record; a
transport only moves messages. ``message_publish`` calls ``notify(delivery_ids)`` after its
commit; a transport's ``deliver_due`` pushes what is due, and ``run`` loops until stopped.

* ``DatabaseTransport`` (default, embedded, no broker; in ``services.delivery`` next to the
  pushes it runs): ``notify`` does nothing, the periodic job ``exchange.deliver``
  (``jobs.py``) claims due push deliveries with ``select_for_update(skip_locked=True)`` and
  POSTs them.
* ``NatsTransport`` (``ECITY_EXCHANGE_TRANSPORT=nats``, also in ``services.delivery``; chosen by
  ``delivery_transport``): the relay carries publications to the stream, the worker
  ``exchange_deliver_nats`` (``transport.delivery_nats``) pushes from one durable consumer per
  push subscription and keeps the Delivery rows up to date, so the database job, which behind
  NATS only takes overdue deliveries, can take over at any time.
* ``transport_register`` overrides the choice (tests, another broker).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol


class Transport(Protocol):
    """What the exchange needs from a delivery transport."""

    name: str

    def notify(self, delivery_ids: Sequence[int]) -> None:
        """New deliveries were committed (called after commit; must not raise)."""

    def deliver_due(self) -> str:
        """Deliver what is due once; return a short summary."""

    def run(self, *, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set."""


_transport: Transport | None = None


def transport_register(transport: Transport | None) -> None:
    """Use ``transport`` from now on (None: back to the database transport)."""
    global _transport
    _transport = transport


def transport_get() -> Transport | None:
    """The registered broker transport, or None: the database transport
    (``services.delivery.DatabaseTransport``, see ``delivery_transport``) is in use."""
    return _transport
