"""Serial numbers and first keys under concurrent issuance (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ecity.certificates import services, signing
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.core.models import SigningKey

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locking and threads"
    ),
]


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait()
            results.append(target(index))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_serial_allocation_never_repeats_a_number():
    results, errors = run_in_threads(
        8, lambda _i: [services.serial_allocate(scope="test:scope") for _ in range(5)]
    )

    assert errors == []
    numbers = sorted(n for batch in results for n in batch)
    assert numbers == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_key_generation_leaves_one_active_key():
    results, errors = run_in_threads(6, lambda _i: signing.key_generate().kid)

    assert errors == []
    assert len(set(results)) == 1
    assert SigningKey.objects.filter(status=SigningKey.Status.CURRENT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_gives_distinct_serials(joint, cert_type, make_case):
    cases = [make_case() for _ in range(6)]

    results, errors = run_in_threads(6, lambda i: issue_for_case(cases[i], joint.approver).serial)

    assert errors == []
    assert len(set(results)) == 6
    assert Certificate.objects.count() == 6
    assert sorted(int(s[-8:]) for s in results) == [1, 2, 3, 4, 5, 6]
