"""Fixtures of the exchange tests: the real NATS JetStream broker on this machine."""

from __future__ import annotations

import os
import socket
import urllib.parse
import uuid

import pytest
from django.conf import settings


def nats_reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), 2).close()
    except OSError:
        return False
    return True


def nats_required() -> None:
    """Skip (or, with ``CI=true``, fail) a test when the broker is not reachable.

    ``scripts/test.sh`` starts ``nats-server -js`` when nothing listens on the port, so in the
    test command the broker is always there; a developer running one test file without it gets
    a skip that says why.
    """
    url = str(settings.ECITY_NATS_URL)
    if nats_reachable(url):
        return
    message = f"NATS JetStream is not reachable at {url} (scripts/test.sh starts nats-server -js)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {message}")
    pytest.skip(message)


@pytest.fixture
def nats_prefix(settings):
    """A subject prefix (and so a stream) of this test alone; the stream is deleted after."""
    nats_required()
    prefix = f"ecitytest{uuid.uuid4().hex[:10]}"
    settings.ECITY_NATS_SUBJECT_PREFIX = prefix
    settings.ECITY_NATS_STREAM = ""
    settings.ECITY_EXCHANGE_TRANSPORT = "nats"
    yield prefix
    from ecity.exchange.transport.nats import Broker

    with Broker.connect() as broker:
        broker.stream_delete()


@pytest.fixture
def broker(nats_prefix):
    """A connection to the test's own stream, created."""
    from ecity.exchange.transport.nats import Broker

    with Broker.connect() as connected:
        connected.stream_ensure()
        yield connected
