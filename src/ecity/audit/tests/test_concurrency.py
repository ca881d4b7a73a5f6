"""Concurrent writers on PostgreSQL never fork the chain, and every entry ends up chained."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from ecity.audit.chain import chain_verify
from ecity.audit.models import AuditEntry
from ecity.audit.services import audit_record
from ecity.audit.tests.conftest import postgres_only
from ecity.core.jobs import run_job

pytestmark = [pytest.mark.postgres, postgres_only]

WRITERS = 8
PER_WRITER = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_intact_and_contiguous():
    # given eight threads, each with its own database connection, starting together
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_WRITER):
                with transaction.atomic():  # as if inside another service's transaction
                    audit_record(actor=None, action="test.concurrent", data={"w": worker, "i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    # when they all append at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then nothing failed; the after-commit sealers chained (nearly) everything; the seal job
    # (the documented fallback, run by the worker every few seconds) chains what is left
    assert errors == []
    total = WRITERS * PER_WRITER
    left = AuditEntry.objects.filter(sequence__isnull=True).count()
    assert left < total / 2  # the writers' own after-commit sealers did the work
    run_job("audit.seal")
    # and sequences are 1..N without gaps and the chain verifies
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    result = chain_verify(batch=50)
    assert (result.ok, result.checked, result.unsealed) == (True, total, 0)
    assert connection.vendor == "postgresql"
