"""Concurrent submissions: one case per idempotency key, unique numbers (PostgreSQL threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from ecity.cases.models import Case
from ecity.cases.tests.submission_support import submit
from ecity.core.models import IdempotencyRecord
from ecity.identity.tests.factories import UserFactory


def _run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait(timeout=10)
            results.append(target(index))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_with_one_key_create_one_case(joint):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")

    results, errors = _run_in_threads(
        4, lambda _i: submit(joint, idempotency_key="same-key-00001").number
    )

    assert errors == []
    assert Case.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert set(results) == {Case.objects.get().number}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_submits_get_distinct_consecutive_numbers(joint):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locking")
    users = [UserFactory(is_real_name_verified=True) for _ in range(5)]

    results, errors = _run_in_threads(5, lambda i: submit(joint, user=users[i]).number)

    assert errors == []
    assert sorted(int(n[-6:]) for n in results) == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_sequential_retry_returns_the_first_case(joint):
    first = submit(joint, idempotency_key="retry-key-0001")
    second = submit(joint, idempotency_key="retry-key-0001")
    assert (first.number, Case.objects.count()) == (second.number, 1)
