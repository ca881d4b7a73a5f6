"""Exchange transport: how logged publications travel to their receivers.

``ECITY_EXCHANGE_TRANSPORT`` chooses it: ``database`` (embedded default, no broker: receivers
read deliveries from the database) or ``nats`` (NATS JetStream). Either way the message log in
the database is the record and the broker is never the only copy.

The interface the rest of the exchange uses (NATS):

* ``relay.relay_run_once(broker=…)``: carry committed ``published`` log records to the stream
  (at least once, cursor per log partition, broker dedupe by message ID); command
  ``exchange_relay``.
* ``consumer.consumer_run_once(broker=…, durable=…, on_batch=… | on_message=…, on_dead=…)``:
  one durable pull consumer per receiving subscription; each fetched batch is verified (refused
  envelopes logged and dead-lettered), then handled in one transaction by ``on_batch(messages)``
  or ``on_message(envelope, payload)`` per message, which must be idempotent (the receiver's
  inbox); ack after commit, redelivery with backoff, order per key, dead letters to
  ``on_dead``; command ``exchange_consume --durable NAME --batch-handler …``.
* ``subjects``: subjects mirroring identifiers; ``nats.Broker``: connection, stream and
  consumer provisioning (command ``exchange_nats_setup``).

The delivery interface (``interface``): ``message_publish`` notifies the registered
``Transport`` of committed deliveries; the embedded ``DatabaseTransport`` (``services.delivery``)
pushes them from the periodic job ``exchange.deliver``. With NATS, ``delivery_nats`` pushes push
subscriptions' deliveries from their durable consumers (command ``exchange_deliver_nats``) and
the job only takes what stays overdue.

See docs/exchange.md, "Operating the broker".
"""

from ecity.exchange.transport.interface import Transport, transport_get, transport_register

__all__ = ["Transport", "transport_get", "transport_register"]
